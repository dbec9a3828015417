"""Helpers shared by both tiers: paths, the CLI in a subprocess, polling for a condition.
The integration tier's broker and worker fixtures are in tests/integration/conftest.py."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.2, what: str = "condition"):
    """Poll ``predicate`` until it returns something truthy; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")


def run_cli(*args: str, env: dict | None = None, timeout: float = 120, cwd: Path | None = None,
             input: str | None = None) -> subprocess.CompletedProcess:
    """Run the real CLI in a subprocess."""
    return subprocess.run([sys.executable, "-m", "newsflow.cli", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd or REPO, env={**os.environ, **(env or {})}, input=input)


POSTGRES_URL = os.environ.get("NEWSFLOW_TEST_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")


def doc_id(path: Path) -> str:
    """The id replay gives the single document in ``path``."""
    from newsflow.replay import iter_documents

    (document,) = list(iter_documents([path]))
    return document.id


@pytest.fixture
def unique_article(tmp_path):
    """Write a small plain-text article with a unique title; returns (path, id, title)."""
    def make(body: str = "") -> tuple[Path, str, str]:
        title = f"Council approves budget {uuid.uuid4().hex[:8]}"
        text = body or ('The council approved the budget on Tuesday, the mayor said.\n\n'
                        '"This is a good day for the city," Mayor Ana Ruiz told reporters.\n')
        path = tmp_path / f"{uuid.uuid4().hex}.txt"
        path.write_text(f"{title}\n\n{text}")
        return path, doc_id(path), title
    return make

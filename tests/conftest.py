"""Shared fixtures.  The integration tier starts ONE embedded broker and ONE real
worker process per test session (a worker needs seconds to join its group), and
each test sends its own uniquely named documents through them."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
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


@dataclass
class Worker:
    """A running ``newsflow run`` process and where it stores things."""

    bootstrap: str
    sqlite_path: Path
    jsonl_path: Path
    postgres_url: str
    process: subprocess.Popen
    log_path: Path
    metrics_port: int

    def stored(self, article_id: str) -> dict | None:
        """The enriched record the SQLite sink holds for ``article_id``."""
        import orjson

        if not self.sqlite_path.exists():
            return None
        try:
            with sqlite3.connect(self.sqlite_path) as conn:
                row = conn.execute("SELECT record FROM articles WHERE id = ?", (article_id,)).fetchone()
        except sqlite3.OperationalError:  # the sink is still creating its tables
            return None
        return orjson.loads(row[0]) if row else None

    def wait_stored(self, article_id: str, timeout: float = 60.0) -> dict:
        return wait_for(lambda: self.alive() and self.stored(article_id), timeout,
                        what=f"article {article_id} in SQLite")

    def alive(self) -> bool:
        """True while the worker runs; a dead worker fails the test at once, with its log."""
        if self.process.poll() is not None:
            pytest.fail(f"worker exited with {self.process.returncode}: {self.log_path.read_text()[-3000:]}")
        return True


from newsflow.stream.broker import free_port  # noqa: E402


@pytest.fixture(scope="session")
def broker():
    from newsflow.stream.broker import EmbeddedBroker

    with EmbeddedBroker() as running:
        yield running


POSTGRES_URL = os.environ.get("NEWSFLOW_TEST_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def postgres_schema():
    """A fresh PostgreSQL schema for the session worker's sink; fails (never skips) without a server."""
    import psycopg

    schema = f"newsflow_it_{uuid.uuid4().hex[:10]}"
    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {POSTGRES_URL} is unreachable (set NEWSFLOW_TEST_POSTGRES_URL): {exc}")
    yield schema
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(scope="session")
def worker(broker, postgres_schema, tmp_path_factory) -> Worker:
    """One real worker for the whole session, with SQLite, JSONL and PostgreSQL sinks."""
    folder = tmp_path_factory.mktemp("worker")
    sqlite_path, jsonl_path, log_path = folder / "store.sqlite3", folder / "out.jsonl", folder / "worker.log"
    postgres_url = f"{POSTGRES_URL}?schema={postgres_schema}"
    metrics_port = free_port()
    env = {**os.environ, "NEWSFLOW_SINK_MAX_DELAY": "0.2", "NEWSFLOW_VALIDATE_OUTPUT": "true"}
    cmd = [sys.executable, "-m", "newsflow.cli", "run", "--broker", broker.bootstrap, "--data-dir", str(folder),
           "--sink", f"sqlite:{sqlite_path}", "--sink", f"jsonl:{jsonl_path}", "--sink", postgres_url,
           "--log-level", "info", "--metrics-port", str(metrics_port)]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    running = Worker(broker.bootstrap, sqlite_path, jsonl_path, postgres_url, process, log_path, metrics_port)
    probe = folder / "probe.txt"
    probe.write_text(f"Readiness probe {uuid.uuid4()}\n\nThe worker is ready when this is stored.\n")
    result = run_cli("replay", "--broker", broker.bootstrap, str(probe))
    assert result.returncode == 0, result.stderr
    running.wait_stored(doc_id(probe), timeout=120)
    yield running
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


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

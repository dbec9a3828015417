"""The install a user (and the Dockerfile) gets: a wheel built from the repository, installed
into a fresh virtual environment, run from a folder outside the repository.

The Dockerfile does exactly this at build time (``pip wheel --no-deps`` then ``pip install``
of the wheel), so this test stands in for building the image where no Docker engine runs.
The venv has no ``--system-site-packages``: a dependency missing from pyproject.toml, a
schema missing from the package data or a module outside ``newsflow`` fails here, while the
editable install of the rest of the suite would hide it.  Dependencies come from pip's cache.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import orjson
import pytest

from tests.conftest import REPO, SEEDS

pytestmark = pytest.mark.integration


def run(*args: str | Path, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSFLOW_", "PYTHON", "VIRTUAL_ENV"))}
    result = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
    assert result.returncode == 0, f"{args}: {result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with the wheel of this checkout installed; returns its bin folder."""
    root = tmp_path_factory.mktemp("wheel")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", root / "dist", REPO, cwd=root)
    (wheel,) = (root / "dist").glob("newsflow-*.whl")
    venv.create(root / "venv", with_pip=True, system_site_packages=False)
    bin_dir = root / "venv" / "bin"
    run(bin_dir / "python", "-m", "pip", "install", "-q", "--no-compile", "--disable-pip-version-check", wheel, cwd=root)
    return bin_dir


def test_wheel_installs_one_top_level_module(installed):
    code = ("import importlib.metadata as m, json; d = m.distribution('newsflow'); "
            "print(json.dumps({'top': (d.read_text('top_level.txt') or '').split(), "
            "'files': [str(f) for f in d.files]}))")
    info = orjson.loads(run(installed / "python", "-c", code, cwd=installed).stdout)
    assert info["top"] == ["newsflow"]
    roots = {f.split("/")[0] for f in info["files"] if not f.startswith("..") and ".dist-info" not in f}
    assert roots == {"newsflow"}  # no `pipeline`, no `agents` next to it in site-packages
    assert any(f.startswith("newsflow/published_schemas/") and f.endswith(".json") for f in info["files"])
    api = "import newsflow; print(sorted(type(getattr(newsflow, n)).__name__ for n in newsflow.__all__))"
    assert run(installed / "python", "-c", api, cwd=installed).returncode == 0  # every public name imports


def test_wheel_prints_schemas_and_runs_the_seed_end_to_end(installed, tmp_path):
    outside = tmp_path / "elsewhere"  # not the repository: nothing resolves from the checkout
    outside.mkdir()
    schemas = orjson.loads(run(installed / "newsflow", "schemas", cwd=outside).stdout)
    assert set(schemas) == {"news.raw", "news.clean", "news.enriched", "news.dlq", "news.links"}

    out = outside / "articles.jsonl"
    run(installed / "newsflow", "run", "--replay", SEEDS, "--exit-when-idle", "--sink", f"jsonl:{out}",
        "--quiet", cwd=outside, timeout=180)
    (record,) = [orjson.loads(line) for line in out.read_text().splitlines() if line.strip()]
    article = record["article"]
    assert article["title"].startswith("Senior defense official")
    assert len(article["paragraphs"]) > 5
    speakers = {a["speaker"] for a in record["attributions"] if a["speaker"]}
    assert speakers and "+" in record["attributor_version"]

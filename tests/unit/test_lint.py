"""ruff and mypy, configured in pyproject.toml, over the whole repository.

mypy cannot follow setuptools' editable-install import hook, and the package's
folders (pipeline/, agents/) are not named like its modules (newsflow, newsflow.agents),
so the check runs over a tree of links laid out as the installed package is.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE_DIRS = {"newsflow": REPO / "pipeline", "newsflow/agents": REPO / "agents"}


def tool(name: str) -> str:
    path = Path(sys.executable).with_name(name)
    if not path.exists():
        pytest.fail(f"{name} is not installed in this environment (pip install -e '.[test]')")
    return str(path)


def link_tree(root: Path) -> Path:
    """``root/newsflow`` mirrors the installed layout with symlinks to the sources."""
    for target, source in PACKAGE_DIRS.items():
        folder = root / target
        folder.mkdir(parents=True, exist_ok=True)
        for entry in source.iterdir():
            if entry.name != "__pycache__" and not (folder / entry.name).exists():
                (folder / entry.name).symlink_to(entry)
    return root


def test_ruff_passes():
    result = subprocess.run([tool("ruff"), "check", "--no-cache", "."], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_passes(tmp_path):
    tree = link_tree(tmp_path / "src")
    cache = tmp_path / "mypy-cache"
    result = subprocess.run([tool("mypy"), "--config-file", str(REPO / "pyproject.toml"), "--cache-dir", str(cache),
                             "-p", "newsflow"], cwd=tree, capture_output=True, text=True)
    shutil.rmtree(cache, ignore_errors=True)
    assert result.returncode == 0, result.stdout + result.stderr

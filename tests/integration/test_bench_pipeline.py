"""Smoke test: ``python -m bench.pipeline`` runs end to end (broker, worker, store) and prints its tables.

No timing assertions: the figures depend on the machine and on whatever else runs on it.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.integration


def test_bench_pipeline_runs_end_to_end():
    result = subprocess.run([sys.executable, "-m", "bench.pipeline", "--articles", "20"], cwd=REPO,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    out = result.stdout
    assert "source synthetic: 20 documents" in out
    for row in ("articles/s end to end", "latency p50/p95/p99", "worker peak RSS", "broker peak RSS",
                "clean_document + enrich", "of which jsonschema"):
        assert row in out, f"missing {row!r} in:\n{out}"
    assert "worker exit code 0" in out

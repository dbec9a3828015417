"""Quality floor for the attribution extractor on the PolNeAR dev split.

The bench data is evaluation-only and lives outside the repository
(``../shared/bench/attribution`` from the repo root, or
``$NEWSFLOW_BENCH_DIR/attribution``); without it these tests skip.  The
floors sit a little below the scores measured when they were set, so a
regression cannot slip in silently.
"""

from __future__ import annotations

import json

import pytest

from bench.attribution import SPLITS, default_data_dir, predict, score

DATA = default_data_dir()
GOLD = DATA / SPLITS["dev"]

pytestmark = pytest.mark.skipif(
    not (GOLD.is_file() and (DATA / "score.py").is_file()),
    reason=f"attribution bench data not found in {DATA} (set NEWSFLOW_BENCH_DIR to the shared bench folder)",
)

# (extra scorer arguments, content overlap F1 floor, source lenient F1 floor)
FLOORS = {
    "all gold": ([], 0.64, 0.60),
    "speech cue": (["--only", "speech_cue=true"], 0.77, 0.74),
    "direct quotes": (["--only", "kind=direct", "--unit", "fragment"], 0.915, 0.875),
}


@pytest.fixture(scope="module")
def predictions(tmp_path_factory):
    preds, times = predict(GOLD)
    path = tmp_path_factory.mktemp("attribution") / "dev_pred.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in preds), encoding="utf-8")
    return path, times


@pytest.mark.parametrize("view", sorted(FLOORS))
def test_dev_scores_do_not_drop(predictions, view):
    path, _ = predictions
    args, content_floor, source_floor = FLOORS[view]
    res = score(DATA, GOLD, path, args)
    assert res["content"]["overlap"]["f"] >= content_floor
    assert res["source|content"]["lenient"]["f"] >= source_floor


def test_throughput(predictions):
    _, times = predictions
    # The target is 100 articles/s on one core; keep slack for loaded CI machines.
    assert len(times) / sum(times) >= 50

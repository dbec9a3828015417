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

from bench.attribution import SPLITS, default_data_dir, fold_indices, load, predict, score
from bench.attribution_speakers import resolution_score

DATA = default_data_dir()
GOLD = DATA / SPLITS["dev"]

_needs_data = pytest.mark.skipif(
    not (GOLD.is_file() and (DATA / "score.py").is_file()),
    reason=f"attribution bench data not found in {DATA} (set NEWSFLOW_BENCH_DIR to the shared bench folder)",
)

# (extra scorer arguments, content overlap F1 floor, source lenient F1 floor)
FLOORS = {
    "all gold": ([], 0.64, 0.60),
    "speech cue": (["--only", "speech_cue=true"], 0.77, 0.74),
    "direct quotes": (["--only", "kind=direct", "--unit", "fragment"], 0.925, 0.885),
}


@pytest.fixture(scope="module")
def predictions(tmp_path_factory):
    preds, times = predict(load(GOLD))
    path = tmp_path_factory.mktemp("attribution") / "dev_pred.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in preds), encoding="utf-8")
    return path, times


@_needs_data
@pytest.mark.parametrize("view", sorted(FLOORS))
def test_dev_scores_do_not_drop(predictions, view):
    path, _ = predictions
    args, content_floor, source_floor = FLOORS[view]
    res = score(DATA, GOLD, path, args)
    assert res["content"]["overlap"]["f"] >= content_floor
    assert res["source|content"]["lenient"]["f"] >= source_floor


@_needs_data
def test_throughput(predictions):
    _, times = predictions
    # The target is 100 articles/s on one core; keep slack for loaded CI machines.
    assert len(times) / sum(times) >= 50


@_needs_data
def test_speaker_resolution_does_not_drop(predictions):
    path, _ = predictions
    preds = {p["id"]: p["attributions"] for p in map(json.loads, path.read_text(encoding="utf-8").splitlines())}
    tally = resolution_score(load(GOLD), preds)
    ok, n = tally["all"]
    assert n > 900 and ok / n >= 0.83
    ok, n = tally["pronoun or description"]
    assert ok / n >= 0.66


def test_full_mention_definition():
    from bench.attribution_speakers import full_mentions

    gold = [
        {"source": "Sen. Ann Lee", "source_span": [0, 12]},
        {"source": "she", "source_span": [40, 43]},
        {"source": "the senator", "source_span": [60, 71]},  # no earlier named source with that head word
        {"source": "a spokesman, Tom Ode,", "source_span": [80, 101]},
        {"source": "the spokesman", "source_span": [120, 133]},
        {"source": "they", "source_span": [140, 144]},
    ]
    found = [(att["source"], full, needed) for att, full, needed in full_mentions(gold)]
    assert found == [("Sen. Ann Lee", "Sen. Ann Lee", False), ("she", "Sen. Ann Lee", True),
                     ("a spokesman, Tom Ode,", "a spokesman, Tom Ode,", False),
                     ("the spokesman", "a spokesman, Tom Ode,", True)]


def test_folds_are_disjoint_cover_every_article_and_repeat():
    folds = fold_indices(838, 5)
    flat = [i for fold in folds for i in fold]
    assert sorted(flat) == list(range(838)) and len(flat) == len(set(flat))
    assert [len(f) for f in folds] == [168, 168, 168, 167, 167] and folds == fold_indices(838, 5)


def test_a_trial_filter_replaces_the_committed_one_only_inside_its_block():
    from newsflow.attribution import find_attributions, model

    text = '"We will rebuild the bridge by spring," the mayor said on Tuesday.'
    assert find_attributions(text)
    with model.trial({"weights": {}, "threshold": 50.0, "late_threshold": 50.0}):
        assert model.load()[1] == 50.0 and not find_attributions(text)
    assert model.load() == model.committed() and find_attributions(text)

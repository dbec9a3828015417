"""Train the attribution candidate filter (``newsflow/attribution/filter_model.json``).

Usage: ``python -m bench.train_attribution [--data DIR] [--out PATH]``

From the PolNeAR **train** split only: every rule candidate of every article
gets its features (:func:`newsflow.attribution.model.features`) and a label
(1 when its content matches a gold attribution's, one-to-one, shared word
tokens >= half of both).  A logistic regression (L2, plain Python SGD in a
fixed order: deterministic) is fitted; the threshold is chosen on
out-of-fold scores (5 folds by article) to maximise the approximate
all-gold F1 of the kept candidates.  Only feature names and weights are
written, never text.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from pathlib import Path

from bench.attribution import SPLITS, default_data_dir, load
from bench.attribution_speakers import match_contents
from newsflow.attribution.assemble import assemble, finish
from newsflow.attribution.segment import segment

OUT = Path(__file__).resolve().parents[1] / "pipeline" / "attribution" / "filter_model.json"
MIN_COUNT = 3
L2 = 1e-4
EPOCHS = 12
FOLDS = 5


def examples(docs: list[dict]) -> tuple[list[tuple[int, list[str], int]], int]:
    """``(article number, features, label)`` for every candidate, and the number of gold attributions."""
    out, n_gold = [], 0
    for n, doc in enumerate(docs):
        records = assemble(doc["text"], segment(doc["text"]))
        atts = [a.to_dict() for a in finish(doc["text"], records)[0]]  # sorts records like atts
        matched = {id(p) for p in match_contents(doc["text"], doc["attributions"], atts).values()}
        out += [(n, r["features"], int(id(a) in matched)) for r, a in zip(records, atts)]
        n_gold += len(doc["attributions"])
    return out, n_gold


def fit(data: list[tuple[list[str], int]], vocab: set[str]) -> dict[str, float]:
    """Logistic regression by SGD over the examples in their given order."""
    w: dict[str, float] = dict.fromkeys(sorted(vocab), 0.0)
    step = 0
    for _ in range(EPOCHS):
        for feats, y in data:
            step += 1
            lr = 0.5 / math.sqrt(1 + step / 2000)
            z = sum(w.get(f, 0.0) for f in feats)
            g = 1 / (1 + math.exp(-max(-30.0, min(30.0, z)))) - y
            for f in feats:
                if f in w:
                    w[f] -= lr * (g + L2 * w[f])
    return {f: round(v, 4) for f, v in w.items() if abs(v) >= 0.01}


def best_threshold(scored: list[tuple[float, int]], n_gold: int) -> float:
    """The logit threshold that maximises 2TP / (kept + gold) over out-of-fold scores."""
    scored = sorted(scored, reverse=True)
    tp = 0
    best, best_t = -1.0, -math.inf
    for kept, (z, y) in enumerate(scored, 1):
        tp += y
        f1 = 2 * tp / (kept + n_gold)
        if f1 > best:
            best, best_t = f1, z
    return best_t


def run(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Train the attribution candidate filter on PolNeAR train.")
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    gold = (args.data or default_data_dir()) / SPLITS["train"]
    if not gold.is_file():
        print(f"train split not found: {gold}")
        return 1
    rows, n_gold = examples(load(gold))
    counts = Counter(f for _, feats, _ in rows for f in set(feats))
    vocab = {f for f, c in counts.items() if c >= MIN_COUNT}
    scored = []
    for fold in range(FOLDS):
        weights = fit([(f, y) for n, f, y in rows if n % FOLDS != fold], vocab)
        scored += [(sum(weights.get(x, 0.0) for x in f), y) for n, f, y in rows if n % FOLDS == fold]
    threshold = best_threshold(scored, n_gold)
    weights = fit([(f, y) for _, f, y in rows], vocab)
    kept = [y for z, y in scored if z >= threshold]
    print(f"candidates: {len(rows)}  positive: {sum(y for *_, y in rows)}  gold: {n_gold}  features: {len(weights)}")
    print(f"out-of-fold: kept {len(kept)}, of them positive {sum(kept)}; logit threshold {threshold:.3f}")
    args.out.write_text(json.dumps({"trained_on": "PolNeAR train split", "threshold": round(threshold, 4),
                                    "weights": weights}, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(run())

"""Train the content-end model (``newsflow/attribution/boundary_model.json``).

Usage: ``python -m bench.train_boundary [--data DIR] [--out PATH]``, then re-run
``bench.train_attribution`` (the filter sees the trimmed contents).

From the PolNeAR **train** split only.  Every untrimmed rule candidate whose
content :func:`newsflow.attribution.boundary.cut_positions` may cut, and
that starts where a gold content starts (first word within two tokens), is a
sequence of decisions: at each boundary token, "the content ends before this
token".  The gold content's end gives the labels: the first boundary token
at or after it is positive, the earlier ones negative, the later ones
unseen (the reader has stopped).  A candidate whose gold runs to its end
gives only negatives.  A logistic regression (``fit`` of
``bench.train_attribution``: plain SGD in a fixed order, deterministic) is
fitted; the threshold is the one that maximises, on out-of-fold scores (5
folds by article), the candidates whose trimmed content still overlaps its
gold content by half both ways (the scorer's match).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import NamedTuple

from bench.attribution import load, train_split_args
from bench.train_attribution import FOLDS, MIN_COUNT, fit
from newsflow.attribution.boundary import cut_features, cut_positions
from newsflow.attribution.model import logit
from newsflow.attribution.phrases import sentence_candidates
from newsflow.attribution.segment import Tok, segment

OUT = Path(__file__).resolve().parents[1] / "pipeline" / "attribution" / "boundary_model.json"


class Group(NamedTuple):
    """One candidate content: features per boundary token, the label index and the overlap per cut."""

    article: int
    features: list[list[str]]  # per boundary token, in order
    cut: int | None  # index into ``features`` of the gold end (None: the gold runs to the end)
    ok: list[bool]  # per boundary token, then one for "no cut": does that ending match the gold?


def _gold_near(golds: list[tuple[int, int]], toks: list[Tok], a: int, b: int) -> tuple[int, int] | None:
    """The gold content starting within the first two tokens of ``toks[a:b + 1]``."""
    lo, hi = toks[a].start - 2, toks[min(a + 2, b)].end
    near = [g for g in golds if lo <= g[0] <= hi and g[1] > toks[a].start]
    return min(near, key=lambda g: abs(g[0] - toks[a].start)) if near else None


def _overlaps(toks: list[Tok], a: int, end: int, gold: tuple[int, int], gold_words: int) -> bool:
    words = [t for t in toks[a:end] if t.kind != "p"]
    shared = sum(1 for t in words if gold[0] <= t.start and t.end <= gold[1])
    return bool(words) and shared >= 0.5 * len(words) and shared >= 0.5 * gold_words


def groups(docs: list[dict]) -> list[Group]:
    """Every cuttable candidate content of ``docs`` that starts at a gold content."""
    out = []
    for n, doc in enumerate(docs):
        golds = [tuple(g["content_spans"][0]) for g in doc["attributions"] if len(g.get("content_spans") or []) == 1]
        for index, para in enumerate(segment(doc["text"])):
            toks = para.toks
            for lo, hi in para.sentences:
                for cand in sentence_candidates(toks, lo, hi, index, trim=False):
                    group = _group(n, toks, cand, golds)
                    if group is not None:
                        out.append(group)
    return out


def _group(n: int, toks: list[Tok], cand, golds: list[tuple[int, int]]) -> Group | None:
    positions = cut_positions(toks, cand)
    if not positions:
        return None
    a, b = cand.content[0]
    gold = _gold_near(golds, toks, a, b)
    if gold is None:
        return None
    gold_words = sum(1 for t in toks[a:b + 1] if t.kind != "p" and gold[0] <= t.start and t.end <= gold[1])
    cut = next((k for k, m in enumerate(positions) if toks[m].start >= gold[1]), None)
    ok = [_overlaps(toks, a, m, gold, gold_words) for m in positions] + [_overlaps(toks, a, b + 1, gold, gold_words)]
    return Group(n, [cut_features(toks, a, m, cand.pattern) for m in positions], cut, ok)


def training_rows(gs: list[Group]) -> list[tuple[list[str], int]]:
    """The decisions the reader makes: up to the gold end, positive only there."""
    rows = []
    for g in gs:
        last = len(g.features) - 1 if g.cut is None else g.cut
        rows += [(g.features[k], int(k == g.cut)) for k in range(last + 1)]
    return rows


def matches(scores: list[list[float]], gs: list[Group], threshold: float) -> int:
    """Candidates whose content, cut at the first score >= ``threshold``, matches its gold."""
    total = 0
    for zs, g in zip(scores, gs):
        k = next((k for k, z in enumerate(zs) if z >= threshold), len(zs))
        total += g.ok[k]
    return total


def run(argv: list[str] | None = None) -> int:
    args, path = train_split_args("Train the attribution content-end model on PolNeAR train.", OUT, argv)
    if path is None:
        return 1
    gs = groups(load(path))
    counts = Counter(f for g in gs for feats in g.features for f in set(feats))
    vocab = {f for f, c in counts.items() if c >= MIN_COUNT}
    scores: list[list[float]] = [[] for _ in gs]
    for fold in range(FOLDS):
        weights = fit(training_rows([g for g in gs if g.article % FOLDS != fold]), vocab)
        for k, g in enumerate(gs):
            if g.article % FOLDS == fold:
                scores[k] = [logit(f, weights) for f in g.features]
    grid = [t / 10 for t in range(-20, 41)]
    threshold = max(grid, key=lambda t: (matches(scores, gs, t), t))
    weights = fit(training_rows(gs), vocab)
    uncut = sum(g.ok[-1] for g in gs)
    print(f"contents: {len(gs)}  gold cut inside: {sum(g.cut is not None for g in gs)}  features: {len(weights)}")
    print(f"out-of-fold matches: uncut {uncut}, cut at logit {threshold:.1f}: {matches(scores, gs, threshold)}")
    args.out.write_text(json.dumps({"trained_on": "PolNeAR train split", "threshold": threshold,
                                    "weights": weights}, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(run())

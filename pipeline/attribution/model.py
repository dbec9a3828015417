"""A learned filter over the rule candidates: keep the ones that look like PolNeAR attributions.

The rules propose candidates with high recall on their shapes but let some
non-attributions through ("a program called Sandy Hook Promise", "270 pledged
delegates", "sought to bolster").  A logistic regression over a few lexical
features of each candidate (cue words, shape, first words of source and
content, lengths) scores them; candidates under the threshold are dropped.

The weights are trained by ``bench/train_attribution.py`` from the PolNeAR
train split only (fixed order, no randomness) and shipped as package data
(``filter_model.json``: feature names and weights, no text).  Inference is
a dictionary look-up per feature.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources

from .clauses import Cand
from .cues import LEARNED_CUES
from .segment import Tok
from .speakers import PRONOUNS

MODEL_FILE = "filter_model.json"
# Long-tail shapes (:mod:`.longtail`) get a threshold of their own: weaker evidence, and
# a false one lands where there is no gold at all, which costs the direct-quote view too.
LATE_PATTERNS = frozenset(("learned", "raising"))


def _bucket(n: int) -> str:
    return "1" if n <= 1 else "2-3" if n <= 3 else "4-7" if n <= 7 else "8-15" if n <= 15 else "16+"


def _shape(tok: Tok) -> str:
    if tok.kind == "q":
        return "Q"
    if tok.kind == "p":
        return "P"
    if tok.low in PRONOUNS:
        return "pron"
    return "Cap" if tok.text[0].isupper() else "low"


def features(toks: list[Tok], cand: Cand, kind: str, n_extra: int) -> list[str]:
    """Binary features of one candidate (``n_extra``: quote fragments attached to it)."""
    cue = " ".join(t.low for t in toks[cand.cue[0]:cand.cue[1] + 1])
    out = ["bias", "pat=" + cand.pattern, "cue=" + cue, "kind=" + kind, "cue_pat=" + cue + "|" + cand.pattern,
           "pat_kind=" + cand.pattern + "|" + kind, "extra=" + _bucket(n_extra)]
    if cand.pattern in LATE_PATTERNS:
        out.append("tier=late")
    if cand.pattern == "learned":  # how often the learned cue verb heads a cue in train
        p = LEARNED_CUES[toks[cand.cue[0]].low].p
        out.append("lex_p=" + ("<.3" if p < .3 else "<.5" if p < .5 else "<.7" if p < .7 else ">=.7"))
    before = toks[cand.cue[0] - 1] if cand.cue[0] > 0 else None
    # the word before the cue, unless it ends the source (srcN already says it): "has", "also", ","
    own = before is not None and before.kind == "w" and not (cand.source and cand.source[1] == cand.cue[0] - 1)
    out.append("prev=" + (before.low if own and before is not None else _shape(before) if before else "^"))
    if cand.source is None:
        out.append("src=none")
    else:
        a, b = cand.source
        first, last = toks[a], toks[b]
        out += ["src1=" + first.low, "srcN=" + last.low, "src_shape=" + _shape(first) + "|" + _shape(last),
                "src_len=" + _bucket(b - a + 1), "src_pat=" + _shape(first) + "|" + cand.pattern]
    if not cand.content:
        out.append("content=none")
        return out
    a, _ = cand.content[0]
    head = toks[a]
    words = sum(e - s + 1 for s, e in cand.content)
    c1 = head.low if head.kind == "w" else _shape(head)
    out += ["c1=" + c1, "cue_c1=" + cue + "|" + c1, "c_len=" + _bucket(words), "c_shape=" + _shape(head),
            "frags=" + _bucket(len(cand.content)), "c_len_pat=" + _bucket(words) + "|" + cand.pattern]
    return out


@lru_cache(maxsize=1)
def committed() -> tuple[dict[str, float], float, float]:
    """The committed weights and the logit thresholds of the two tiers (package data, read once)."""
    data = json.loads(resources.files(__package__).joinpath(MODEL_FILE).read_text(encoding="utf-8"))
    return _parameters(data)


def _parameters(data: dict) -> tuple[dict[str, float], float, float]:
    return data["weights"], data["threshold"], data["late_threshold"]


_trial: tuple[dict[str, float], float, float] | None = None


@contextmanager
def trial(data: dict) -> Iterator[None]:
    """Filter with ``data`` (``filter_model.json``'s shape) instead of the committed parameters,
    for the bench's out-of-fold runs; the attributor's version still names the committed ones."""
    global _trial
    previous, _trial = _trial, _parameters(data)
    try:
        yield
    finally:
        _trial = previous


def load() -> tuple[dict[str, float], float, float]:
    """The parameters in use: a trial's, else the committed ones."""
    return _trial if _trial is not None else committed()


def logit(feats: list[str], weights: dict[str, float]) -> float:
    return sum(weights.get(f, 0.0) for f in feats)


def keep(feats: list[str]) -> bool:
    weights, threshold, late = load()
    return logit(feats, weights) >= (late if "tier=late" in feats else threshold)

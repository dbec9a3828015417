"""A learned end for a reported clause that follows its cue.

The clause rules run a content to the end of the sentence unless a few
hand-written cuts apply.  PolNeAR's contents are shorter: "X said A but did
not suggest B" is two attributions, "described his visit to the park, outside
San Diego" ends at the comma.  This model reads the content left to right and
stops at the first boundary token (punctuation or a function word) where a
logistic regression over the words around it says "the content ends here".

The weights are trained by ``bench/train_attribution.py`` (``--boundary``) on
the PolNeAR train split only and shipped as ``boundary_model.json`` (feature
names and weights, no text).  Only contents without quotation marks are cut:
a quote's end is its own boundary.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from .clauses import Cand, trim_end
from .segment import Tok

MODEL_FILE = "boundary_model.json"
# Tokens a content may end before: punctuation and closed-class words.
CUT_WORDS = frozenset(
    "and but or as after when while because before since who which where whose that with including now than "
    "if despite though although until amid during in on at for to by from about over against into without "
    "unless whether so yet even not".split()
)
_CUT_PUNCT = frozenset(",;:—–-(")


def _word(tok: Tok | None) -> str:
    if tok is None:
        return "$"
    if tok.kind == "q":
        return "Q"
    if tok.kind == "p":
        return tok.text
    if tok.text[0].isdigit():
        return "#"
    return tok.low if tok.text.islower() else "Cap"


def _distance(n: int) -> str:
    return "1" if n <= 1 else "2-3" if n <= 3 else "4-7" if n <= 7 else "8-15" if n <= 15 else "16+"


def cut_features(toks: list[Tok], a: int, m: int, pattern: str) -> list[str]:
    """Features of ending the content that starts at ``a`` just before token ``m``."""
    w, prev = _word(toks[m]), _word(toks[m - 1])
    nxt = _word(toks[m + 1]) if m + 1 < len(toks) else "$"
    after = _word(toks[m + 2]) if m + 2 < len(toks) else "$"
    return ["bias", "w=" + w, "prev=" + prev, "next=" + nxt, "w_next=" + w + "|" + nxt, "w_prev=" + prev + "|" + w,
            "w_next2=" + w + "|" + nxt + "|" + after, "dist=" + _distance(m - a), "dist_w=" + _distance(m - a) + "|" + w,
            "pat_w=" + pattern + "|" + w, "c1_w=" + _word(toks[a]) + "|" + w, "rest_w=" + _distance(_rest(toks, m)) + "|" + w,
            "pair_w=" + _pair(toks, m) + "|" + w]


def _rest(toks: list[Tok], m: int) -> int:
    """Tokens from ``m`` to the paragraph's next full stop, counted up to 16 (the last bucket of
    ``_distance``: the scan stays short in a paragraph without one)."""
    end = min(len(toks), m + 16)
    return next((k for k in range(m, end) if toks[k].text in (".", "?", "!")), end) - m


def _pair(toks: list[Tok], m: int) -> str:
    """Does a short aside after ``m`` close ("X, the governor there, has", "X (R-Fla.) said")?"""
    if toks[m].kind != "p":
        return "-"
    closing = ")" if toks[m].text == "(" else toks[m].text
    for k in range(m + 1, min(len(toks), m + 9)):
        if toks[k].text == closing:
            return "pair"
        if toks[k].text in (".", "?", "!"):
            break
    return "nopair"


def cut_positions(toks: list[Tok], cand: Cand) -> list[int]:
    """Token indices where ``cand``'s content could end (before them); [] when it is not cut at all."""
    if len(cand.content) != 1 or cand.content[0][0] <= cand.cue[1]:
        return []  # only a single content range to the right of the cue
    a, b = cand.content[0]
    if any(toks[k].kind == "q" for k in range(a, b + 1)):
        return []
    return [m for m in range(a + 1, b + 1)
            if toks[m].kind == "p" and toks[m].text in _CUT_PUNCT or toks[m].kind == "w" and toks[m].low in CUT_WORDS]


@lru_cache(maxsize=1)
def load() -> tuple[dict[str, float], float]:
    """The committed weights and logit threshold (package data, read once; missing is an error)."""
    data = json.loads(resources.files(__package__).joinpath(MODEL_FILE).read_text(encoding="utf-8"))
    return data["weights"], data["threshold"]


def trim(toks: list[Tok], cand: Cand) -> None:
    """End ``cand``'s content at the first position the model takes for its boundary."""
    weights, threshold = load()
    a, _ = cand.content[0] if cand.content else (0, 0)
    for m in cut_positions(toks, cand):
        if sum(weights.get(f, 0.0) for f in cut_features(toks, a, m, cand.pattern)) >= threshold:
            b = trim_end(toks, a, m - 1)
            if b >= a and any(toks[k].kind == "w" for k in range(a, b + 1)):
                cand.content[0] = (a, b)
            return

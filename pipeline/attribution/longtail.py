"""The long tail of cues, tried after the hand-written shapes of a sentence.

* learned cue verbs (``cues.LEARNED_CUES``, counted from PolNeAR train):
  ``SRC expressed dismay at C``, ``SRC spoke about C``: the forward shape,
  the object as content;
* raising verbs: ``X seemed to shrink``, ``X is widely expected to win``,
  ``It appears that C``: the content is the subject plus the complement,
  and there is no source.

They are weaker evidence than a reporting verb, so they never take over a
sentence: one whose cue sits in another candidate's content or source is
dropped, and one whose content runs into another candidate is cut before it
(see :func:`add_late`).
"""

from __future__ import annotations

from .clauses import Cand, clause_end, trim_end, verb_context_ok
from .clauses import _forward as forward_shape
from .cues import LEARNED_CUES, RAISING, Cue
from .segment import Tok
from .speakers import np_left, skip_aux_left

_BE = frozenset("is are was were be been being 's".split())
# "appeared on Fox News", "appears with him": the verb of showing up, not of seeming.
_NOT_RAISING_NEXT = frozenset(
    "on in at with before alongside during after as onstage together briefly live".split()
)
_PREPOSITIONS = frozenset("of for from by in on about with without after before to into against".split())
LATE_TRIGGERS = frozenset(LEARNED_CUES) | RAISING | {"expected"}


def learned_cue(toks: list[Tok], lo: int, hi: int, i: int, para: int) -> Cand | None:
    """``SRC expressed dismay at C``: a learned cue verb with its object as content."""
    tok = toks[i]
    learned = LEARNED_CUES.get(tok.low)
    if learned is None or tok.kind != "w" or not tok.text.islower() or not verb_context_ok(toks, i):
        return None
    if i > lo and toks[i - 1].low in _PREPOSITIONS:
        return None  # "investigated for promoting pills", "any intention of releasing": a gerund object
    ci = i + 1 if i + 1 < hi and toks[i + 1].low in learned.particles else i
    cand = forward_shape(toks, lo, hi, i, ci, Cue(learned.form, "object", False), para)
    if cand is None:
        return None
    cand.pattern = "learned"
    return cand


def raising(toks: list[Tok], lo: int, hi: int, i: int, para: int) -> Cand | None:
    """``X seemed to shrink``, ``X is expected to win``, ``It appears that C`` (no source)."""
    tok = toks[i]
    if tok.kind != "w" or not tok.text.islower() or i + 1 >= hi or i == lo:
        return None
    nxt = toks[i + 1]
    if tok.low == "expected":
        first = i - 1
        while first > lo and (toks[first].low.endswith("ly") or toks[first].low in ("also", "not", "still")):
            first -= 1
        if nxt.low != "to" or toks[first].low not in _BE:
            return None  # "is (widely) expected to", not "they expected to"
    elif tok.low in RAISING:
        if nxt.kind != "w" or nxt.low in _NOT_RAISING_NEXT:
            return None
        first = i
    else:
        return None
    j = skip_aux_left(toks, lo, first - 1)
    a = np_left(toks, lo, j) if j >= lo else None
    if a is None:
        return None
    end = trim_end(toks, i + 1, clause_end(toks, i + 1, hi) - 1)
    if end < i + 2:
        return None
    if toks[a].low == "it" and a == j:  # "It appears that C": the clause alone
        return Cand(para, None, (first, i), [(i + 1, end)], False, "raising")
    return Cand(para, None, (first, i), [(a, j), (i + 1, end)], False, "raising")


def _cut(toks: list[Tok], late: Cand, before: int) -> bool:
    """Cut ``late``'s last content range before token ``before``; False if too little is left."""
    a, _ = late.content[-1]
    b = trim_end(toks, a, before - 1)
    if b < a or sum(1 for t in toks[a:b + 1] if t.kind in "wq") < 2:
        return False
    late.content[-1] = (a, b)
    return True


def add_late(toks: list[Tok], lo: int, hi: int, late: list[int], para: int, out: list[Cand]) -> None:
    """Append the long-tail candidates at token indices ``late`` that do not clash with ``out``."""
    fixed = list(out)
    for i in late:
        cand = learned_cue(toks, lo, hi, i, para) or raising(toks, lo, hi, i, para)
        if cand is None or any(_covers(c, cand.cue[0]) for c in fixed):
            continue
        a, b = cand.content[-1]
        inside = [k for c in fixed for k in (c.cue[0], c.source[0] if c.source else c.cue[0]) if a <= k <= b]
        if inside and not _cut(toks, cand, min(inside)):
            continue
        out.append(cand)
        fixed.append(cand)


def _covers(cand: Cand, k: int) -> bool:
    return any(a <= k <= b for a, b in cand.content) or bool(cand.source and cand.source[0] <= k <= cand.source[1])

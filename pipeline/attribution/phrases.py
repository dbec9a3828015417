"""Cue phrases that are not plain finite verbs, and the per-sentence driver.

* ``according to SRC``, ``SRC's claim that C`` (noun cues)
* ``X said ..., adding that C`` (participles take the main clause's subject)
* ``As The Times reported, C`` / ``..., he said when asked whether C``
* ``In a poll released Monday, C`` (the medium is the source)
* ``Lynch: No outside influence ...`` (headline and transcript colons)

:func:`sentence_candidates` runs them, then the verb shapes of
:mod:`.clauses`, over one sentence.
"""

from __future__ import annotations

from . import boundary
from .clauses import (
    CLAUSE_CONJ,
    Cand,
    at_cue,
    content_right,
    cue_at,
    left_content,
    skip_adjuncts,
    tail_is_adjunct,
    trim_end,
    until_comma,
)
from .cues import AUXILIARIES, CUE_FORMS, CUE_NOUNS, EVIDENCE_HEADS, MEDIA_NOUNS, NOT_SPEAKERS, SPEECH_NOUNS
from .longtail import LATE_TRIGGERS, add_late
from .segment import Tok
from .speakers import source_left

_FRONTED_WORDS = frozenset(
    "on in at as after before during for with without since like unlike last this next hours days weeks "
    "months years moments minutes earlier later speaking asked facing despite following when while "
    "although though if because by from under over".split()
)
_BE_FORMS = frozenset(
    "is are was were been be am 's isn't aren't wasn't weren't keeps kept".split()
)
_TRIGGERS = frozenset(CUE_FORMS) | CUE_NOUNS | LATE_TRIGGERS | {"according", "asked"}
_QUESTION_STARTS = frozenset("about whether if why how what when where who which to".split())
# Cue words tried per sentence: PolNeAR sentences hold at most 8; the bound keeps
# "said the minister said the minister ..." linear.
MAX_TRIGGERS = 16


def according_to(toks: list[Tok], lo: int, hi: int, i: int, para: int) -> Cand | None:
    """``C, according to SRC.`` and ``According to SRC, C.``"""
    if toks[i].low != "according" or i + 1 >= hi or toks[i + 1].low != "to":
        return None
    s = i + 2
    e = s
    while e < hi and toks[e].text not in (",", ";", ":", "—") and toks[e].kind != "q":
        e += 1
    b = trim_end(toks, s, e - 1)
    if b < s or b - s > 15:
        return None
    content = []
    if i > lo and toks[i - 1].text in (",", "—", "("):
        left = left_content(toks, lo, i - 1)
        if left:
            content.append(left)
    if e < hi and toks[e].text == ",":
        rb = trim_end(toks, e + 1, hi - 1)
        if (rb > e + 2 or toks[rb].kind == "q") and (not content or i == lo):
            content.append((e + 1, rb))
    if not content:
        return None
    return Cand(para, (s, b), (i, i + 1), content, True, "according")


def noun_cue(toks: list[Tok], lo: int, hi: int, i: int, para: int) -> Cand | None:
    """``Trump's claim that C`` / ``his warning that C``."""
    tok = toks[i]
    if tok.kind != "w" or tok.low not in CUE_NOUNS or i + 1 >= hi or toks[i + 1].low != "that":
        return None
    if i - 1 < lo:
        return None
    owner = toks[i - 1]
    if owner.low in ("his", "her", "their", "its"):
        src = (i - 1, i - 1)
    elif owner.low.endswith(("'s", "’s")) and owner.text[0].isupper():
        a = i - 1
        while a - 1 >= lo and toks[a - 1].kind == "w" and toks[a - 1].text[0].isupper():
            a -= 1
        src = (a, i - 1)
    else:
        return None
    b = trim_end(toks, i + 1, hi - 1)
    if b - i < 3:
        return None
    return Cand(para, src, (i, i), [(i + 1, b)], tok.low in SPEECH_NOUNS, "noun")


def gerund(toks: list[Tok], lo: int, hi: int, i: int, para: int, prev: list[Cand]) -> Cand | None:
    """``X said ..., adding that C``, ``issued a statement calling for C``.

    A participle's source is the main clause's: the previous attribution's
    source in the sentence, else the sentence's opening name or pronoun.
    """
    found = cue_at(toks, i)
    if found is None or not toks[i].low.endswith("ing") or _progressive(toks, lo, i):
        return None
    cue, ci = found
    owner = next((c for c in reversed(prev) if c.source and c.source[1] < i), None)
    src = owner.source if owner is not None else _initial_subject(toks, lo, i)
    span = content_right(toks, ci, hi, cue, "") if src is not None else None
    if span is None:
        # a participle clause is never a subject: keep at_cue from guessing one
        return Cand(para, None, (i, ci), [], cue.speech, "blocked")
    return Cand(para, src, (i, ci), [span], cue.speech, "gerund")


def _progressive(toks: list[Tok], lo: int, i: int) -> bool:
    """``is saying``, ``have been arguing``: a finite verb, not a participle."""
    j = i - 1
    while j >= lo and toks[j].kind == "w" and toks[j].text.islower() and (
            toks[j].low.endswith("ly") or toks[j].low in ("also", "once", "again", "still", "now", "not", "long")):
        j -= 1
    return j >= lo and toks[j].low.replace("’", "'") in _BE_FORMS


def _initial_subject(toks: list[Tok], lo: int, i: int) -> tuple[int, int] | None:
    """The name or pronoun opening the sentence (``Clinton spoke ..., arguing ...``)."""
    a = _after_fronted(toks, lo, i)
    while a < i and toks[a].kind == "w" and toks[a].low in CLAUSE_CONJ | {"also", "still"}:
        a += 1
    if a >= i or toks[a].kind != "w":
        return None
    if toks[a].low in ("he", "she", "they", "we", "i", "it"):
        return a, a
    if not (toks[a].text[0].isupper() or toks[a].low in ("the", "a", "an", "his", "her", "their", "its")
            or a > lo and toks[a - 1].text == "," and toks[a].low.endswith("s")):
        return None
    e = a + 1  # "The council issued ...": stop at the first verb-like word
    while e < min(i, a + 6) and toks[e].kind == "w" and not (
            toks[e].text.islower() and (toks[e].low.endswith("ed") or toks[e].low in CUE_FORMS
                                        or toks[e].low in AUXILIARIES)):
        e += 1
    return a, e - 1


def _after_fronted(toks: list[Tok], lo: int, i: int) -> int:
    """Skip a fronted adverbial or dateline: "On Tuesday, ...", "Hours later, ...", "TALLAHASSEE — ..."."""
    first = toks[lo]
    if not (first.low in _FRONTED_WORDS or first.text.isupper() and len(first.text) > 3 or first.text[0].isdigit()):
        return lo
    for m in range(lo + 1, min(i, lo + 14)):
        if toks[m].text in (",", "—", "–") and m + 1 < i:
            nxt = toks[m + 1]
            if nxt.text[0].isupper() or nxt.low in ("the", "a", "an", "his", "her", "their", "its", "he", "she",
                                                      "they", "we", "i", "it") or nxt.low.endswith("s"):
                return m + 1
        elif toks[m].kind != "w" and toks[m].text not in ".()-’'":
            return lo
    return lo


def as_reported(toks: list[Tok], lo: int, hi: int, i: int, para: int) -> Cand | None:
    """``As The Times reported, C`` and ``C, as one official noted.``"""
    found = cue_at(toks, i)
    if found is None:
        return None
    cue, ci = found
    src = source_left(toks, lo, i)
    if src is None or src[0] - 1 < lo or toks[src[0] - 1].low != "as":
        return None
    k = skip_adjuncts(toks, ci + 1, hi)
    if k < hi and toks[k].text == "," and src[0] - 1 == lo:
        b = trim_end(toks, k + 1, hi - 1)
        return Cand(para, src, (i, ci), [(k + 1, b)], cue.speech, "as") if b > k + 2 else None
    edge = src[0] - 2
    if edge > lo and toks[edge].text == "," and tail_is_adjunct(toks, k, hi):
        left = left_content(toks, lo, edge)
        return None if left is None else Cand(para, src, (i, ci), [left], cue.speech, "as")
    return None


def when_asked(toks: list[Tok], lo: int, hi: int, i: int, para: int) -> Cand | None:
    """``..., he said when asked about X`` / ``Asked why X, ...``: the question, no source."""
    tok = toks[i]
    if tok.low != "asked" or i + 1 >= hi or toks[i + 1].low not in _QUESTION_STARTS:
        return None
    if not (i == lo and tok.text == "Asked" or i > lo and toks[i - 1].low == "when"):
        return None
    b = until_comma(toks, (i + 1, trim_end(toks, i + 1, hi - 1)))[1] if i == lo else trim_end(toks, i + 1, hi - 1)
    return Cand(para, None, (i, i), [(i + 1, b)], True, "asked") if b > i + 1 else None


def in_source(toks: list[Tok], lo: int, hi: int, para: int) -> Cand | None:
    """``In a poll released Monday, C`` / ``In a statement, C``: the medium is the source."""
    if hi - lo < 6 or toks[lo].low != "in":
        return None
    for m in range(lo + 2, min(hi - 2, lo + 14)):
        if toks[m].text == ",":
            heads = {t.low for t in toks[lo + 1:min(m, lo + 5)]}  # the medium heads its phrase
            if not heads & MEDIA_NOUNS:
                return None
            b = trim_end(toks, m + 1, hi - 1)
            speech = not heads & EVIDENCE_HEADS
            return Cand(para, (lo + 1, m - 1), (lo, lo), [(m + 1, b)], speech, "in") if b > m + 3 else None
        if toks[m].kind != "w" and toks[m].text not in "-’'./&":
            return None
    return None


def headline_colon(toks: list[Tok], lo: int, hi: int, para: int) -> Cand | None:
    """``Lynch: No outside influence on FBI probe`` and transcript turns ``WALLACE: ...``."""
    for m in range(lo + 1, min(lo + 5, hi - 3)):
        if toks[m].text == ":":
            names = toks[lo:m]
            if not all(t.kind == "w" and t.text[0].isupper() for t in names) or names[0].low in NOT_SPEAKERS:
                return None
            b = trim_end(toks, m + 1, hi - 1)
            if b <= m + 2 or sum(t.text == "," for t in toks[m + 1:b]) > 2:
                return None  # "Iowa: Tim Albrecht, Brad Anderson, ..." is a list
            return Cand(para, (lo, m - 1), (m, m), [(m + 1, b)], True, "headline")
    return None


def sentence_candidates(toks: list[Tok], lo: int, hi: int, para: int, trim: bool = True) -> list[Cand]:
    """All candidate attributions in one sentence, left to right.

    ``trim``: end contents where :mod:`.boundary` says (off only to train that model).
    """
    out: list[Cand] = []
    late: list[int] = []  # long-tail cues, tried once the sentence's other cues have spoken
    tried = 0
    for i in range(lo, hi):
        if toks[i].low not in _TRIGGERS:
            continue  # cheap filter: most tokens are not cues
        tried += 1
        if tried > MAX_TRIGGERS:
            break
        cand = according_to(toks, lo, hi, i, para) or noun_cue(toks, lo, hi, i, para) \
            or when_asked(toks, lo, hi, i, para) or as_reported(toks, lo, hi, i, para) \
            or gerund(toks, lo, hi, i, para, out) or at_cue(toks, lo, hi, i, para)
        if cand is not None and cand.pattern != "blocked":
            out.append(cand)
        elif cand is None and toks[i].low in LATE_TRIGGERS:
            late.append(i)
    core = len(out)
    if trim:
        for cand in out:
            boundary.trim(toks, cand)
    add_late(toks, lo, hi, late, para, out)
    if trim:
        for cand in out[core:]:
            boundary.trim(toks, cand)
    out.sort(key=lambda c: c.cue[0])  # left to right again, the long-tail ones among the others
    if not out:  # sentence-level shapes, only where no verb cue spoke
        cand = in_source(toks, lo, hi, para) or headline_colon(toks, lo, hi, para)
        out.extend([cand] if cand else [])
    return out

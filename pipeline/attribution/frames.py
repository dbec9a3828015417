"""Quote frames: direct quotes introduced or closed by *any* verb.

Around a quotation the shape alone identifies the attribution, so the verb
need not be in the cue lexicon ("Hannity pressed", "beamed Donald Hartley",
"Trump leaned in and boomed: ..."):

* tail     ``Q, NP VERB [tail].``  and ``Q, VERB NP.``
* intro    ``NP ... VERB [adjunct] (:|,) Q.``  and ``Said NP: Q``
* dash     ``Q ― Name`` (vox-pop and epigraph style)

These run only when the lexicon-driven clause rules found nothing for the
quote.
"""

from __future__ import annotations

from .clauses import Cand, trim_end
from .cues import CUE_FORMS
from .segment import Tok
from .speakers import PRONOUNS, np_left, skip_aux_left, source_right

_IRREGULAR_PAST = frozenset("said told wrote spoke began sang cried swore read went".split())
_NOT_VERBS = frozenset("its his has was is does yes news this thus us as".split())


def _verbish(tok: Tok, present: bool = False) -> bool:
    """A lowercase word that looks like a finite verb in the past tense (or is a cue).

    ``present`` also admits third-person forms ("he notes."), for slots where
    a plural noun cannot stand (right before the sentence end or a colon).
    """
    if tok.kind != "w" or not tok.text.islower() or tok.low in _NOT_VERBS:
        return False
    if present and len(tok.low) > 3 and tok.low.endswith("s") and not tok.low.endswith(("ss", "us", "is")):
        return True
    return tok.low in CUE_FORMS or tok.low in _IRREGULAR_PAST or (len(tok.low) > 3 and tok.low.endswith("ed"))


def _at_end(toks: list[Tok], k: int, hi: int) -> bool:
    return k >= hi or toks[k].kind == "p" and toks[k].text in ".,:;!?"


def _speech(tok: Tok) -> bool:
    cue = CUE_FORMS.get(tok.low)
    return True if cue is None else cue.speech


def _quote_end(toks: list[Tok], lo: int) -> int | None:
    """Index after ``Q ,`` (or after a ``Q`` ending in ?, ! or ,) at ``lo``."""
    if toks[lo].kind != "q":
        return None
    k = lo + 1
    if k < len(toks) and toks[k].text == ",":
        return k + 1
    inner = toks[lo].text.rstrip("”\"»' ")
    return k if inner.endswith((",", "?", "!", "—", "–")) else None


def _tail_ok(toks: list[Tok], k: int, hi: int) -> bool:
    """After the verb: the end, an adjunct, a comma clause, or a next quote."""
    if k >= hi:
        return True
    tok = toks[k]
    return tok.kind == "p" or tok.kind == "q" or tok.text.islower()


def tail_frame(toks: list[Tok], lo: int, hi: int, para: int) -> Cand | None:
    """``“...,” Hannity pressed.`` / ``“...!” beamed Donald Hartley.``"""
    k = _quote_end(toks, lo)
    if k is None or k >= hi:
        return None
    if _verbish(toks[k]):  # inverted: VERB NP
        src = source_right(toks, k + 1, hi)
        if src is not None:
            return Cand(para, src, (k, k), [(lo, lo)], _speech(toks[k]), "tail")
        return None
    rel = None  # "Ann Lee, the pollster who founded the site tweeted": the relative clause is skipped
    for v in range(k + 1, min(k + 18, hi)):
        if rel is None and toks[v].low in ("who", "which") and v - 1 > k:
            rel = v
            continue
        if rel is not None:
            if toks[v].kind == "q" or toks[v].text in ".;:!?":
                return None
            if toks[v].text.islower() and toks[v].low in CUE_FORMS and _speech(toks[v]) and v > rel + 1:
                end = rel - 1 if toks[rel - 1].text != "," else rel - 2
                return _tail(toks, lo, hi, para, (k, end), v) if _tail_ok(toks, v + 1, hi) else None
            continue
        if v >= k + 12:
            return None
        if _verbish(toks[v], present=_at_end(toks, v + 1, hi)):
            j = skip_aux_left(toks, k, v - 1)
            a = np_left(toks, k, j) if j >= k else None
            if a == k and _tail_ok(toks, v + 1, hi):
                return _tail(toks, lo, hi, para, (a, j), v)
            return None
        if toks[v].kind != "w":
            if toks[v].text != ",":
                return None
    return None


def _tail(toks: list[Tok], lo: int, hi: int, para: int, src: tuple[int, int], v: int) -> Cand:
    """The tail frame's candidate, with a quote split by the tail (``“...,” X said, “...”``)."""
    more = [(v + 2, v + 2)] if v + 2 < hi and toks[v + 1].text == "," and toks[v + 2].kind == "q" else []
    return Cand(para, src, (v, v), [(lo, lo)] + more, _speech(toks[v]), "tail")


def intro_frame(toks: list[Tok], lo: int, hi: int, para: int) -> Cand | None:
    """``Hannity interjected: “...”`` / ``At the bottom it reads, “...”``."""
    last = trim_end(toks, lo, hi - 1)
    if last < lo + 2 or toks[last].kind != "q" or toks[last - 1].text not in (":", ","):
        return None
    for v in range(last - 2, lo - 1, -1):
        tok = toks[v]
        if tok.kind == "q":
            return None
        if _verbish(tok, present=v == last - 2):
            src = _subject(toks, lo, v)
            if src is None:
                return None
            return Cand(para, src, (v, v), [(last, last)], _speech(tok), "intro")
    return None


def _subject(toks: list[Tok], lo: int, v: int) -> tuple[int, int] | None:
    """The subject of the verb at ``v``: next to it, or the sentence's first noun phrase."""
    j = skip_aux_left(toks, lo, v - 1)
    if j >= lo:
        a = np_left(toks, lo, j)
        if a is not None:
            return a, j
    for e in range(lo, v):  # "Trump leaned in and boomed:" -> "Trump"
        if toks[e].kind != "w" or (toks[e].text.islower() and toks[e].low not in PRONOUNS):
            return (lo, e - 1) if e > lo else None
    return None


DASHES = frozenset("―—–-")


def dash_frame(toks: list[Tok], lo: int, hi: int, para: int) -> Cand | None:
    """``“...” ― Adriana Rodarte``: a quote signed with a dash and a name."""
    if toks[lo].kind != "q" or lo + 2 >= hi or toks[lo + 1].text not in DASHES or toks[lo + 1].text == "-":
        return None
    end = trim_end(toks, lo + 2, hi - 1)
    names = toks[lo + 2:end + 1]
    if not names or len(names) > 8 or not all(t.kind == "w" and t.text[0].isupper() or t.text in ".,-" for t in names):
        return None
    return Cand(para, (lo + 2, end), (lo + 1, lo + 1), [(lo, lo)], True, "dash")


def dash_source(toks: list[Tok]) -> tuple[int, int] | None:
    """The name of a signature paragraph ``- Bernie Sanders.`` / ``-Ann Lee, tweeting after the speech.``

    The name is the capitalized words after the dash, up to a comma or the end.
    """
    end = 1
    while end < len(toks) and toks[end].kind == "w" and (toks[end].text[0].isupper() or toks[end].low == "of"):
        end += 1
    if end == 1 or end - 1 > 6 or toks[end - 1].low == "of":
        return None
    if end < len(toks) and toks[end].text not in ",.":
        return None
    return 1, end - 1


def fronted_frame(toks: list[Tok], lo: int, hi: int, para: int) -> Cand | None:
    """``Said Ellis: “...”`` / ``Continued Stone, “...”``: a fronted cue."""
    first = toks[lo]
    if first.kind != "w" or not first.text[0].isupper() or first.low not in CUE_FORMS:
        return None
    last = trim_end(toks, lo, hi - 1)
    for m in range(lo + 2, min(last, lo + 30)):
        if toks[m].text in (":", ",") and toks[m + 1].kind == "q":
            src = source_right(toks, lo + 1, m + 1)
            if src is None:
                return None
            return Cand(para, src, (lo, lo), [(m + 1, last)], _speech(first), "fronted")
    return None


def colon_intro(toks: list[Tok], lo: int, hi: int, para: int) -> Cand | None:
    """``He said:`` closing a paragraph; the quote follows in the next one.

    Returns a candidate with no content yet; the caller fills it in.
    """
    if hi - lo < 2 or toks[hi - 1].text != ":" or any(t.kind == "q" for t in toks[lo:hi]):
        return None
    first = toks[lo]
    if first.kind == "w" and first.text[0].isupper() and first.low in CUE_FORMS:  # "Stated Stone:"
        src = source_right(toks, lo + 1, hi - 1)
        if src is not None and src[1] == hi - 2:
            return Cand(para, src, (lo, lo), [], _speech(first), "colon")
    for v in range(hi - 2, max(lo - 1, hi - 12), -1):
        if _verbish(toks[v], present=v == hi - 2):
            src = _subject(toks, lo, v)
            return None if src is None else Cand(para, src, (v, v), [], _speech(toks[v]), "colon")
    return None

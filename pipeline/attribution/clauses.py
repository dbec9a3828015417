"""Verb-driven clause shapes: turn a cue verb in a sentence into a candidate.

Shapes covered, with ``Q`` a quotation token and ``C`` a clause:

* forward       ``SRC CUE (that) C``, ``SRC told OBJ (that) C``, ``SRC said: Q``
* cue-final     ``C, SRC CUE [adjuncts].`` and ``Q, SRC CUE.``
* inverted      ``C, CUE SRC [, appositive].``
* split         ``Q, SRC CUE, Q.``
* parenthetical ``C1, SRC CUE, C2.``
* coordinated   ``SRC says C1 and said C2``

Each function receives a sentence as a token range ``[lo, hi)`` of a
paragraph and returns a :class:`Cand` or None.  Phrase cues ("according
to", "X's claim that") live in :mod:`.phrases`.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from .cues import (
    ADJUNCT_PREPS,
    CUE_FORMS,
    EVIDENCE_HEADS,
    INFINITIVE_OK,
    NOUN_FORMS,
    OBJECT_VERBS,
    PARTICLES,
    WEEKDAYS,
    Cue,
)
from .segment import Tok
from .speakers import PRONOUNS, skip_aux_left, source_left, source_right

_END_PUNCT = frozenset(".!?;:,—–…")
_BAD_CONTENT_START = frozenset(
    "to about of for with by from into so as than like before after during when while because since until "
    "is are was were has have had will would can could may might and".split()
)
_NOMINAL_BEFORE = frozenset(
    "the a an his her their its our my your this these those some any no every each such "
    "made make makes renewed strong".split()
)
_FRONTED = frozenset(
    "in on at as though although while when after before during for with since despite because if "
    "unlike like moments earlier later from by under".split()
)
_PREPOSITIONS = frozenset("in of for with by from on at into about".split())
_BE = frozenset("is are was were be been being am 's".split())
_OBJECT_PRONOUNS = frozenset("him her them us me you reporters journalists".split())
_DETS = frozenset("the a an his her their its this that these those".split())
CLAUSE_CONJ = frozenset("but and while whereas yet".split())
_NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten several many repeatedly".split())
_KEEP_ING = frozenset("including according regarding concerning following".split())
SUBORDINATORS = frozenset(
    "when while after as because if although though since before once until unless whereas".split()
)
CUT_AFTER_COMMA = frozenset("despite though although while whereas even adding saying noting citing".split())


@dataclass
class Cand:
    """A candidate attribution as token ranges (inclusive) into one paragraph."""

    para: int
    source: tuple[int, int] | None
    cue: tuple[int, int]
    content: list[tuple[int, int]]
    speech: bool
    pattern: str
    extra: list[tuple[int, int]] = field(default_factory=list)  # char spans appended later


def cue_at(toks: list[Tok], i: int) -> tuple[Cue, int] | None:
    """The cue at token ``i`` and the index of its last token, or None."""
    tok = toks[i]
    if tok.kind != "w" or not tok.text.islower() or tok.low not in CUE_FORMS:
        return None
    cue = CUE_FORMS[tok.low]
    if tok.low in NOUN_FORMS and not _clear_subject_before(toks, i):
        return None  # "the state", "a post", "his support" are nouns
    if i > 0 and toks[i - 1].low == "to" and cue.klass != "to":
        return None  # "declined to say" is the infinitive of another cue
    if not verb_context_ok(toks, i):
        return None
    if i + 1 < len(toks) and toks[i + 1].low in ("tank", "tanks"):
        return None  # "think tank"
    particle = PARTICLES.get(cue.lemma)
    if particle:
        if i + 1 >= len(toks) or toks[i + 1].low != particle:
            return None
        return cue, i + 1
    return cue, i


def verb_context_ok(toks: list[Tok], i: int) -> bool:
    """Can the word at ``i`` be a finite verb, judging by the word before it?"""
    if i == 0:
        return True
    prev = toks[i - 1]
    if prev.low in ("having", "without"):
        return False  # "Having said that, ...", "It goes without saying"
    if toks[i].low.endswith("ed") and prev.low in _PREPOSITIONS:
        return False  # "a lead in pledged delegates"
    # "the proposed rule", "his plans to", "was announced", "270 pledged delegates"
    return not (prev.low in _NOMINAL_BEFORE or _passive(toks, i) or prev.text[0].isdigit())


def _clear_subject_before(toks: list[Tok], i: int) -> bool:
    """Is the token before ``i`` a subject a verb can follow ("they support", "Trump calls")?"""
    if i == 0:
        return False
    prev, nxt = toks[i - 1], toks[i + 1] if i + 1 < len(toks) else None
    if prev.kind != "w" or nxt is None:
        return False
    if prev.low in ("he", "she", "they", "we", "i", "you", "who", "that", "which", "also", "will", "would"):
        return True
    named = prev.text[0].isupper() and not prev.low.endswith(("'s", "’s")) and i >= 2 and toks[i - 2].kind == "w"
    takes_object = nxt.kind == "q" or nxt.text[0].isupper() or nxt.low in _DETS | {"for", "on", "that", "it", "him", "her"}
    return named and takes_object  # "Trump calls for ...", not "Treasury note fell"


def _passive(toks: list[Tok], i: int) -> bool:
    """``was announced``, ``were told``: a participle after a form of *be*."""
    j = i - 1
    while j >= 0 and toks[j].low in ("also", "not", "widely", "long", "never", "often", "being"):
        j -= 1
    if j >= 2 and toks[j].low in ("and", "or") and toks[j - 1].low.endswith("ed"):
        j -= 2  # "were mocked and criticized"
    return j >= 0 and toks[j].low in _BE and toks[i].low.endswith(("ed", "en", "ld", "wn", "ught"))


def trim_end(toks: list[Tok], a: int, b: int) -> int:
    """Drop trailing punctuation (not quotes) from the inclusive range end ``b``."""
    while b >= a and toks[b].kind == "p" and toks[b].text in _END_PUNCT:
        b -= 1
    return b


def skip_adjuncts(toks: list[Tok], k: int, hi: int) -> int:
    """Skip "Monday", "on Tuesday", "in a statement" right after a cue."""
    while k < hi and toks[k].kind == "w" and toks[k].low in WEEKDAYS:
        k += 1
    if k < hi and toks[k].low in ADJUNCT_PREPS:
        for m in range(k + 1, min(k + 8, hi)):
            if toks[m].text in (",", ":") or toks[m].low == "that":
                return m + 1 if toks[m].text in (",", ":") else m
    return k


def _that_ahead(toks: list[Tok], k: int, hi: int) -> int | None:
    """Index of a complementiser "that" shortly after the cue (only words between)."""
    for m in range(k, min(k + 10, hi)):
        if toks[m].low == "that" and toks[m].kind == "w":
            return m
        if toks[m].kind != "w" and not (toks[m].kind == "q" and toks[m].text.count(" ") < 4):
            return None
    return None


def _skip_object(toks: list[Tok], k: int, hi: int) -> int:
    """Skip the object of tell-type verbs: "reporters", "the Associated Press", "him"."""
    if k < hi and toks[k].kind == "q" and toks[k].text.count(" ") < 4 and (k + 1 >= hi or toks[k + 1].kind != "q"):
        if k + 1 >= hi or toks[k + 1].low in ADJUNCT_PREPS or toks[k + 1].text in ".,;":
            return k + 1  # told “Fox and Friends” on Monday: a title, not a quotation
    if k >= hi or toks[k].kind != "w":
        return k
    if toks[k].low in _OBJECT_PRONOUNS:
        return k + 1
    m = k + 1 if toks[k].low in _DETS else k
    if m < hi and toks[m].text[0].isupper():
        while m < hi and toks[m].kind == "w" and (toks[m].text[0].isupper() or toks[m].low in ("of", "and")):
            m += 1
        if m > k + 1 and toks[k].low in _DETS and m < hi and toks[m].kind == "w" and toks[m].text.islower() \
                and toks[m].low not in _DETS | PRONOUNS | {"that", "to", "about", "on", "in"}:
            m += 1  # "told his Democratic audience"
        if m < hi and toks[m].kind == "q" and toks[m].text.count(" ") < 4:
            m += 1  # told MSNBC's “Morning Joe” that ...
        return m
    return m + 1


def content_right(toks: list[Tok], i: int, hi: int, cue: Cue, subject: str) -> tuple[int, int] | None:
    """Content range after the cue ending at token ``i``, for the forward shape."""
    k = i + 1
    if cue.lemma in OBJECT_VERBS:
        if _that_ahead(toks, k, hi) is None:
            k = _skip_object(toks, k, hi)
    that = _that_ahead(toks, k, hi)
    if that is not None and (that == k or toks[k].low in WEEKDAYS | ADJUNCT_PREPS or cue.lemma in OBJECT_VERBS):
        k = that
    else:
        k = skip_adjuncts(toks, k, hi)
    colon = k < hi and toks[k].text in (":", ",")
    if colon:
        k += 1
    if k >= hi:
        return None
    end = clause_end(toks, k, hi)
    if toks[k].kind == "q" and k + 1 < end and (toks[k + 1].text == "," or toks[k].text.rstrip("”\"' ").endswith(",")
                                                or not colon and toks[k].text.count(" ") < 3
                                                and _adjunct_start(toks[k + 1])):
        end = k + 1  # said, “We’ll see,” when asked ...; said “CNN” five times
    b = trim_end(toks, k, end - 1)
    if b < k or not _content_ok(toks, k, b, cue, subject, colon):
        return None
    return k, b


def _adjunct_start(tok: Tok) -> bool:
    """Does ``tok`` open an adjunct ("five times", "when asked", "on Monday")?"""
    return tok.low in ADJUNCT_PREPS or tok.low in WEEKDAYS or tok.low in _NUMBER_WORDS or tok.text[0].isdigit() \
        or tok.low in SUBORDINATORS


def clause_end(toks: list[Tok], k: int, hi: int) -> int:
    """Where a reported clause stops: before ", despite ...", ", and he railed ...".

    Complement clauses run to the end of the sentence unless a comma opens a
    new coordinated clause or an adjunct that reporters tack on.
    """
    cuts = _clause_cuts(toks, k, hi)
    at = bisect_right(cuts, k)
    return cuts[at] if at < len(cuts) else hi


# Cut points of the last sentences seen, from the first position asked: a
# sentence's cues ask left to right, so it is scanned once however many cues
# it holds.
_CUTS: dict[tuple[int, int], tuple[list[Tok], int, list[int]]] = {}


def _clause_cuts(toks: list[Tok], k: int, hi: int) -> list[int]:
    """Token indices in ``(k, hi - 1)`` (at least) where a reported clause stops."""
    key = (id(toks), hi)
    hit = _CUTS.get(key)
    if hit is not None and hit[0] is toks and hit[1] <= k:
        return hit[2]
    cuts = [m for m in range(k + 1, hi - 1) if _cuts_at(toks, m, hi)]
    if len(_CUTS) > 8:
        _CUTS.clear()
    _CUTS[key] = (toks, k, cuts)
    return cuts


def _cuts_at(toks: list[Tok], m: int, hi: int) -> bool:
    if toks[m].text == ";":
        return True  # "said X; they only learned ..."
    if toks[m].text != ",":
        return False
    nxt = toks[m + 1]
    if nxt.low in CUT_AFTER_COMMA or (nxt.text.islower() and nxt.low.endswith("ing") and len(nxt.low) > 5
                                      and nxt.low not in _KEEP_ING):
        return True
    after = toks[m + 2].low if m + 2 < hi else ""
    return nxt.low in ("and", "but") and (after in PRONOUNS or after in SUBORDINATORS)  # ", and he railed ..."


def _count_words(toks: list[Tok], a: int, b: int, limit: int) -> int:
    """Words and quotes in ``toks[a:b + 1]``, counted up to ``limit``."""
    n = 0
    for m in range(a, b + 1):
        if toks[m].kind in "wq":
            n += 1
            if n >= limit:
                break
    return n


def _content_ok(toks: list[Tok], k: int, b: int, cue: Cue, subject: str, colon: bool) -> bool:
    first = toks[k]
    quoted = first.kind == "q"
    if first.kind == "p":
        return False
    words = _count_words(toks, k, b, 3)
    if cue.klass != "object" and all(t.kind == "w" and t.text[0].isupper() or t.text in ".-" for t in toks[k:b + 1]):
        return False  # "..., said DeSantis": a bare name is the source of an inverted cue, not content
    if quoted:
        return cue.klass in ("say", "that", "tell", "object") and (colon or cue.klass != "that"
                                                                   or toks[k].text.count(" ") > 2)
    if colon and toks[k - 1].text == ",":
        return False  # "said, however, ...", "said, a policy that ...": only a quote follows a comma
    if cue.klass == "to" or cue.lemma in INFINITIVE_OK and first.low == "to":
        return first.low == "to" and words >= 2
    if cue.klass == "object" and first.low in ("for", "on") and words >= 2:
        return True  # "called for a ban", "called on Congress to act"
    if first.low in _BAD_CONTENT_START or words < (1 if cue.klass == "object" else 3):
        return False
    if cue.klass in ("say", "tell") or colon:
        return True
    if cue.klass == "evidence" and set(subject.split()) & EVIDENCE_HEADS:
        return True
    if cue.klass == "object":
        if toks[k - 1].low.endswith("ed") and subject in ("a", "an"):
            return False  # "a program called Sandy Hook Promise": a participle
        return first.low not in ("to", "up", "out", "off", "back", "in")
    return first.low in ("that", "whether", "if") or (cue.lemma in OBJECT_VERBS and first.low == "that")


def tail_is_adjunct(toks: list[Tok], k: int, hi: int) -> bool:
    """Is ``toks[k:hi]`` only time/place adjuncts and final punctuation?"""
    rest = [t for t in toks[k:hi] if not (t.kind == "p" and t.text in _END_PUNCT)]
    if not rest:
        return True
    while rest and rest[0].kind == "w" and rest[0].low.endswith("ly") and rest[0].text.islower():
        rest = rest[1:]  # "said happily on MSNBC"
    if not rest:
        return True
    if any(t.low == "that" or (t.kind == "q" and t.text.count(" ") > 4) for t in rest):
        return False
    if len(rest) <= 5 and rest[-1].low in ("later", "ago", "earlier", "before"):
        return True  # "as Breitbart reported a few days later"
    if rest[0].low == "to":  # "said to reporters", not "decided to take aim"
        return len(rest) > 1 and (rest[1].text[0].isupper() or rest[1].low in _DETS | _OBJECT_PRONOUNS)
    return rest[0].low in WEEKDAYS or rest[0].low in ADJUNCT_PREPS or rest[0].low in ("when", "as")


def _split_tail(toks: list[Tok], k: int, hi: int) -> tuple[int, int] | None:
    """``..., he said, "more."``: the second fragment after the cue, if any."""
    for m in range(k, min(k + 14, hi - 1)):  # "he said, referring to X, “more.”"
        if toks[m].kind == "q" or toks[m].text in ".;!?" or toks[m].low in CUE_FORMS and toks[m].text.islower():
            return None  # ", adding: “...”" is the gerund's own quote
        if toks[m].text in (",", ":") and toks[m + 1].kind == "q":
            return m + 1, trim_end(toks, m + 1, hi - 1)
    return None


def _loose_tail(toks: list[Tok], left: tuple[int, int], k: int, hi: int) -> bool:
    """After a quote, or before ", adding ...", any tail may follow the cue."""
    if k < hi and toks[k].text == "," and k + 1 < hi and toks[k + 1].low.endswith("ing"):
        return True
    if toks[left[1]].kind != "q" or toks[left[0]].kind != "q":
        return False  # "In an interview on “Face the Nation,” Ryan said ..." is not a quote frame
    return k >= hi or not (toks[k].low == "that" or toks[k].kind == "q")


def left_content(toks: list[Tok], lo: int, edge: int) -> tuple[int, int] | None:
    """Content before a final attribution: from sentence start to ``edge``."""
    if edge < lo:
        return None
    b = edge
    if toks[b].text in (",", "—", "–"):
        b -= 1
    elif toks[b].kind != "q":
        return None
    a = lo
    for m in range(b, lo - 1, -1):
        if toks[m].text == ";":
            a = m + 1  # "A; B, he said." attributes B only
            break
    while a <= b and toks[a].kind == "p":
        a += 1
    if a <= b and toks[a].low in CLAUSE_CONJ and toks[a].text[0].isupper() and a < b:
        a += 1
    if toks[b].kind == "q" and b - 1 >= a and toks[b - 1].text in ("—", "–", ":", "-"):
        a = b  # "... denies — “why wouldn't you?” asked Dunn": only the quote
    if b < a or sum(1 for t in toks[a:b + 1] if t.kind in "wq") < 2 and toks[b].kind != "q":
        return None
    return a, b


def at_cue(toks: list[Tok], lo: int, hi: int, i: int, para: int) -> Cand | None:
    """Try every verb shape for the cue at ``i``; the first that fits wins."""
    found = cue_at(toks, i)
    if found is None:
        return None
    cue, ci = found
    shapes = (_final, _parenthetical, _forward, _inverted) if toks[i - 1].text == "," \
        else (_final, _parenthetical, _inverted, _forward)
    for shape in shapes:
        cand = shape(toks, lo, hi, i, ci, cue, para)
        if cand is not None:
            return cand
    return None


def _final(toks, lo, hi, i, ci, cue: Cue, para) -> Cand | None:
    src = source_left(toks, lo, i)
    if src is None or cue.klass == "to":
        return None
    k = _skip_object(toks, ci + 1, hi) if cue.lemma in OBJECT_VERBS else ci + 1
    split = _split_tail(toks, k, hi)
    left = left_content(toks, lo, src[0] - 1)
    if left is None:
        return None
    if split is None and not tail_is_adjunct(toks, k, hi) and not _loose_tail(toks, left, k, hi):
        return None
    quoted = any(toks[m].kind == "q" for m in range(left[0], left[1] + 1))
    if split and not quoted:
        content = [split]  # "Asked about X, Adelson said, “...”": the intro is not content
    elif not quoted and (not _clause_like(toks, left) or toks[src[0]].low in ("who", "which")):
        return None  # "In 2008, he complained ...", "..., who has emerged as ..."
    else:
        content = [left] + ([split] if split else [])
    return Cand(para, src, (i, ci), content, cue.speech, "final")


def _clause_like(toks: list[Tok], span: tuple[int, int]) -> bool:
    """Could ``span`` be a reported clause rather than a fronted adverbial?"""
    first = next((t for t in toks[span[0]:span[1] + 1] if t.kind == "w"), None)
    return first is not None and first.low not in _FRONTED \
        and sum(1 for t in toks[span[0]:span[1] + 1] if t.kind == "w") >= 4


def _parenthetical(toks, lo, hi, i, ci, cue: Cue, para) -> Cand | None:
    """``The best chance, he said, is a deal``: content on both sides of the cue."""
    if cue.klass not in ("say", "that") or ci + 2 >= hi or toks[ci + 1].text != ",":
        return None
    src = source_left(toks, lo, i)
    if src is None or src[0] - 1 < lo or toks[src[0] - 1].text != "," or toks[src[0]].kind == "q":
        return None
    left = left_content(toks, lo, src[0] - 1)
    b = trim_end(toks, ci + 2, hi - 1)
    if left is None or toks[left[1]].kind == "q" or b - (ci + 2) < 2 or toks[ci + 2].kind != "w":
        return None
    return Cand(para, src, (i, ci), [left, (ci + 2, b)], cue.speech, "parenthetical")


def _inverted(toks, lo, hi, i, ci, cue: Cue, para) -> Cand | None:
    if cue.klass not in ("say", "that") or i - 1 < lo or not cue.speech:
        return None
    if not (toks[i - 1].text == "," or toks[i - 1].kind == "q"):
        return None
    src = source_right(toks, ci + 1, hi)
    if src is None:
        return None
    left = left_content(toks, lo, i - 1)
    if left is None:
        return None
    content = [left]
    split = _split_tail(toks, src[1] + 1, hi)
    if split:
        content.append(split)
    return Cand(para, src, (i, ci), content, cue.speech, "inverted")


def _forward(toks, lo, hi, i, ci, cue: Cue, para) -> Cand | None:
    src = source_left(toks, lo, i)
    pattern = "forward"
    if src is None:
        src, pattern = _coordinated_subject(toks, lo, i), "coordinated"
    if src is None:
        return None
    subject = toks[src[0]].low if cue.klass == "object" else " ".join(t.low for t in toks[src[0]:src[1] + 1])
    span = content_right(toks, ci, hi, cue, subject)
    if span is None:
        return None
    if src[0] - 1 >= lo and toks[src[0] - 1].low in SUBORDINATORS or _in_fronted_clause(toks, lo, i) \
            or toks[src[0]].low in ("who", "which") and toks[src[0] - 1].text == ",":
        span = until_comma(toks, span)  # "While Comey has said that ..., Lewandowski said ..."
    return Cand(para, src, (i, ci), [span], cue.speech, pattern)


def _coordinated_subject(toks: list[Tok], lo: int, i: int) -> tuple[int, int] | None:
    """``Clinton has urged ... but has said ...``: the sentence's opening name."""
    j = skip_aux_left(toks, lo, i - 1)
    if j < lo or toks[j].low not in ("and", "but"):
        return None
    e = lo
    while e < j and e - lo < 6 and toks[e].kind == "w" and (toks[e].text[0].isupper() or toks[e].low in _DETS):
        e += 1
    if e == lo or not toks[e - 1].text[0].isupper() or toks[e - 1].low in CLAUSE_CONJ:
        return None
    return lo, e - 1


def _in_fronted_clause(toks: list[Tok], lo: int, i: int) -> bool:
    """Is the cue inside a fronted subordinate clause ("Although X has maintained ..., Y said")?"""
    return toks[lo].low in SUBORDINATORS and not any(t.text == "," for t in toks[lo:i])


def until_comma(toks: list[Tok], span: tuple[int, int]) -> tuple[int, int]:
    for m in range(span[0] + 1, span[1] + 1):
        if toks[m].text == ",":
            return span[0], m - 1
    return span

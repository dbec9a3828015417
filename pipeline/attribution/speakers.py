"""Source mentions: find them next to a cue, and resolve them to a full mention.

Without a parser a source is found by walking from the cue to the nearest
clause boundary, checking that what lies between looks like a noun phrase.
Resolution is a small, deterministic coreference pass: pronouns and definite
descriptions ("the official") point to the nearest compatible earlier full
mention; a bare surname points to the earlier mention that contains it.
"""

from __future__ import annotations

from functools import lru_cache

from .cues import AUXILIARIES, CUE_FORMS
from .segment import Tok

PRONOUNS = frozenset("he she they we i you it who which".split())
PERSONAL = frozenset("he she".split())
_POSSESSIVE_ONLY = frozenset("his her their its our my your".split())
# Words that end a noun phrase when walking left from a cue.
_BOUNDARY_WORDS = frozenset(
    "that because while although though but when after before since if as so where whom "
    "whether than or unless until once whereas is are was were be been being am "
    "to into about over under against which who whom whose what how why "
    "would will could can should may might must not do does did".split()
)
_TIME_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday today yesterday morning evening "
    "afternoon night week month year weekend".split()
)
_ADJUNCT_STARTS = frozenset("in during at on when after before while via to as".split())
_APPOSITIVE_START = frozenset("a an the his her their its one another".split())
_RELATIVES = frozenset("who whom whose which that".split())
_WHO = frozenset("who whom whose".split())
_NAME_PREPS = frozenset("of for at in on to and which who whom whose".split())
_APPOSITIVE_BAD_START = frozenset(
    "and but or so because although though when while after before if as since yet then".split()
)
_BAD_FIRST = frozenset(
    "not never also then there here what how why don't do please let once when while after before just "
    "if because although though since as".split()
)
_NP_PUNCT = frozenset("-.&’'()/")
_MAX_NP = 14
_MAX_APPOSITIVE = 40


def _is_cue_word(tok: Tok) -> bool:
    return tok.kind == "w" and tok.text.islower() and tok.low in CUE_FORMS


def skip_aux_left(toks: list[Tok], lo: int, j: int) -> int:
    """Index of the first token left of ``j`` that is not an auxiliary or adverb."""
    while j >= lo and toks[j].kind == "w" and toks[j].low in AUXILIARIES and toks[j].text.islower():
        j -= 1
    while j >= lo and toks[j].kind == "w" and toks[j].low.endswith("ly") and toks[j].text.islower():
        j -= 1  # "he flatly denied", "she quietly said"
    return _skip_time_left(toks, lo, j)


def _skip_time_left(toks: list[Tok], lo: int, j: int) -> int:
    """Skip "on Thursday evening" between a subject and its verb."""
    k = j
    while k >= lo and toks[k].kind == "w" and toks[k].low in _TIME_WORDS:
        k -= 1
    if k == j:
        return j
    if k >= lo and toks[k].low in ("on", "last", "this", "late", "early"):
        k -= 1
    return skip_aux_left(toks, lo, k) if k < j else j


def np_left(toks: list[Tok], lo: int, j: int) -> int | None:
    """Start index of the noun phrase ending at token ``j``, or None."""
    if j < lo or toks[j].kind == "q" or (toks[j].low in _BOUNDARY_WORDS | {"and"} and toks[j].text.islower()
                                         and toks[j].low not in ("who", "which")):
        return None
    if toks[j].kind == "w" and toks[j].low in _SUBJECT_PRONOUNS:
        return j  # "the target it pledged", "the people they refuse": the pronoun alone
    a = j
    while a - 1 >= lo and j - a + 1 < _MAX_NP:
        prev = toks[a - 1]
        if prev.kind == "q" or (prev.kind == "p" and prev.text not in _NP_PUNCT):
            break
        if prev.kind == "w" and (prev.low in _BOUNDARY_WORDS or _is_cue_word(prev)):
            break
        if prev.low == "and" and not (toks[a].text[0].isupper() and a - 2 >= lo and toks[a - 2].text[0].isupper()):
            break
        a -= 1
    if a - 1 >= lo and j - a + 1 >= _MAX_NP and toks[a - 1].kind == "w":
        return None  # ran out of budget mid-phrase: probably not a subject
    # A capitalized "-ly" word is a name ("Kelly said") unless a gerund follows ("Simply assuming ...").
    name = j + 1 >= len(toks) or not toks[j + 1].low.endswith("ing")
    return a if _np_ok(toks[a:j + 1], name) else None


def _np_ok(span: list[Tok], ly_name: bool = True) -> bool:
    """Cheap check that a token run can be a subject noun phrase.

    ``ly_name``: a single capitalized word in "-ly" may be a name ("Kelly", "Schlafly").
    """
    words = [t for t in span if t.kind == "w"]
    if not words:
        return False
    first = words[0]
    if first.low in _BAD_FIRST or first.low in _POSSESSIVE_ONLY and len(words) == 1:
        return False
    if any(_is_cue_word(t) for t in words):
        return False
    if len(words) == 1 and (first.low.endswith("ly") and not (ly_name and first.text[0].isupper())
                            or first.text.isdigit()):
        return False  # "Simply assuming ...", "270 pledged ..."
    return not (len(words) == 1 and first.text.islower() and first.low not in PRONOUNS
                and (first.low.endswith(("ly", "ing", "ed")) or not first.low.endswith("s")
                     and first.low not in COLLECTIVE_NOUNS))


def source_left(toks: list[Tok], lo: int, i: int) -> tuple[int, int] | None:
    """Token range ``(a, b)`` inclusive of the source left of the cue at ``i``."""
    j = skip_aux_left(toks, lo, i - 1)
    if j < lo:
        return None
    if toks[j].text == ",":
        return _appositive_source(toks, lo, j)
    a = np_left(toks, lo, j)
    if a is None:
        return None
    return _relative_head(toks, lo, a), j


def _relative_head(toks: list[Tok], lo: int, a: int) -> int:
    """``an official who spoke anonymously to discuss strategy said``: reach back past "who"."""
    if a - 1 < lo or toks[a - 1].low not in ("to", "into", "about", "over", "against"):
        return a
    for m in range(a - 2, max(lo - 1, a - 12), -1):
        if toks[m].kind != "w":
            return a
        if toks[m].low == "who":
            head = np_left(toks, lo, m - 1) if m - 1 >= lo else None
            return a if head is None else head
    return a


def _appositive_source(toks: list[Tok], lo: int, j: int) -> tuple[int, int] | None:
    """``Chris Cox, who runs the NRA's arm, says``: head plus appositive."""
    for k in range(j - 1, max(lo - 1, j - _MAX_APPOSITIVE), -1):
        if toks[k].kind == "q" or toks[k].text in ";:" or toks[k].text == "." and toks[k].start != toks[k - 1].end:
            return None  # an abbreviation's dot ("R-Ky.") is part of the appositive
        if toks[k].text == ",":
            if k == j - 1 or toks[k + 1].low in _APPOSITIVE_BAD_START:
                return None  # ", and the meeting soured from there, said": not an appositive
            a = np_left(toks, lo, k - 1)
            return None if a is None else (a, j - 1)
    return None


def source_right(toks: list[Tok], k: int, hi: int) -> tuple[int, int] | None:
    """Source after an inverted cue (``..., said Craig Varoga, a strategist.``)."""
    end = k
    comma = None  # the first comma: the name ends there, an appositive follows
    while end < hi:
        tok = toks[end]
        if tok.kind == "q" or tok.text in ".;:!?—" or (tok.text == "," and end + 1 < hi and toks[end + 1].kind == "q"):
            break
        lower = tok.kind == "w" and tok.text.islower()  # "said Will Doyle": a capital is a name, not "will"
        if comma is None and lower and tok.low in _ADJUNCT_STARTS and end > k:
            break  # "said the coach after the match"
        if lower and end > k and (tok.low in _RELATIVES if comma is not None else tok.low in _WHO):
            break  # "said Ann Lee, a lawyer who ran for ...", "said one witness who saw it": the clause is not the source
        if tok.text == ",":
            nxt = toks[end + 1] if end + 1 < hi else None
            if nxt is None or not (nxt.text[0].isupper() or nxt.text[0].isdigit() or nxt.low in _APPOSITIVE_START):
                break  # ", who ...", ", adding ...", ", half joking": the name ended
            comma = end if comma is None else comma
        elif comma is None and lower and (tok.low in _BOUNDARY_WORDS - _NAME_PREPS or _finite_ed(toks, end, hi)):
            return None  # "said the group is ...", "said Trump lied about ...": a clause, not a name
        end += 1
    while end > k and toks[end - 1].kind == "p" and toks[end - 1].text not in ")":
        end -= 1
    if end - k > _MAX_APPOSITIVE:  # a very long appositive: keep the name only
        end = comma if comma is not None else k + _MAX_APPOSITIVE
    # Only the name is checked: an appositive may hold nouns that are also cue forms ("a state senator").
    if end <= k or not _np_ok(toks[k:end if comma is None else comma]):
        return None
    if toks[k].kind != "w" or toks[k].low in _BOUNDARY_WORDS and toks[k].text.islower():
        return None
    return k, end - 1


def _finite_ed(toks: list[Tok], m: int, hi: int) -> bool:
    """Is the -ed word at ``m`` a verb ("Trump lied about") rather than an adjective ("unaligned")?"""
    tok = toks[m]
    if not (tok.text.islower() and tok.low.endswith("ed")):
        return False
    nxt = toks[m + 1] if m + 1 < hi else None
    return nxt is None or nxt.kind != "w" or nxt.low in _BOUNDARY_WORDS or nxt.low in _APPOSITIVE_START \
        or nxt.low in ("that", "his", "her", "their", "its", "him", "them", "it")


# ---------------------------------------------------------------- resolution

# Singular nouns that stand alone as a source ("police said", "staff say").
COLLECTIVE_NOUNS = frozenset(
    "police staff management leadership government administration military prosecution defense "
    "media press public clergy counsel security intelligence".split()
)
PERSON_NOUNS = frozenset(
    "official spokesman spokeswoman spokesperson aide adviser advisor senator candidate president "
    "governor lawmaker source man woman director chairman chairwoman leader minister secretary "
    "analyst expert strategist professor economist lawyer attorney judge officer representative "
    "member voter supporter critic nominee activist executive researcher author resident".split()
)
_LOOKBACK = 60  # earlier speakers considered; keeps resolution linear on huge texts
_SUBJECT_PRONOUNS = frozenset("who which he she they we i you it".split())
_DETERMINERS = frozenset("the this that these those".split())
_INDEFINITE = frozenset("a an one another some".split())


@lru_cache(maxsize=4096)  # the same few mentions are looked at again and again
def _words(mention: str) -> tuple[str, ...]:
    return tuple(w.strip(".,’'").lower() for w in mention.split() if w.strip(".,’'"))


@lru_cache(maxsize=4096)  # the same few mentions are looked at again and again
def _head(mention: str) -> str:
    """Rough head noun: the last word before any comma or relative clause."""
    core = mention.split(",")[0]
    for rel in (" who ", " which ", " that "):
        core = core.split(rel)[0]
    words = _words(core)
    return words[-1] if words else ""


@lru_cache(maxsize=4096)  # the same few mentions are looked at again and again
def _is_full(mention: str) -> bool:
    words = _words(mention)
    if not words or (len(words) == 1 and words[0] in PRONOUNS):
        return False
    return words[0] not in _DETERMINERS or len(words) > 3


@lru_cache(maxsize=4096)  # the same few mentions are looked at again and again
def _compatible(pronoun: str, mention: str) -> bool:
    """Number agreement only; gender is not known without a name lexicon."""
    head = _head(mention)
    plural = head.endswith("s") and not head.endswith("ss") and not mention[:1].isupper()
    if pronoun in PERSONAL:
        return not plural and (any(w[:1].isupper() for w in mention.split()[1:]) or mention[:1].isupper()
                               or head in PERSON_NOUNS)
    return True  # "they" is plural or singular (the seed's official is "they")


def resolve(mention: str, earlier: list[str]) -> str:
    """The full mention that ``mention`` refers to, given earlier *resolved* speakers."""
    words = _words(mention)
    if not words:
        return mention
    if len(words) == 1 and words[0] in PRONOUNS:
        if words[0] in ("who", "which", "i", "we", "you", "it"):
            return mention
        for cand in reversed(earlier[-_LOOKBACK:]):
            if _is_full(cand) and _compatible(words[0], cand):
                return cand
        return mention
    if words[0] in _DETERMINERS and len(words) <= 4:
        head = _head(mention)
        for cand in reversed(earlier[-_LOOKBACK:]):
            if _words(cand)[:1] != words[:1] and _head(cand) == head and len(_words(cand)) >= len(words):
                return cand
        return mention
    if len(words) <= 2 and mention[:1].isupper():
        last = words[-1]
        for cand in reversed(earlier[-_LOOKBACK:]):
            cw = _words(cand.split(",")[0])
            if len(cw) > len(words) and last in cw:
                return cand
    return mention


def resolve_all(sources: list[str]) -> list[str]:
    """Resolve each source in order against the speakers resolved before it."""
    out: list[str] = []
    for src in sources:
        out.append(resolve(src, out) if src else "")
    return out

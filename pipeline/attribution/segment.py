"""Paragraphs, tokens and sentences, with each quoted stretch as one token.

Treating a quote as a single token lets the clause rules see the shape of a
sentence (``Q , he said .``) without being fooled by verbs or full stops
inside the quotation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .cues import CUE_FORMS
from .quotes import Quote, scan

# A word character is anything but space, ASCII punctuation and the general
# punctuation block (curly quotes, dashes), so mojibake ("FranÃ§ois") stays whole.
_WCH = r"[^\s!-/:-@\[-`{-~\u2010-\u206f«»]"
_TOKEN = re.compile(rf"(?P<w>(?:[A-Za-z]\.){{2,}}|{_WCH}+(?:[’'\-.&]{_WCH}+)*)|\S")
_PARA = re.compile(r"[^\n]+")

# Words after which a full stop does not end the sentence.
ABBREVIATIONS = frozenset(
    "mr mrs ms dr sen rep gov gen lt col sgt capt adm maj cmdr st jr sr prof rev hon pres "
    "jan feb mar apr aug sept sep oct nov dec inc co corp ltd no vs etc ft mt "
    "ala ariz ark calif colo conn del fla ga ill ind kan ky la md mass mich minn miss mo "
    "mont neb nev okla ore pa tenn tex va vt wash wis wyo".split()
)
# Words that very likely begin a sentence (to split after "U.S." and the like).
STARTERS = frozenset(
    "he she they it we i the a an but and in this that these those there his her their "
    "our its on at for as if when while after before yet still however".split()
)


_TAIL_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday today yesterday on in at during "
    "after before later earlier recently last this to reporters".split()
)


# Words that open a new sentence rather than an attribution tail ("At the same time, she added").
_FRONTED = frozenset(
    "at in on but and so then when after before while as if because although though for with "
    "meanwhile later still yet also however since until once during".split()
)
_TAIL_PREPOSITIONS = frozenset(
    "of about as with while when from into through over under amid by for after before during".split()
)


@dataclass(frozen=True, slots=True)
class Tok:
    """A word (``w``), punctuation mark (``p``) or whole quotation (``q``)."""

    start: int
    end: int
    kind: str
    text: str
    low: str  # the text in lower case, for lexicon look-ups (computed once)


@dataclass
class Paragraph:
    """A paragraph's tokens and its sentences as ``(first, last+1)`` token indices."""

    start: int
    end: int
    toks: list[Tok]
    sentences: list[tuple[int, int]]
    quotes: list[Quote]


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Non-blank lines, trimmed, as ``(start, end)`` offsets."""
    out = []
    for m in _PARA.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def tokenize(text: str, lo: int, hi: int, quotes: list[Quote]) -> list[Tok]:
    """Tokens of ``text[lo:hi]``; each quote in ``quotes`` becomes one token."""
    toks: list[Tok] = []
    pos = lo
    for q in quotes:
        toks.extend(_plain_tokens(text, pos, q.start))
        quoted = text[q.start:q.end]
        toks.append(Tok(q.start, q.end, "q", quoted, quoted.lower()))
        pos = q.end
    toks.extend(_plain_tokens(text, pos, hi))
    return toks


def _plain_tokens(text: str, lo: int, hi: int) -> list[Tok]:
    out = []
    for m in _TOKEN.finditer(text, lo, hi):
        kind = "w" if m.group("w") else "p"
        out.append(Tok(m.start(), m.end(), kind, m.group(), m.group().lower()))
    return out


# No PolNeAR sentence is longer than 220 tokens (a quote is one token).  Longer
# runs are cut into pieces, so that every per-sentence rule works on a bounded
# window and a text of endless cue phrases costs linear time.
MAX_SENTENCE_TOKENS = 250


def sentences(toks: list[Tok]) -> list[tuple[int, int]]:
    """Split a paragraph's tokens into sentences of at most ``MAX_SENTENCE_TOKENS``."""
    out, first = [], 0
    for i in range(len(toks) - 1):
        if _ends_sentence(toks, i) or i + 1 - first >= MAX_SENTENCE_TOKENS:
            out.append((first, i + 1))
            first = i + 1
    if first < len(toks):
        out.append((first, len(toks)))
    return out


def _ends_sentence(toks: list[Tok], i: int) -> bool:
    tok, nxt = toks[i], toks[i + 1]
    if not (nxt.kind == "q" or nxt.text[0].isupper() or nxt.text[0].isdigit() or nxt.text in "(["):
        return False
    if tok.kind == "q":
        inner = tok.text.rstrip("”\"»’' ")
        return inner.endswith((".", "!", "?", "…")) and not _tail_follows(toks, i + 1)
    if tok.text in ("!", "?", "…"):
        return not _tail_follows(toks, i + 1)
    if tok.text == ".":
        prev = toks[i - 1] if i else None
        if prev is not None and prev.kind == "w" and prev.end == tok.start:
            if prev.low in ABBREVIATIONS or (len(prev.text) == 1 and prev.text.isupper()):
                return False
        return True
    if tok.kind == "w" and tok.text.endswith(".") and "." in tok.text[:-1]:
        return nxt.low in STARTERS  # "U.S." at the end of a sentence
    return False


def _tail_follows(toks: list[Tok], j: int) -> bool:
    """Does an attribution tail ("Smith said." / "said Smith." / "Hannity pressed.") start at ``j``?"""
    if toks[j].low in _FRONTED:
        return False  # "At the same time, the aide added, ...": a new sentence
    for k in range(j, min(j + 12, len(toks))):
        tok = toks[k]
        if tok.kind != "w":
            if tok.text in ",.-" and k > j:
                continue  # "McConnell, R-Ky., said."
            return False
        if tok.text.islower() and k > j and (tok.low.endswith("ed") or tok.low == "went") and tok.low not in CUE_FORMS:
            nxt = toks[k + 1] if k + 1 < len(toks) else None  # "Hannity pressed." / "Trump shot back." / "went on"
            named = all(t.text[0].isupper() or t.low in ("he", "she", "they") for t in toks[j:k] if t.kind == "w")
            return named and (nxt is None or nxt.kind == "p" or nxt.low in ("back", "up", "on"))
        if tok.text.islower() and tok.low in CUE_FORMS:
            if k == j:
                return True  # inverted: "said Smith"
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            if nxt is not None and _introduces(toks, k + 1):
                return False  # "“...” He added, “Next ...”", "The candidate reiterated: ...": a new sentence
            if nxt is None or nxt.kind == "p" or nxt.low in _TAIL_WORDS or nxt.low.endswith("ly"):
                return True
            # "“Why?” Trump said of Apple", "... asked Republicans": a named speaker's cue, a
            # prepositional or object tail; a pronoun's "he said the plan ..." is a new sentence.
            named = all(t.text[0].isupper() for t in toks[j:k] if t.kind == "w")
            return named and (nxt.low in _TAIL_PREPOSITIONS or CUE_FORMS[tok.low].klass in ("tell", "object"))
    return False


def _introduces(toks: list[Tok], k: int) -> bool:
    """Does the cue before ``k`` introduce what follows (a colon, or a comma and a capitalized quote)?"""
    if toks[k].text == ":":
        return True
    if toks[k].text != "," or k + 1 >= len(toks) or toks[k + 1].kind != "q":
        return False
    first = next((c for c in toks[k + 1].text if c.isalnum()), "")
    return first.isupper()


def segment(text: str) -> list[Paragraph]:
    """Paragraphs with quotes, tokens and sentences."""
    paras = paragraphs(text)
    quotes = scan(text, paras)
    out, qi = [], 0
    for lo, hi in paras:
        mine = []
        while qi < len(quotes) and quotes[qi].start < hi:
            mine.append(quotes[qi])
            qi += 1
        toks = tokenize(text, lo, hi, mine)
        out.append(Paragraph(lo, hi, toks, sentences(toks), mine))
    return out

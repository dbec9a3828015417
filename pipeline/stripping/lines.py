"""Line classifier: decide, for each line of extracted text, whether it is boilerplate and why.

Extractors such as trafilatura leave most of their leftovers in the first and
last lines of the text (headline repeated, "Updated at", newsletter prompts,
"Read more:" teasers, related-story lists, copyright and credit lines).  The
classifier therefore splits the text into three zones:

* head  -- lines before the first substantial paragraph,
* tail  -- lines after the last substantial paragraph,
* body  -- everything in between,

and applies broad rules in head and tail, only narrow, high-confidence rules
in the body.  Every decision carries a reason string.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from newsflow.stripping import lexicon as lx
from newsflow.stripping.rules import alt

SUBSTANTIAL = 100  # a line at least this long (with a sentence end) anchors the body zone
SHORT = 160
_LATE = 0.8  # body lines past this share of the text also get the (short-line) tail rules
_MAX_BODY_CUT = 15  # inside the body a related heading removes at most this many short lines  # narrow body rules only touch lines shorter than this

_WORD = re.compile(r"\w", re.UNICODE)
_SENTENCE_END_CHARS = frozenset('.!?…:;"”»)')


def ends_sentence(line: str) -> bool:
    """Ends like a sentence (or a quote, or a lead-in colon)."""
    tail = line.rstrip()[-1:]
    return bool(tail) and tail in _SENTENCE_END_CHARS
_MONTHS = (
    r"jan\w*|feb\w*|mär\w*|mar\w*|apr\w*|ma[iy]\w*|jun\w*|jul\w*|aug\w*|sep\w*|o[ck]t\w*|nov\w*|de[cz]\w*|"
    r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|"
    r"janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|"
    r"gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|"
    r"janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro|"
    r"stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września|października|listopada|grudnia"
)
_WEEKDAYS = (
    r"mon\w*|tue\w*|wed\w*|thu\w*|fri\w*|sat\w*|sun\w*|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|"
    r"lunes|martes|miércoles|jueves|viernes|sábado|domingo|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
)
# Tokens a pure date/time line is made of; whatever is left after removing them must be empty.
_DATE_TOKEN = re.compile(
    r"\d{1,4}(?:[./-]\d{1,2}(?:[./-]\d{2,4})?)?\.?|\d{1,2}[:.h]\d{2}(?::\d{2})?|[ap]\.?m\.?|uhr|utc|gmt|[a-z]{2,4}t|"
    rf"\b(?:{_MONTHS}|{_WEEKDAYS})\b|\b(?:at|on|um|am|de|del|le|el|il|à|a las|the|of|und|and|y|et|h)\b",
    re.IGNORECASE,
)
# Something that is really a date or a time, not just a number.
_REAL_DATE = re.compile(
    rf"\d{{1,2}}[:.h]\d{{2}}\s*(?:[ap]\.?m|uhr)|\d{{1,2}}:\d{{2}}|\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{2,4}}|\b(?:{_MONTHS})\b",
    re.IGNORECASE,
)
# A date or time with its number: "11:15", "16.12.2025", "December 16", "3 May" (a month name alone,
# "Mariner", "Jane", is not one).
_NUMBERED_DATE = re.compile(
    rf"\d{{1,2}}:\d{{2}}|\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{2,4}}|\b(?:{_MONTHS})\b\.?\s+\d{{1,4}}\b|\b\d{{1,2}}\.?\s+(?:{_MONTHS})\b",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^(?:by|von|por|par|di|de|door|autor(?:in)?|author|written by|text|texto)\s*:?\s+(?-i:[A-ZÄÖÜÁÉ])", re.I)  # a name: a capital, whatever the case of "By"
_CREDIT_LINE = re.compile(
    rf"^\W*(?:{alt(lx.AGENCIES)})(?:\s*(?:/|\||,|-|–)\s*[\w .'-]{{0,40}})?\W*$"
    rf"|^[\w .'-]{{2,40}}\s*/\s*(?:{alt(lx.AGENCIES)})\W*$|^[A-ZÄÖÜ][\w.'-]+(?: [\w.'-]+){{0,3}}\s*/\s*[\w .'-]{{2,30}}$",
    re.IGNORECASE,
)


# An author box that opens with a greeting ("Hi, I'm Jane, and I cover laptops ..."), however long.
_SELF_INTRO = re.compile(r"(?:hi|hello|hey|hallo|hola|salut|ciao|olá),? (?:there,? )?(?:i['’]m|i am|ich bin|soy|je suis|sono|sou)\b",
                         re.I)


class LineVerdict(NamedTuple):
    """The classifier's answer for one line: ``reason`` is None when the line is kept.
    (A named tuple: one is made per line, and tuples are the cheapest records to build.)"""

    text: str
    reason: str | None


def norm(text: str) -> str:
    """Lower-case, collapse whitespace, drop punctuation: for comparing lines."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def is_timestamp(line: str) -> bool:
    """True for lines that are only a date/time, optionally with a label ("Updated at 19:49")."""
    if len(line) > 80 or not re.search(r"\d", line):
        return False
    if not _REAL_DATE.search(line):
        return False
    rest = lx.TIMESTAMP_LABEL.pattern.sub("", line, count=1)
    rest = _DATE_TOKEN.sub("", rest)
    return not re.search(r"[^\s,.|·•/()\-–—:]", rest)


def is_credit(line: str) -> bool:
    """True for photo-credit lines: "Photo: X", "Getty Images", "AP/Vadim Zamirovsky", "AFP / X"."""
    if len(line) > 120:
        return False
    if lx.CREDIT_PREFIX.match(line):
        return True
    return len(line) <= 60 and bool(_CREDIT_LINE.match(line.strip())) and _has_agency_or_slash(line)


def _has_agency_or_slash(line: str) -> bool:
    """A credit names an agency or has the "Agency/Photographer" slash shape, never a sentence end."""
    return (bool(lx.AGENCY.search(line.lower())) or "/" in line) and not line.rstrip().endswith((".", "?", "!"))


def is_tag_line(line: str) -> bool:
    """True for "Tags: a, b, c" / "Filed under ..." lines listing labels rather than a sentence."""
    if len(line) > 200 or not lx.TAG_LINE.match(line):
        return False
    return not line.rstrip().endswith((".", "?", "!"))


def is_prompt(line: str) -> bool:
    """Newsletter/app/social/paywall prompt words (substring pre-check, then the regex)."""
    low = line.lower()
    return lx.PROMPT.search(low)


def prompt_reason(line: str) -> str:
    """Name the kind of prompt a line is (for the removal record)."""
    low = line.lower()
    if "newsletter" in low:
        return "newsletter-prompt"
    if re.search(r"twitter|facebook|instagram|telegram|whatsapp|youtube|follow|folg|s[íi]gue|suivez|seguici", low):
        return "social-prompt"
    return "call-to-action"


def _anywhere(line: str) -> str | None:
    """High-confidence rules that apply in every zone (each only to lines short enough to be furniture)."""
    stripped = line.strip()
    if not _WORD.search(stripped):
        return "lone-punctuation"
    n = len(stripped)
    if n < 80:
        if lx.READING_TIME.match(stripped):
            return "reading-time"
        if is_timestamp(stripped):
            return "timestamp"
        if lx.UI_LINE.match(stripped):
            return "interface"
        if lx.BUTTON.match(stripped):
            return "call-to-action"
    if n < 250 and (lx.TEASER.match(stripped) or lx.ARROW_TEASER.match(stripped)):
        return "related-teaser"
    if n < 300 and (is_credit(stripped) or lx.CREDIT_BY.match(stripped)):
        return "photo-credit"
    if n < 300 and lx.CAPTION.search(stripped.lower()):
        return "caption"
    if n < 150 and lx.SOURCE.match(stripped):
        return "source-line"
    if n < 200 and lx.BREADCRUMB.match(stripped):
        return "breadcrumb"
    return _meta_line(stripped) if n < 200 else None


def _meta_line(line: str) -> str | None:
    """"Jan 13, 2020 | categories: X | View Comments": pipe-separated fields, one of them boilerplate."""
    if "|" not in line or len(line) > 200:
        return None
    parts = [p.strip() for p in line.split("|") if p.strip()]
    if not parts or any(len(p) > 80 for p in parts):
        return None
    hits = [p for p in parts if is_timestamp(p) or lx.UI_LINE.match(p) or lx.TAG_LINE.match(p + " ") or is_credit(p)]
    return "metadata" if hits and len(hits) * 2 >= len(parts) else None


# Inside the article a call to action is a short line, or a longer one that opens with the call (after
# a bullet or a quote mark at most); a sentence that gets to "you must sign up for a premium plan" is text.
_CTA_SHORT, _CTA_OPENING = 120, 3


def _opens_with_cta(low: str) -> bool:
    if not lx.STRONG_CTA.search(low):  # the pre-check first: most lines hold no call at all
        return False
    found = lx.STRONG_CTA.pattern.search(low)
    return found is not None and (len(low) < _CTA_SHORT or found.start() <= _CTA_OPENING)


def _body(line: str) -> str | None:
    """Narrow rules for lines inside the article."""
    if len(line) >= 250:
        return None
    low = line.lower()
    furniture = _strong_edge(line)
    if furniture and _opens_with_cta(low):
        return prompt_reason(line)
    if len(line) >= SHORT:
        return None
    if furniture and len(line) < 120 and lx.COPYRIGHT.search(low):
        return "copyright"
    if len(line) < 100 and not line.startswith("- ") and is_prompt(line) and not ends_sentence(line):
        return prompt_reason(line)
    return None


def _edge(line: str, zone: str) -> str | None:
    """Broad rules for head and tail lines."""
    if len(line) < 300 and lx.COPYRIGHT.search(line.lower()):
        return "copyright"
    if len(line) < 200 and is_prompt(line) or len(line) < 300 and lx.STRONG_CTA.search(line.lower()):
        return prompt_reason(line)
    if len(line) < 300 and lx.DISCLOSURE.search(line.lower()):
        return "disclosure"
    if is_tag_line(line):
        return "tags"
    if zone == "head" and len(line) < 80 and _BYLINE.match(line):
        return "byline"
    if len(line) < 120 and lx.POST_META.match(line) and _NUMBERED_DATE.search(line) and not ends_sentence(line):
        return "byline"
    if zone == "tail":
        return _tail_only(line)
    return None


def _tail_only(line: str) -> str | None:
    """Trailing furniture: author bios, contact lines, long credit lines."""
    if len(line) < 600 and lx.BIO.match(line):
        return "author-bio"
    if len(line) < 120 and not line.startswith("- ") and not ends_sentence(line) and lx.ROLE.search(line.lower()):
        return "author-bio"
    if len(line) < 150 and lx.CONTACT.match(line):
        return "contact"
    if len(line) < 300 and lx.CREDIT_PREFIX.match(line):
        return "photo-credit"
    return None


def _substantial(line: str) -> bool:
    """A line that can anchor the body zone: long, ends like a sentence, not an edge-rule hit."""
    if len(line) >= 300:
        return True
    if len(line) >= 200:  # long calls to action are rare: only copyright and disclosures still disqualify
        low = line.lower()
        return not (lx.COPYRIGHT.search(low) or lx.DISCLOSURE.search(low))
    return len(line) >= SUBSTANTIAL and ends_sentence(line) and not _strong_edge(line)


@lru_cache(maxsize=4096)
def _strong_edge(line: str) -> bool:
    """Unmistakable furniture even when long: copyright, a direct call to action, an ad disclosure.
    Cached: zoning and the body rules both ask, line by line."""
    low = line.lower()
    return lx.FURNITURE.search(low)


def zones(lines: list[str], subs: list[bool] | None = None) -> tuple[int, int]:
    """Index of the first and last substantial line (body zone bounds); (len, -1) if none.

    Boilerplate that is itself long (a paywall notice, a newsletter pitch) does not
    anchor the body, so the head and tail zones reach past it.
    """
    subs = subs if subs is not None else [_substantial(line) for line in lines]
    idx = [i for i, sub in enumerate(subs) if sub]
    if not idx:
        return len(lines), -1
    return idx[0], idx[-1]


def classify_lines(lines: list[str], title: str | None = None) -> list[LineVerdict]:
    """Classify every line; a related-stories heading late in the text removes the short lines after it,
    a passage the text already gave is removed the second time, and furniture glued to the first or
    last sentence of a kept line is cut from it (so a line may come back as several verdicts)."""
    walk = _Walk(lines, title)
    verdicts = [LineVerdict(line, walk.reason(i, line)) for i, line in enumerate(lines)]
    return repeated_passages([part for v in verdicts for part in _trimmed(v)])


# Furniture that is one sentence: a line removed for it keeps the paragraph it was glued to.  (A prompt
# or a disclosure often runs over two sentences: "Want more? Get our best stories in your inbox.")
_ONE_SENTENCE_KINDS = frozenset({"copyright", "photo-credit", "interface", "related-teaser"})


def _trimmed(v: LineVerdict) -> list[LineVerdict]:
    """A kept line with its edge furniture cut; likewise a line removed for one-sentence furniture
    that the cut explains (the same reason) when the rest is a paragraph that could anchor the body:
    the last paragraph is not lost for the copyright notice glued to it."""
    if v.reason is not None and v.reason not in _ONE_SENTENCE_KINDS:
        return [v]
    parts = trim_segments(v.text)
    if v.reason is None:
        return parts
    kept = next(p.text for p in parts if p.reason is None)
    explained = any(p.reason == v.reason for p in parts)
    return parts if len(parts) > 1 and explained and _substantial(kept) else [v]


# --- segment trim ---------------------------------------------------------------------------------
# Extractors join inline blocks into the paragraph around them, so a photo credit, a "Read more" link,
# a copyright notice or a "Follow us on ..." prompt often arrives as the last sentence of a paragraph (a
# reading time as the first words).  The line rules keep such a line for its article text; here only its
# edge sentences are judged, by the narrowest rules: a sentence must *start* like the furniture (a credit
# label, a notice, an imperative), never merely mention it.

_TRIM_MIN = 80  # shorter lines are judged whole
# A sentence ends after a lower-case letter or a digit (not "U.S."), or after a closing quote or bracket;
# the next one opens with a capital, a quote, a bracket or ©.  A wrong break ("am 21. Oktober") is harmless:
# no edge rule matches what it leaves.
# (The pattern opens with the punctuation, so ``re`` scans for it quickly; group 1 is the break.)
_SENTENCE_BREAK = re.compile(r"[.!?…](?:(?<=[a-zäöüßà-ÿ0-9][.!?…])|[\"”»’)\]])(\s+)(?=[\"“„«'(\[]?[A-ZÄÖÜÀ-Ý¿¡©])")


def trailing_reason(sentence: str) -> str | None:
    """Why a paragraph's last sentence is furniture, if it is (None: article text)."""
    s = sentence.strip()
    n, low = len(s), s.lower()
    if n < 80 and lx.UI_LINE.match(s):
        return "interface"
    if n < 250 and lx.TEASER.match(s):
        return "related-teaser"
    if n < 150 and (lx.CREDIT_PREFIX.match(s) or lx.CREDIT_BY.match(s)) or n < 60 and lx.AGENCY_CREDIT.match(s):
        return "photo-credit"
    if n < 200 and lx.COPYRIGHT_NOTICE.match(s):
        return "copyright"
    if n < 150 and lx.STRONG_CTA.pattern.match(low):
        return prompt_reason(s)
    if n < 200 and lx.DISCLOSURE.pattern.match(low):
        return "disclosure"
    return None


def leading_reason(sentence: str) -> str | None:
    """Why a paragraph's first sentence is furniture: only a reading time gets glued there."""
    s = sentence.strip()
    return "reading-time" if len(s) < 80 and lx.READING_TIME.match(s) else None


_HEAD_WINDOW, _TAIL_WINDOW = 100, 260  # the edge rules judge sentences shorter than 80 and 250 characters


def _edge_breaks(line: str) -> list[tuple[int, int]]:
    """Sentence breaks near either end of the line (an edge sentence is short: the middle of a long
    paragraph is never split)."""
    if len(line) <= _HEAD_WINDOW + _TAIL_WINDOW:
        return [m.span(1) for m in _SENTENCE_BREAK.finditer(line)]
    tail_from = len(line) - _TAIL_WINDOW
    return [m.span(1) for m in _SENTENCE_BREAK.finditer(line, 0, _HEAD_WINDOW)] + \
        [m.span(1) for m in _SENTENCE_BREAK.finditer(line, tail_from) if m.start() > tail_from]


def trim_segments(line: str) -> list[LineVerdict]:
    """A kept line as verdicts: furniture sentences cut from either edge, the rest kept verbatim."""
    if len(line) < _TRIM_MIN:
        return [LineVerdict(line, None)]
    cuts = _edge_breaks(line)
    if not cuts:
        return [LineVerdict(line, None)]
    starts, ends = [0] + [e for _, e in cuts], [s for s, _ in cuts] + [len(line)]
    lo, hi = 0, len(starts) - 1  # the kept part runs from sentence lo to sentence hi
    head: list[LineVerdict] = []
    tail: list[LineVerdict] = []
    while lo < hi and (reason := leading_reason(line[starts[lo]:ends[lo]])):
        head.append(LineVerdict(line[starts[lo]:ends[lo]], reason))
        lo += 1
    while hi > lo and (reason := trailing_reason(line[starts[hi]:ends[hi]])):
        tail.insert(0, LineVerdict(line[starts[hi]:ends[hi]], reason))
        hi -= 1
    if not head and not tail:
        return [LineVerdict(line, None)]
    return [*head, LineVerdict(line[starts[lo]:ends[hi]], None), *tail]


# A repeated passage: at least this many consecutive kept lines (all different), this many characters,
# each already kept earlier in the same text (a page that carries the article twice, a print or mobile
# copy, a carousel cloned for scrolling; trafilatura keeps both).  One repeated line is not enough (a
# table header), nor one line said again and again.
_REPEAT_LINES, _REPEAT_CHARS = 3, 300


def repeated_passages(verdicts: list[LineVerdict]) -> list[LineVerdict]:
    """Mark the second copy of a repeated passage "repeated-passage" (removed lines may sit inside it)."""
    kept = [v.text for v in verdicts if v.reason is None]
    if len(set(kept)) > len(kept) - _REPEAT_LINES:  # fewer repeated lines than a passage needs (the usual case)
        return verdicts
    seen: set[str] = set()
    repeat = []
    for v in verdicts:
        repeat.append(v.reason is None and v.text in seen)
        if v.reason is None:
            seen.add(v.text)
    out, i = list(verdicts), 0
    while i < len(out):
        j = i
        while j < len(out) and (repeat[j] or j > i and out[j].reason is not None):
            j += 1
        run = [k for k in range(i, j) if repeat[k]]
        if len({out[k].text for k in run}) >= _REPEAT_LINES and sum(len(out[k].text) for k in run) >= _REPEAT_CHARS:
            for k in run:
                out[k] = LineVerdict(out[k].text, "repeated-passage")
        i = max(j, i + 1)
    return out


class _Walk:
    """State of one top-to-bottom pass: zones, the headline, and whether a related list is being cut."""

    def __init__(self, lines: list[str], title: str | None):
        self.total = len(lines)
        self.subs = [_substantial(line) for line in lines]
        self.first, self.last = zones(lines, self.subs)
        self.title_key = norm(title) if title else ""
        self.cutting, self.cut, self.to_end, self.seen = False, 0, False, 0

    def zone(self, i: int) -> str:
        """head / body / tail, or edge when no line is substantial (short texts: never cut)."""
        if self.first > self.last:
            return "edge"
        return "head" if i < self.first else "tail" if i > self.last else "body"

    def reason(self, i: int, line: str) -> str | None:
        """This line's reason, advancing the cut state."""
        zone = self.zone(i)
        if self.to_end or self.cutting and (zone == "tail" or (len(line) < 200 and self.cut < _MAX_BODY_CUT)):
            self.cut += 1
            return "related-teaser"
        self.cutting = False
        if _opens_related(line.strip(), zone, i, self.total, self.seen):
            # after enough article text, a heading that only ever closes an article ends it
            self.cutting, self.cut = True, 0
            self.to_end = self.seen >= 3 and bool(lx.END_HEADING.match(line.strip()))
            return "related-teaser"
        self.seen += self.subs[i]
        return _classify(line, zone, self.title_key, i, late=i >= _LATE * self.total)


def _opens_related(line: str, zone: str, index: int, total: int, seen: int = 0) -> bool:
    """A heading that opens a list of other stories, links or contacts at the end of the text."""
    if not line or len(line) > 80 or line[0].islower() or line.endswith("."):
        return False
    if zone == "tail" and (lx.RELATED_HEADING.match(line) or lx.TAIL_HEADING.match(line)):
        return True
    if zone == "body" and seen >= 3 and lx.END_HEADING.match(line):
        return True
    return zone == "body" and index >= total / 2 and bool(lx.RELATED_HEADING.match(line))


def _classify(line: str, zone: str, title_key: str, index: int, late: bool = False) -> str | None:
    """One line's reason, by zone."""
    if len(line) >= 300:  # long lines: only an author's first-person introduction at the end
        if (late or zone == "tail") and len(line) < 800 and _SELF_INTRO.match(line):
            return "author-bio"
        return None if _WORD.search(line) else "lone-punctuation"
    if title_key and index < 4 and zone != "body" and norm(line) == title_key:
        return "repeated-headline"
    reason = _anywhere(line)
    if reason:
        return reason
    if zone == "body":
        if is_tag_line(line) and (late or ":" in line[:20]):  # "Tags: a, b" / "Filed under: x" before a bio
            return "tags"
        return _body(line) or (_tail_only(line) if late and (len(line) < 200 or lx.BIO.match(line)) else None)
    if lx.RELATED_HEADING.match(line.strip()):
        return "related-teaser"
    return _edge(line, zone)

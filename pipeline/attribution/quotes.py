"""Quote-mark scanning: find quoted stretches in a paragraph.

Pairing is robust to what real articles contain: curly, straight and
guillemet marks, a curly mark typed the wrong way round, odd counts, and
quotes that run over several paragraphs (a paragraph that opens a quote
without closing it, the next one reopening it).  Single quotes are not
treated as quote marks (they are apostrophes far more often); they only
matter inside a double-quoted stretch.
"""

from __future__ import annotations

from dataclasses import dataclass

OPENERS = "“„«"
CLOSERS = "”»"
STRAIGHT = '"'
MARKS = OPENERS + CLOSERS + STRAIGHT + "‟"

# A quote longer than this without a closing mark is more likely a stray mark.
_MAX_OPEN_RUN = 3000


@dataclass(frozen=True)
class Quote:
    """A quoted stretch: ``start`` is the opening mark, ``end`` is past the closing one."""

    start: int
    end: int
    closed: bool = True  # False when the quote runs to the end of its paragraph


def _role(text: str, i: int, lo: int, hi: int, width: int = 1) -> str:
    """Decide whether the mark at ``i`` opens or closes, from its neighbours."""
    ch = text[i]
    before = text[i - 1] if i > lo else " "
    after = text[i + width] if i + width < hi else " "
    left_open = before.isspace() or before in "([{—–-/:" or before in MARKS
    right_open = after.isspace() or after in ".,;:!?)]}—–-" or after in MARKS
    if left_open and not right_open:
        return "open"
    if right_open and not left_open:
        return "close"
    if ch in OPENERS or ch == "‟":
        return "open"
    if ch in CLOSERS and not (left_open and right_open):
        return "close"
    return "either"  # spaced on both sides ("” … they are"): a closer typed for an opener opens


def scan_paragraph(text: str, lo: int, hi: int, carried_open: bool = False) -> list[Quote]:
    """Quotes in ``text[lo:hi]``.

    ``carried_open`` says the previous paragraph ended inside a quote; then a
    paragraph that does not start with a mark still starts inside the quote only
    if a lone closing mark shows up, which is handled as a quote from ``lo``.
    """
    quotes: list[Quote] = []
    start: int | None = None
    i = lo - 1
    while i + 1 < hi:
        i += 1
        if text[i] not in MARKS and not text.startswith("''", i):
            continue
        width = 2 if text.startswith("''", i) else 1  # ''typewriter quotes''
        role = _role(text, i, lo, hi, width)
        i += width - 1
        if start is None:
            if role == "close" and not quotes and carried_open:
                quotes.append(Quote(lo, i + 1))  # continuation closing here
            elif role != "close":
                start = i - width + 1
        elif role != "open" or i - start > _MAX_OPEN_RUN:
            quotes.append(Quote(start, i + 1))
            start = None
        else:
            start = i - width + 1  # two openers in a row: the first was a stray mark
    if start is not None and text[start] not in CLOSERS:  # an unclosed spaced "”" was a stray mark
        end = hi
        while end > start + 1 and text[end - 1].isspace():
            end -= 1
        if end - start > 1:
            quotes.append(Quote(start, end, closed=False))
    return quotes


def scan(text: str, paragraphs: list[tuple[int, int]]) -> list[Quote]:
    """Quotes in every paragraph, carrying open quotes across paragraph breaks."""
    out: list[Quote] = []
    carried = False
    for lo, hi in paragraphs:
        found = scan_paragraph(text, lo, hi, carried)
        out.extend(found)
        carried = bool(found) and not found[-1].closed
    return out

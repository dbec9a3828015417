"""Plain-text path and the post-classification split into body, captions, credits and tags.

Plain-text documents (``content_type="text/plain"``) arrive as "title line,
then body"; replayed scrapes still carry the page furniture as lines of their
own ("Most Popular", "Tags ...", a photo credit under a caption).  The same line
classifier as the HTML path judges them; this module then turns verdicts into
the article's parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newsflow.records import Removal
from newsflow.stripping import lexicon as lx
from newsflow.stripping.lines import LineVerdict
from newsflow.stripping.rules import alt

_CAPTION_MAX = 250
_TAG_PREFIX = re.compile(r"^\W{0,3}" + alt(lx.TAG_PREFIXES) + r"\s*[:|]?\s*", re.IGNORECASE)


@dataclass
class Parts:
    """An article split into kept paragraphs and the typed pieces taken out."""

    paragraphs: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    removed: list[Removal] = field(default_factory=list)


def split_text(text: str) -> tuple[str | None, list[str]]:
    """First non-empty line is the title; every other non-empty line is a candidate paragraph."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        return None, []
    return lines[0], lines[1:]


def mark_captions(verdicts: list[LineVerdict]) -> list[LineVerdict]:
    """A short, unpunctuated line next to a photo credit is that photo's caption."""
    out = list(verdicts)
    for i, v in enumerate(verdicts):
        if v.reason != "photo-credit":
            continue
        for j in (i - 1, i + 1):
            if 0 <= j < len(out) and out[j].reason is None and _caption_like(out[j].text):
                out[j] = LineVerdict(out[j].text, "caption")
                break
    return out


def _caption_like(line: str) -> bool:
    """Captions are short and rarely end with a full stop (news style: "..., Friday")."""
    return len(line) <= _CAPTION_MAX and not line.rstrip().endswith((".", "!", "?", ":", '"', "”"))


def parse_tags(line: str, body: str) -> list[str]:
    """Tag labels from a tag line: comma lists split on commas; space lists are rejoined
    greedily into the longest runs that occur as a phrase in the body ("Vladimir Putin")."""
    rest = _TAG_PREFIX.sub("", line, count=1).strip()
    if re.search(r"[,;|•·]", rest):
        return [t.strip() for t in re.split(r"[,;|•·]", rest) if t.strip()]
    tokens = rest.split()
    tags, i = [], 0
    while i < len(tokens):
        j = _longest_phrase(tokens, i, body)
        tags.append(" ".join(tokens[i:j]))
        i = j
    return tags


def _longest_phrase(tokens: list[str], start: int, body: str) -> int:
    """End index of the longest run tokens[start:end] (at least one token) found as a phrase in body."""
    best = start + 1
    for end in range(start + 2, len(tokens) + 1):
        phrase = " ".join(tokens[start:end])
        if re.search(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", body):
            best = end
    return best


def assemble(verdicts: list[LineVerdict]) -> Parts:
    """Kept lines become paragraphs; captions, credits and tags go to their own fields; all removals are recorded."""
    parts = Parts(paragraphs=[v.text for v in verdicts if v.reason is None])
    body = "\n".join(parts.paragraphs)
    for v in verdicts:
        if v.reason is None:
            continue
        parts.removed.append(Removal(v.text, v.reason))
        if v.reason == "caption":
            parts.captions.append(v.text)
        elif v.reason == "photo-credit":
            parts.credits.append(v.text)
        elif v.reason == "tags":
            parts.tags.extend(t for t in parse_tags(v.text, body) if t not in parts.tags)
    return parts

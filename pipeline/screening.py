"""Is this an article at all?  And text fit for every store.

Pure functions called by the stripper stage: ``not_an_article`` names what a raw
document is when it is not text (``binary (ELF)``, ``empty``), and ``scrub`` removes
NUL and the other C0 control characters (but tab, newline and carriage return) that
PostgreSQL rejects or that break a page's text.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

# Magic numbers of files that are not pages, with their offset.  The byte before "ELF" or "PNG"
# is not ASCII, so it reads differently depending on the charset the page was decoded with.
_MAGIC = (("ELF", 1, "ELF"), ("PNG\r\n\x1a\n", 1, "PNG"), ("%PDF-", 0, "PDF"), ("GIF87a", 0, "GIF"),
          ("GIF89a", 0, "GIF"), ("PK\x03\x04", 0, "ZIP"), ("\x1f\ufffd\x08", 0, "gzip"), ("\x1f\x8b\x08", 0, "gzip"),
          ("\ufffd\ufffd\ufffd", 0, "JPEG or other binary"))
_CONTROLS = {c for c in range(32) if chr(c) not in "\t\n\r"}
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
SAMPLE = 8192  # characters looked at for the control-character ratio
BINARY_SHARE = 0.1  # more control or undecodable characters than this: binary


class NotAnArticle(ValueError):
    """The document is not an article; ``detected`` says what it is (for the dead letter)."""

    reason = "not-an-article"

    def __init__(self, detected: str) -> None:
        super().__init__(detected)
        self.detected = detected


def not_an_article(body: str) -> str | None:
    """What ``body`` is when it cannot be an article (``binary (ELF)``, ``empty``), else None."""
    if not body.strip():
        return "empty"
    head = body[:16]
    for magic, offset, kind in _MAGIC:
        if head.startswith(magic, offset) and (offset == 0 or not head[0].isascii() or head[0] == "\x7f"):
            return f"binary ({kind})"
    sample = body[:SAMPLE]
    odd = sum(1 for ch in sample if ord(ch) in _CONTROLS or ch == "\ufffd")
    if odd > BINARY_SHARE * len(sample):
        return "binary (NUL bytes)" if "\x00" in sample else "binary (control characters)"
    return None


def scrub(text: str) -> str:
    """``text`` without NUL and the other C0 control characters (tab, CR, LF kept)."""
    return _CONTROL_CHARS.sub("", text) if _CONTROL_CHARS.search(text) else text


def blank_controls(value: Any) -> Any:
    """A record (dataclasses, lists, strings) with control characters replaced by spaces:
    the stores' last defence, which keeps every character span valid."""
    if isinstance(value, str):
        return _CONTROL_CHARS.sub(" ", value) if _CONTROL_CHARS.search(value) else value
    if isinstance(value, (list, tuple)):
        return type(value)(blank_controls(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: blank_controls(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    return value

"""Turning response bytes into text: declared charset first, then detection.

Servers and pages often lie about their charset; the order below is what browsers
effectively do, plus a guard for the most common lie (UTF-8 labelled as Latin-1).
"""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(rb"""<meta[^>]{1,512}?charset\s*=\s*["']?\s*([a-zA-Z0-9_:.-]+)""", re.I)
_LATIN1_LABELS = {"iso8859-1", "latin-1", "ascii", "cp1252", "iso8859-15"}
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_NOT_FEEDS = ("image/", "audio/", "video/", "font/", "application/pdf", "application/zip")


def media_type(content_type: str | None) -> str:
    """``"text/html; charset=utf-8"`` -> ``"text/html"`` (lower-cased, may be empty)."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def header_charset(content_type: str | None) -> str | None:
    """The ``charset=`` parameter of a Content-Type header, if any."""
    for part in (content_type or "").split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'").lower()
    return None


def acceptable(kind: str, content_type: str | None) -> bool:
    """Whether a response of this type is worth reading for ``kind``.

    Pages must be HTML (or untyped, sniffed later); feeds may be any XML/JSON/text
    because feed servers mislabel freely; robots.txt is read whatever its type.
    """
    mtype = media_type(content_type)
    if kind == "page":
        return mtype in _HTML_TYPES or mtype == ""
    if kind == "feed":
        return not mtype.startswith(_NOT_FEEDS)
    return True


def decode_text(body: bytes, content_type: str | None) -> tuple[str, str, bool]:
    """Decode ``body``; returns ``(text, encoding, guessed)``.

    ``guessed`` is True when the declared charset was missing, unknown or wrong and
    the encoding came from sniffing or detection instead.
    """
    declared = _codec_name(header_charset(content_type))
    if declared:
        text = _strict(body, declared)
        if text is not None and not _utf8_mislabelled(body, declared):
            return text, declared, False
    for candidate in (_bom_codec(body), _codec_name(_meta_charset(body)), "utf-8"):
        text = _strict(body, candidate) if candidate else None
        if text is not None:
            return text, candidate or "utf-8", declared is not None  # a declared charset was wrong
    return _detect(body)


def _codec_name(label: str | None) -> str | None:
    """Python's canonical codec name for a charset label, or None if unknown."""
    if not label:
        return None
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _strict(body: bytes, codec: str) -> str | None:
    """``body`` decoded with ``codec``, or None when it is not valid in it."""
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _utf8_mislabelled(body: bytes, declared: str) -> bool:
    """Latin-1 decodes anything; catch UTF-8 bodies that carry a Latin-1 label."""
    if declared not in _LATIN1_LABELS or body.isascii():
        return False
    return _strict(body, "utf-8") is not None


def _bom_codec(body: bytes) -> str | None:
    """The codec announced by a byte-order mark, if any."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if body.startswith(bom):
            return name
    return None


def _meta_charset(body: bytes) -> str | None:
    """The charset of a ``<meta charset>``/``http-equiv`` tag in the first 4 KiB."""
    match = _META_CHARSET.search(body[:4096])
    return match.group(1).decode("ascii", "replace") if match else None


def _detect(body: bytes) -> tuple[str, str, bool]:
    """Last resort: charset_normalizer (shipped with trafilatura), else cp1252."""
    from charset_normalizer import from_bytes

    matches = list(from_bytes(body[:200_000]))
    codec = _codec_name(_prefer_cp1252(matches)) if matches else None
    if codec:
        return body.decode(codec, errors="replace"), codec, True
    return body.decode("cp1252", errors="replace"), "cp1252", True


def _prefer_cp1252(matches: list) -> str:
    """The detector's best guess, except that cp1252 wins ties.

    Short Western text scores the same in cp1250 and cp1252; cp1252 is by far the
    commoner legacy web encoding (WHATWG even maps Latin-1 labels to it).
    """
    best = matches[0]
    for match in matches:
        if match.encoding == "cp1252" and match.chaos <= best.chaos and \
                match.coherence >= best.coherence - 0.05:
            return "cp1252"
    return best.encoding

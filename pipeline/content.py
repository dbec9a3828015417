"""What a document is: the HTML sniffer and the language-tag normaliser, shared by the
fetcher, the stripper and the CLI so that all three decide alike."""

from __future__ import annotations

from typing import Any


def looks_like_html(document: str | bytes) -> bool:
    """Sniff an untyped document: markup at the start (after whitespace and a BOM) means HTML."""
    head = document[:512]
    if isinstance(head, bytes):
        head = head.decode("utf-8", "replace")
    return head.lstrip("\ufeff \t\r\n").startswith("<")


def primary_language(tag: Any) -> str | None:
    """The primary subtag of a language tag, lower-cased: ``en-GB``, ``en_GB``, ``EN`` -> ``en``.

    An HTTP ``Content-Language`` list keeps its first entry; anything else that is not a
    non-empty string is None.
    """
    if not isinstance(tag, str) or not tag.strip():
        return None
    return tag.strip().split(",")[0].strip().replace("_", "-").split("-")[0].lower() or None

"""Article metadata: the feed's word first, the page itself second."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from lxml import html as lxml_html

from ..content import primary_language
from .feeds import FeedEntry

log = logging.getLogger(__name__)

_AUTHOR_META = ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author")


@dataclass(frozen=True)
class PageMetadata:
    """What we could tell about an article page."""

    title: str | None = None
    published: str | None = None
    authors: tuple[str, ...] = ()
    language: str | None = None


def article_metadata(html: str, url: str, entry: FeedEntry | None = None,
                     content_language: str | None = None, tree: Any = None) -> PageMetadata:
    """Merge feed entry metadata with what the page says, preferring the feed.

    Pass ``tree`` (from ``parse_html``) when the caller already parsed the page.
    """
    tree = parse_html(html) if tree is None else tree
    title = (entry.title if entry else None) or _page_title(tree)
    published = (entry.published if entry else None) or page_date(html, url)
    authors = (entry.authors if entry else ()) or _page_authors(tree)
    language = _page_language(tree) or primary_language(content_language) or (entry.language if entry else None)
    return PageMetadata(title, published, tuple(authors), language)


def page_date(html: str, url: str | None = None) -> str | None:
    """The original publication date from the page (htmldate), as ``YYYY-MM-DD``."""
    from htmldate import find_date

    try:
        return find_date(html, url=url, original_date=True, extensive_search=False)
    except Exception as exc:  # noqa: BLE001 - htmldate raises assorted errors on junk
        log.debug("htmldate failed for %s: %s", url, exc)
        return None


def parse_html(html: str) -> Any:
    """An lxml tree, or None for an empty or unparseable page."""
    try:
        return lxml_html.fromstring(html) if html.strip() else None
    except (ValueError, lxml_html.etree.ParserError):
        return None


def _meta(tree: Any, *names: str) -> list[str]:
    """Contents of ``<meta name=...>``/``property=...`` tags with any of ``names``."""
    if tree is None:
        return []
    wanted = {n.lower() for n in names}
    found = []
    for node in tree.iter("meta"):
        key = (node.get("name") or node.get("property") or "").strip().lower()
        content = (node.get("content") or "").strip()
        if key in wanted and content:
            found.append(content)
    return found


def _page_title(tree: Any) -> str | None:
    """``og:title``, else ``<title>``."""
    candidates = _meta(tree, "og:title")
    if not candidates and tree is not None:
        candidates = [" ".join(t.text_content().split()) for t in tree.iter("title")]
    return next((c for c in candidates if c), None)


def _page_authors(tree: Any) -> tuple[str, ...]:
    """Author meta tags, de-duplicated in order; URLs (profile links) skipped."""
    names = [a for a in _meta(tree, *_AUTHOR_META) if not a.startswith("http")]
    return tuple(dict.fromkeys(names))


def _page_language(tree: Any) -> str | None:
    """``<html lang>``, else ``og:locale``."""
    if tree is None:
        return None
    root = tree.getroottree().getroot()
    return primary_language(root.get("lang") or root.get("xml:lang")) or primary_language(next(iter(_meta(tree, "og:locale")), None))

"""Parsing feeds into entries: RSS 0.9x/1.0/2.0 and Atom (feedparser), JSON Feed
(orjson; feedparser 6 does not read it), news sitemaps and sitemap indexes (lxml)."""

from __future__ import annotations

import calendar
import gzip
import io
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser
import orjson
from feedparser.datetimes import _parse_date as parse_feed_date
from lxml import etree

from ..content import primary_language

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
MAX_GUNZIP = 50_000_000


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed: what we know about an article before fetching it."""

    link: str
    title: str | None = None
    published: str | None = None  # ISO 8601
    updated: str | None = None
    authors: tuple[str, ...] = ()
    entry_id: str | None = None
    language: str | None = None
    feed_title: str | None = None
    feed_url: str | None = None


@dataclass
class ParsedFeed:
    """A parsed feed: its entries, plus child sitemaps when it is a sitemap index."""

    url: str
    kind: str  # "rss20", "atom10", ..., "json", "sitemap", "sitemapindex"
    title: str | None = None
    language: str | None = None
    entries: list[FeedEntry] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    error: str | None = None  # set when nothing usable could be read


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse any supported feed format from raw bytes (gzip sitemaps included)."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = _gunzip(body)
        except (OSError, EOFError, ValueError) as exc:
            return ParsedFeed(url, "unknown", error=f"bad gzip: {exc}")
    head = body[:2048].lstrip()
    if head.startswith(b"{"):
        return parse_json_feed(body, url)
    if b"<urlset" in head or b"<sitemapindex" in head:
        return parse_sitemap(body, url)
    return parse_xml_feed(body, url, content_type)


def parse_xml_feed(body: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """RSS/RDF/Atom through feedparser (tolerant of broken XML and odd encodings)."""
    headers = {"content-type": content_type} if content_type else None
    parsed = feedparser.parse(body, response_headers=headers)
    feed = parsed.get("feed", {})
    result = ParsedFeed(url, parsed.get("version") or "unknown", _clean(feed.get("title")),
                        primary_language(feed.get("language")))
    for item in parsed.get("entries", []):
        entry = _entry_from_feedparser(item, result)
        if entry is not None:
            result.entries.append(entry)
    if not result.entries and parsed.get("bozo") and not parsed.get("version"):
        result.error = f"unparseable feed: {parsed.get('bozo_exception')}"
    return result


def _entry_from_feedparser(item: Any, feed: ParsedFeed) -> FeedEntry | None:
    """One feedparser entry as a ``FeedEntry`` (None without a usable link)."""
    link = item.get("link") or _alternate_link(item)
    if not link:
        return None
    authors = tuple(a["name"] for a in item.get("authors", []) if a.get("name"))
    if not authors and item.get("author"):
        authors = (item["author"],)
    return FeedEntry(
        link=urljoin(feed.url, link.strip()), title=_clean(item.get("title")),
        published=_iso_struct(item.get("published_parsed")),
        # dict.get: feedparser's own get() silently maps a missing updated to published.
        updated=_iso_struct(dict.get(item, "updated_parsed")), authors=authors,
        entry_id=item.get("id"), language=feed.language, feed_title=feed.title, feed_url=feed.url)


def _alternate_link(item: Any) -> str | None:
    """An Atom entry's first ``rel="alternate"`` (or unlabelled) link."""
    for link in item.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link["href"]
    return None


def parse_json_feed(body: bytes, url: str) -> ParsedFeed:
    """JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1)."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        return ParsedFeed(url, "json", error=f"bad JSON Feed: {exc}")
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        return ParsedFeed(url, "json", error="JSON without an items list")
    result = ParsedFeed(url, "json", _clean(data.get("title")), primary_language(data.get("language")))
    feed_authors = _json_authors(data)
    for item in data["items"]:
        link = isinstance(item, dict) and (item.get("url") or item.get("external_url"))
        if link:
            result.entries.append(FeedEntry(
                link=urljoin(url, link), title=_clean(item.get("title")),
                published=_iso_text(item.get("date_published")),
                updated=_iso_text(item.get("date_modified")),
                authors=_json_authors(item) or feed_authors, entry_id=str(item.get("id") or link),
                language=primary_language(item.get("language")) or result.language,
                feed_title=result.title, feed_url=url))
    return result


def _json_authors(obj: dict[str, Any]) -> tuple[str, ...]:
    """Names from JSON Feed 1.1 ``authors`` or 1.0 ``author``."""
    people = obj.get("authors") or ([obj["author"]] if isinstance(obj.get("author"), dict) else [])
    return tuple(p["name"] for p in people if isinstance(p, dict) and p.get("name"))


def parse_sitemap(body: bytes, url: str) -> ParsedFeed:
    """A (news) sitemap ``<urlset>`` or a ``<sitemapindex>`` listing child sitemaps."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        return ParsedFeed(url, "sitemap", error=f"bad sitemap XML: {exc}")
    if root is None:
        return ParsedFeed(url, "sitemap", error="empty sitemap")
    if etree.QName(root).localname == "sitemapindex":
        locs = [_text(s, "loc") for s in root.iter(f"{{{SITEMAP_NS}}}sitemap")]
        return ParsedFeed(url, "sitemapindex", sitemaps=[urljoin(url, u) for u in locs if u])
    result = ParsedFeed(url, "sitemap")
    for node in root.iter(f"{{{SITEMAP_NS}}}url"):
        entry = _sitemap_entry(node, url)
        if entry is not None:
            result.entries.append(entry)
    return result


def _sitemap_entry(node: Any, url: str) -> FeedEntry | None:
    """One ``<url>``; ``<news:news>`` supplies title, date, language and publication name."""
    loc = _text(node, "loc")
    if not loc:
        return None
    news = node.find(f"{{{NEWS_NS}}}news")
    title = published = language = publication = None
    if news is not None:
        title = _clean(_text(news, "title", NEWS_NS))
        published = _iso_text(_text(news, "publication_date", NEWS_NS))
        pub = news.find(f"{{{NEWS_NS}}}publication")
        if pub is not None:
            publication, language = _text(pub, "name", NEWS_NS), primary_language(_text(pub, "language", NEWS_NS))
    return FeedEntry(link=urljoin(url, loc), title=title, published=published,
                     updated=_iso_text(_text(node, "lastmod")), entry_id=loc, language=language,
                     feed_title=publication, feed_url=url)


def _text(node: Any, name: str, ns: str = SITEMAP_NS) -> str | None:
    """Stripped text of a namespaced child element, or None."""
    child = node.find(f"{{{ns}}}{name}")
    return child.text.strip() if child is not None and child.text else None


def _gunzip(body: bytes) -> bytes:
    """Decompress a gzipped sitemap, refusing to inflate past ``MAX_GUNZIP`` bytes."""
    with gzip.GzipFile(fileobj=io.BytesIO(body)) as handle:
        data = handle.read(MAX_GUNZIP + 1)
    if len(data) > MAX_GUNZIP:
        raise ValueError("gzipped feed inflates past the size cap")
    return data


def _iso_struct(value: time.struct_time | None) -> str | None:
    """feedparser's UTC ``struct_time`` as ISO 8601 with a ``Z``."""
    if not value:
        return None
    stamp = datetime.fromtimestamp(calendar.timegm(value), UTC)
    return stamp.isoformat().replace("+00:00", "Z")


def _iso_text(value: Any) -> str | None:
    """A date string normalised to ISO 8601 UTC when parseable, else kept as given."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        stamp = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return _iso_struct(parse_feed_date(value)) or value.strip()  # RFC 822 and friends
    if stamp.tzinfo is None:
        return stamp.isoformat()  # a bare date or local time: keep what we were told
    return stamp.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _clean(value: Any) -> str | None:
    """Collapse whitespace in a title; None for empty."""
    text = " ".join(str(value).split()) if value else ""
    return text or None

"""Canonical URLs: the identity of an article, behind stable ids and URL deduplication."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from courlan import normalize_url


def canonical_url(url: str) -> str:
    """The identity form of a URL, used for ids and the seen-URL store.

    courlan lower-cases scheme and host, drops default ports and tracking
    parameters (utm_*, fbclid, gclid...) and sorts the query; we also drop the
    fragment, a leading ``www.`` and a trailing slash, which news sites use
    interchangeably for one article, and fold http into https.  Unlike courlan's
    ``strict`` mode we keep non-tracking query parameters: ``story.php?sid=123``
    and ``?sid=124`` are different articles.
    """
    try:
        url = normalize_url(url.strip(), trailing_slash=False)
    except ValueError:
        url = url.strip()
    parts = urlsplit(url)
    host = parts.netloc[4:] if parts.netloc.startswith("www.") else parts.netloc
    path = parts.path.rstrip("/") or "/"
    if path == "/" and not parts.query:
        path = ""
    scheme = "https" if parts.scheme == "http" else parts.scheme
    return urlunsplit((scheme, host, path, parts.query, ""))


def site_key(url: str | None) -> str | None:
    """The site an article belongs to: its canonical host (no ``www.``).  news.raw is keyed
    by it, and the stripper's per-site memory and the fetcher's per-host politeness use it."""
    return (host_of(canonical_url(url)) or None) if url else None


def host_of(url: str) -> str:
    """The host part, lower-cased, for per-host politeness and site memory."""
    return urlsplit(url).hostname or ""

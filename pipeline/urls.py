"""Canonical URLs, the basis of stable article ids and of URL deduplication."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import courlan


def canonical_url(url: str) -> str:
    """One spelling per article: lower-cased host without ``www.``, no tracking
    parameters or fragment, no trailing slash, https and http folded together."""
    normalised = courlan.normalize_url(url.strip(), strict=True)  # drops utm_* etc. and the fragment
    parts = urlsplit(normalised)
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/") or "/"
    scheme = "https" if parts.scheme in ("http", "https") else parts.scheme
    return urlunsplit((scheme, host, path, parts.query, ""))


def host_of(url: str) -> str:
    """The host part, lower-cased, for per-host politeness and site memory."""
    return urlsplit(url).hostname or ""

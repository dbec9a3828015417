"""A local web for the fetcher tests and bench: feeds, pages, robots.txt, and misbehaviour.

One aiohttp application listens on several loopback addresses (127.0.0.1,
127.0.0.2, ...) so that tests get several distinct *hosts*.  Routes are keyed by
path (optionally by address); string bodies may use ``{base}`` for
``http://<host:port>`` of the address that was asked.  Every request is logged
with a monotonic timestamp.
"""

from __future__ import annotations

import asyncio
import gzip
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any

from aiohttp import web


@dataclass
class Route:
    """One canned response; ``delay`` makes it slow, ``etag`` enables 304s."""

    body: bytes | str = b""
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    etag: str | None = None
    gzip: bool = False
    truncate: bool = False  # announce more bytes than we send, then hang up


@dataclass
class Hit:
    """One logged request."""

    at: float  # time.monotonic()
    host: str  # the loopback address that received it
    path: str
    headers: dict[str, str]


class FetchServer:
    """``server = FetchServer(n_hosts=3); await server.start(); ...; await server.stop()``."""

    LAST_MODIFIED = formatdate(1_700_000_000, usegmt=True)

    def __init__(self, n_hosts: int = 1) -> None:
        self.addresses = [f"127.0.0.{i + 1}" for i in range(n_hosts)]
        self.routes: dict[tuple[str | None, str], list[Route]] = {}
        self.log: list[Hit] = []
        self.port = 0
        self._runner: web.AppRunner | None = None

    async def start(self) -> FetchServer:
        """Listen on one port on every address."""
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        for address in self.addresses:
            site = web.TCPSite(self._runner, address, self.port)
            await site.start()
            if not self.port:
                self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def base(self, host: int = 0) -> str:
        """``http://127.0.0.N:port`` for host number ``host`` (0-based)."""
        return f"http://{self.addresses[host]}:{self.port}"

    def url(self, path: str, host: int = 0) -> str:
        return self.base(host) + path

    def add(self, path: str, *routes: Route, host: int | None = None) -> None:
        """Serve ``routes`` in turn at ``path`` (the last one repeats)."""
        key = (self.addresses[host] if host is not None else None, path)
        self.routes[key] = list(routes)

    def hits(self, path: str | None = None, host: int | None = None) -> list[Hit]:
        """Logged requests, optionally for one path and/or host."""
        address = self.addresses[host] if host is not None else None
        return [h for h in self.log
                if (path is None or h.path == path) and (address is None or h.host == address)]

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        address = request.transport.get_extra_info("sockname")[0] if request.transport else "?"
        self.log.append(Hit(time.monotonic(), address, request.path_qs, dict(request.headers)))
        queue = self.routes.get((address, request.path_qs)) or self.routes.get((None, request.path_qs))
        if not queue:
            return web.Response(status=404, text="not found")
        route = queue.pop(0) if len(queue) > 1 else queue[0]
        if route.delay:
            await asyncio.sleep(route.delay)
        return await self._respond(request, route)

    async def _respond(self, request: web.Request, route: Route) -> web.StreamResponse:
        headers = dict(route.headers)
        if route.etag:
            headers.update({"ETag": route.etag, "Last-Modified": self.LAST_MODIFIED})
            if _not_modified(request, route.etag, self.LAST_MODIFIED):
                return web.Response(status=304, headers=headers)
        body = route.body
        if isinstance(body, str):
            body = body.replace("{base}", f"http://{request.host}").encode("utf-8")
        if route.content_type:
            headers["Content-Type"] = route.content_type
        if route.truncate:
            return await _truncated(request, body, headers)
        if route.gzip:
            body, headers["Content-Encoding"] = gzip.compress(body), "gzip"
        return web.Response(status=route.status, body=body, headers=headers)


def _not_modified(request: web.Request, etag: str, last_modified: str) -> bool:
    return request.headers.get("If-None-Match") == etag or \
        request.headers.get("If-Modified-Since") == last_modified


async def _truncated(request: web.Request, body: bytes, headers: dict[str, str]) -> web.StreamResponse:
    """Promise ``2 * len(body)`` bytes, send half, and drop the connection."""
    response = web.StreamResponse(headers=headers)
    response.content_length = 2 * len(body) + 10
    await response.prepare(request)
    await response.write(body)
    assert request.transport is not None
    request.transport.close()
    return response


# ---- content builders -------------------------------------------------------------

def article_html(title: str, text: str, *, author: str | None = None, lang: str = "en",
                 charset_meta: str | None = None) -> str:
    """A small article page."""
    meta = f'<meta name="author" content="{author}">' if author else ""
    meta += f'<meta charset="{charset_meta}">' if charset_meta else ""
    paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    return (f'<!DOCTYPE html><html lang="{lang}"><head>{meta}<title>{title}</title></head>'
            f"<body><nav>Home | World</nav><article><h1>{title}</h1>{paragraphs}</article></body></html>")


def rss_feed(items: list[dict[str, Any]], title: str = "Test RSS") -> str:
    """RSS 2.0; items have ``link``, ``title`` and optional ``date`` (RFC 822), ``author``."""
    body = "".join(
        f"<item><title>{i['title']}</title><link>{i['link']}</link><guid>{i['link']}</guid>"
        + (f"<pubDate>{i['date']}</pubDate>" if i.get("date") else "")
        + (f"<dc:creator>{i['author']}</dc:creator>" if i.get("author") else "") + "</item>"
        for i in items)
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
            f"<title>{title}</title><link>{{base}}/</link><language>en-gb</language>{body}</channel></rss>")


def atom_feed(items: list[dict[str, Any]], title: str = "Test Atom") -> str:
    """Atom 1.0; items have ``link``, ``title``, optional ``updated`` (ISO) and ``author``."""
    body = "".join(
        f'<entry><title>{i["title"]}</title><link rel="alternate" href="{i["link"]}"/>'
        f'<id>{i["link"]}</id><updated>{i.get("updated", "2024-05-01T10:00:00Z")}</updated>'
        + (f"<author><name>{i['author']}</name></author>" if i.get("author") else "") + "</entry>"
        for i in items)
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{title}</title><id>{{base}}/atom</id><updated>2024-05-01T10:00:00Z</updated>"
            f"{body}</feed>")


def json_feed(items: list[dict[str, Any]], title: str = "Test JSON") -> str:
    """JSON Feed 1.1 (``{base}`` substituted at serve time)."""
    import json

    entries = [{"id": i["link"], "url": i["link"], "title": i["title"],
                "date_published": i.get("updated", "2024-05-01T10:00:00Z"),
                "authors": [{"name": i["author"]}] if i.get("author") else []} for i in items]
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": title,
                       "language": "en", "items": entries})


def news_sitemap(items: list[dict[str, Any]], publication: str = "Test News") -> str:
    """A Google News sitemap; items have ``link``, ``title``, optional ``date`` (ISO)."""
    body = "".join(
        f"<url><loc>{i['link']}</loc><news:news><news:publication><news:name>{publication}"
        "</news:name><news:language>de</news:language></news:publication>"
        f"<news:publication_date>{i.get('date', '2024-05-01T10:00:00+02:00')}</news:publication_date>"
        f"<news:title>{i['title']}</news:title></news:news></url>" for i in items)
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{body}</urlset>')


def sitemap_index(urls: list[str]) -> str:
    """A sitemap index pointing at child sitemaps."""
    body = "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</sitemapindex>')


RSS = "application/rss+xml"
ATOM = "application/atom+xml"
XML = "application/xml"

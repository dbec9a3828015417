"""The aiohttp server behind ``newsflow run --web-port``.

Routes: ``/`` the dashboard (static page polling ``/api/status``), ``/article/<id>``
one stored article with its attributions (rendered here), ``/api/status`` and
``/api/article/<id>`` as JSON, ``/metrics`` for Prometheus.  It runs on the worker's
own event loop, so a snapshot is a consistent read of the monitor's figures.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import importlib.resources
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import orjson
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from newsflow.monitor import Monitor, merge_snapshots

ADDRESS_FILE = "web.address"
STATIC = {"dashboard.js": "text/javascript", "dashboard.css": "text/css"}


def write_address(data_dir: Path, url: str, slot: int | None = None) -> Path:
    """Write the dashboard's URL where ``newsflow status`` looks for it; a supervised child
    (``run --processes N``) writes ``web.<slot>.address`` for the supervisor's dashboard."""
    path = Path(data_dir) / (ADDRESS_FILE if slot is None else f"web.{slot}.address")
    path.write_text(url + "\n")
    return path


def child_addresses(data_dir: Path) -> list[str]:
    """The dashboards of a supervisor's children, by slot."""
    files = sorted(Path(data_dir).glob("web.*.address"), key=lambda p: int(p.name.split(".")[1]))
    return [text for p in files if (text := _read(p))]


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip() or None
    except FileNotFoundError:  # the child is restarting
        return None


def read_address(data_dir: Path) -> str | None:
    path = Path(data_dir) / ADDRESS_FILE
    return path.read_text().strip() if path.exists() else None


def _static(name: str) -> bytes:
    return importlib.resources.files("newsflow.web").joinpath("static", name).read_bytes()


def _json(value: Any, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(value, default=str), status=status, content_type="application/json")


class Dashboard:
    """Serves one worker's figures; ``describe()`` adds what the monitor does not know (version, pid).

    Several worker processes (``run --processes N``): one process serves the page with ``peers``
    returning the other processes' dashboard URLs (each serves its own on port 0); ``/api/status``
    then merges every process's figures (:func:`newsflow.monitor.merge_snapshots`) and an article
    page asks the peers when the article is not among this process's own.
    """

    def __init__(self, monitor: Monitor, registry: CollectorRegistry | None = None,
                 describe: Callable[[], dict[str, Any]] | None = None,
                 peers: Callable[[], list[str]] | None = None) -> None:
        self.monitor = monitor
        self.registry = registry
        self.describe = describe or (lambda: {})
        self.peers = peers or (lambda: [])
        self.runner: web.AppRunner | None = None
        self.url: str | None = None

    def own_status(self) -> dict[str, Any]:
        return {**self.describe(), "pid": os.getpid(), **self.monitor.snapshot()}

    async def status(self) -> dict[str, Any]:
        """This process's figures, merged with its peers' when it has any."""
        own, urls = self.own_status(), self.peers()
        if not urls:
            return own
        answers = await asyncio.gather(*(_get_json(url + "api/status") for url in urls))
        reached = [a for a in answers if isinstance(a, dict)]
        merged = merge_snapshots([own, *reached])
        return {**merged, "processes": 1 + len(reached),
                "unreachable": [url for url, a in zip(urls, answers) if not isinstance(a, dict)]}

    async def find_article(self, doc_id: str) -> dict[str, Any] | None:
        article = self.monitor.article(doc_id)
        for url in self.peers() if article is None else []:
            found = await _get_json(f"{url}api/article/{quote(doc_id, safe='')}")
            if isinstance(found, dict) and "id" in found:
                return found
        return article

    def application(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/", self.index)
        app.router.add_get("/static/{name}", self.static)
        app.router.add_get("/api/status", self.api_status)
        app.router.add_get("/api/article/{id}", self.api_article)
        app.router.add_get("/article/{id}", self.article_page)
        app.router.add_get("/metrics", self.metrics)
        return app

    async def start(self, host: str, port: int) -> str:
        """Listen on ``host:port`` (0 picks a free port); returns the URL."""
        self.runner = web.AppRunner(self.application(), access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, host, port)
        try:
            await site.start()
        except OSError as exc:
            await self.runner.cleanup()
            raise RuntimeError(f"cannot serve the dashboard on {host}:{port}: {exc.strerror or exc}") from None
        bound = self.runner.addresses[0]
        shown = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
        self.url = f"http://{shown}:{bound[1]}/"
        return self.url

    async def stop(self) -> None:
        if self.runner is not None:
            with contextlib.suppress(Exception):
                await self.runner.cleanup()
            self.runner = None

    async def index(self, request: web.Request) -> web.Response:
        return web.Response(body=_static("index.html"), content_type="text/html", charset="utf-8")

    async def static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in STATIC:
            raise web.HTTPNotFound()
        return web.Response(body=_static(name), content_type=STATIC[name], charset="utf-8")

    async def api_status(self, request: web.Request) -> web.Response:
        return _json(await self.status())

    async def api_article(self, request: web.Request) -> web.Response:
        article = self.monitor.article(request.match_info["id"])  # own only: peers ask each other no further
        return _json(article) if article else _json({"error": "not among this worker's recent articles"}, 404)

    async def article_page(self, request: web.Request) -> web.Response:
        doc_id = request.match_info["id"]
        article = await self.find_article(doc_id)
        if article is None:
            body = f"<p>Article {html.escape(doc_id)} is not among this worker's recent articles.</p>"
            return web.Response(text=page("Not found", body), status=404, content_type="text/html")
        return web.Response(text=page(article["title"] or doc_id, article_html(article)), content_type="text/html")

    async def metrics(self, request: web.Request) -> web.Response:
        if self.registry is None:
            raise web.HTTPNotFound()
        response = web.Response(body=generate_latest(self.registry))
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response


async def _get_json(url: str) -> Any:
    """A peer's JSON, or the exception (a peer that is away must not break the page)."""
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session, \
                session.get(url) as response:
            return await response.json() if response.status == 200 else None
    except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
        return exc


def page(title: str, body: str) -> str:
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{html.escape(title)} - newsflow</title>"
            f"<link rel=stylesheet href=/static/dashboard.css></head><body><main>"
            f"<p><a href=/>&larr; dashboard</a></p>{body}</main></body></html>")


def article_html(article: dict[str, Any]) -> str:
    """One article with every attribution: speaker, cue, kind and quote."""
    esc = html.escape
    url = article.get("url")
    link = f"<p><a href=\"{esc(url)}\" rel=noreferrer>{esc(url)}</a></p>" if url else ""
    rows = "".join(f"<tr><td class=speaker>{esc(a['speaker'])}</td><td>{esc(a['cue'])}</td><td>{esc(a['kind'])}</td>"
                   f"<td class=quote>{esc(a['content'])}</td></tr>" for a in article["attributions"])
    table = (f"<table><thead><tr><th>Speaker</th><th>Cue</th><th>Kind</th><th>Quote</th></tr></thead>"
             f"<tbody>{rows}</tbody></table>") if rows else "<p>No attributions found.</p>"
    return (f"<h1>{esc(article['title'] or '(no title)')}</h1>{link}"
            f"<p class=muted>id {esc(article['id'])}; {article['paragraphs']} paragraphs, "
            f"{article['characters']} characters; {len(article['attributions'])} attributions</p>{table}")

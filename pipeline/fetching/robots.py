"""robots.txt, fetched once per host and cached, with Crawl-delay honoured."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from ..urls import host_of
from .http import HttpClient
from .politeness import HostScheduler

MAX_ROBOTS_HOSTS = 50_000


def robots_url(url: str) -> str:
    """``https://host:port/robots.txt`` for any URL on that origin."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def parse_robots(text: str) -> RobotFileParser:
    """A parser for a robots.txt body (``parse`` also stamps it as fresh)."""
    parser = RobotFileParser()
    parser.parse(text.splitlines())
    return parser


def crawl_delay(text: str, token: str) -> float | None:
    """The Crawl-delay for ``token``: its own group first, else the ``*`` group.

    urllib.robotparser only understands whole seconds, and sites write "0.5".
    """
    delays: dict[str, float] = {}
    agents: list[str] = []
    in_rules = False
    for raw in text.splitlines():
        key, _, value = raw.split("#", 1)[0].partition(":")
        key, value = key.strip().lower(), value.strip()
        if key == "user-agent":
            agents = [] if in_rules else agents
            agents.append(value.lower())
            in_rules = False
        elif key:
            in_rules = True
            if key == "crawl-delay":
                delay = _seconds(value)
                for agent in agents:
                    if delay is not None:
                        delays.setdefault(agent, delay)
    mine = [d for a, d in delays.items() if a != "*" and a in token.lower() and d is not None]
    return mine[0] if mine else delays.get("*")


def _seconds(value: str) -> float | None:
    """A non-negative number of seconds, or None for junk."""
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def _fixed(allow: bool) -> RobotFileParser:
    """A parser that allows (4xx: no robots.txt) or forbids (5xx/unreachable) everything."""
    parser = RobotFileParser()
    parser.allow_all, parser.disallow_all = allow, not allow  # type: ignore[attr-defined]  # documented in the source, not the stubs
    parser.modified()
    return parser


class RobotsCache:
    """Answers ``await robots.verdict(url)``; one fetch per origin per TTL.

    Following RFC 9309: a 4xx robots.txt means everything is allowed; a 5xx, a
    429 or an unreachable server means nothing is for now ("unavailable", cached
    for ``robots_error_ttl`` or the Retry-After), which callers treat as temporary.
    """

    def __init__(self, client: HttpClient, scheduler: HostScheduler | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.scheduler = scheduler
        self.settings = client.settings
        self._clock = clock
        self._cache: OrderedDict[str, tuple[float, RobotFileParser]] = OrderedDict()
        self._pending: dict[str, asyncio.Future[RobotFileParser]] = {}
        self._unavailable: set[str] = set()  # origins whose robots.txt could not be read

    async def verdict(self, url: str) -> str:
        """``"allowed"``, ``"disallowed"``, or ``"unavailable"`` (robots.txt unreadable: retry later)."""
        if not self.settings.obey_robots:
            return "allowed"
        parser = await self.parser_for(url)
        if parser.can_fetch(self.settings.robots_token, url):
            return "allowed"
        return "unavailable" if robots_url(url) in self._unavailable else "disallowed"

    async def parser_for(self, url: str) -> RobotFileParser:
        """The cached parser for ``url``'s origin, fetching it if stale or missing."""
        key = robots_url(url)
        cached = self._cache.get(key)
        if cached is not None and cached[0] > self._clock():
            self._cache.move_to_end(key)
            return cached[1]
        if key in self._pending:  # one fetch per origin even with many callers waiting
            return await asyncio.shield(self._pending[key])
        future = self._pending[key] = asyncio.get_running_loop().create_future()
        try:
            parser = await self._load(key)
            future.set_result(parser)
            return parser
        except BaseException:
            future.cancel()  # waiters must not hang on a fetch that died
            raise
        finally:
            del self._pending[key]

    async def _load(self, key: str) -> RobotFileParser:
        """Fetch and parse one robots.txt, cache it, and pass on its Crawl-delay."""
        result = await self.client.get(key, kind="robots")
        delay = None
        if result.ok:
            parser, ttl = parse_robots(result.text or ""), self.settings.robots_ttl
            delay = crawl_delay(result.text or "", self.settings.robots_token)
        elif result.outcome == "client_error":
            parser, ttl = _fixed(allow=True), self.settings.robots_ttl
        else:
            parser = _fixed(allow=False)
            ttl = min(self.settings.robots_error_ttl, result.retry_after or self.settings.robots_error_ttl)
        self._store(key, parser, ttl)
        if result.ok or result.outcome == "client_error":
            self._unavailable.discard(key)
        else:
            self._unavailable.add(key)
        if self.scheduler is not None:
            self.scheduler.set_crawl_delay(host_of(key), delay)
        return parser

    def _store(self, key: str, parser: RobotFileParser, ttl: float) -> None:
        """Cache ``parser``, dropping the least recently used origin when full."""
        self._cache[key] = (self._clock() + ttl, parser)
        self._cache.move_to_end(key)
        while len(self._cache) > MAX_ROBOTS_HOSTS:
            self._unavailable.discard(self._cache.popitem(last=False)[0])

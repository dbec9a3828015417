"""Per-host politeness: one request at a time per host, a minimum gap between them,
and a global cap on requests in flight."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from ..urls import host_of


@dataclass
class _Host:
    """Book-keeping for one host."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    delay: float = 0.0  # extra delay asked for by robots.txt Crawl-delay
    not_before: float = 0.0  # monotonic time before which no request may start
    last_end: float = float("-inf")  # when the last request to the host finished
    blocked_until: float = 0.0  # a long Retry-After: refuse rather than queue until then
    waiting: int = 0


class HostScheduler:
    """Hands out request slots: ``async with scheduler.slot(url): ...``.

    The gap is measured from the end of one request to the start of the next, so
    start-to-start gaps as seen by the server are never shorter than the delay.
    """

    def __init__(self, min_delay: float, concurrency: int, max_delay: float = 60.0,
                 clock: Callable[[], float] = time.monotonic, max_idle_hosts: int = 10_000) -> None:
        self.min_delay = min_delay
        self.max_delay = max_delay
        self._clock = clock
        self._global = asyncio.Semaphore(concurrency)
        self._hosts: dict[str, _Host] = {}
        self._max_idle_hosts = max_idle_hosts

    def set_crawl_delay(self, host: str, seconds: float | None) -> None:
        """Honour a robots.txt Crawl-delay for ``host`` (capped at ``max_delay``).

        It applies from the request that fetched robots.txt onwards.
        """
        entry = self._host(host)
        entry.delay = min(float(seconds or 0.0), self.max_delay)
        entry.not_before = max(entry.not_before, entry.last_end + self.delay_for(host))

    def defer(self, host: str, seconds: float) -> None:
        """Start no request to ``host`` for ``seconds`` (429/503 Retry-After)."""
        entry = self._host(host)
        entry.not_before = max(entry.not_before, self._clock() + seconds)

    def block(self, host: str, seconds: float) -> None:
        """Make no request to ``host`` for ``seconds``; callers see ``blocked_for``.

        For pauses too long to wait inside one poll (a Retry-After of an hour):
        queued requests would stall the poll, so they are refused instead.
        """
        entry = self._host(host)
        entry.blocked_until = max(entry.blocked_until, self._clock() + seconds)

    def blocked_for(self, host: str) -> float:
        """Seconds left of a ``block`` on ``host`` (0 when not blocked)."""
        entry = self._hosts.get(host)
        return max(0.0, entry.blocked_until - self._clock()) if entry else 0.0

    def delay_for(self, host: str) -> float:
        """The gap enforced between two requests to ``host``."""
        entry = self._hosts.get(host)
        return max(self.min_delay, entry.delay if entry else 0.0)

    @asynccontextmanager
    async def slot(self, url: str) -> AsyncIterator[None]:
        """Wait for the host's turn and a global slot, then hold both for one request."""
        host = host_of(url)
        entry = self._host(host)
        entry.waiting += 1
        try:
            async with entry.lock:
                await self._wait_until(entry.not_before)
                async with self._global:
                    try:
                        yield
                    finally:
                        entry.last_end = self._clock()
                        entry.not_before = max(entry.not_before,
                                               entry.last_end + self.delay_for(host))
        finally:
            entry.waiting -= 1

    async def _wait_until(self, deadline: float) -> None:
        """Sleep until the monotonic ``deadline`` (no-op when it has passed)."""
        pause = deadline - self._clock()
        if pause > 0:
            await asyncio.sleep(pause)

    def _host(self, host: str) -> _Host:
        """The entry for ``host``, creating it (and pruning idle ones) as needed."""
        entry = self._hosts.get(host)
        if entry is None:
            if len(self._hosts) >= self._max_idle_hosts:
                self._prune()
            entry = self._hosts[host] = _Host()
        return entry

    def _prune(self) -> None:
        """Forget hosts nobody waits for whose gap has elapsed: they need no memory."""
        now = self._clock()
        for name in [h for h, e in self._hosts.items()
                     if not e.waiting and max(e.not_before, e.blocked_until) <= now and not e.delay]:
            del self._hosts[name]

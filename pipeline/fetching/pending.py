"""Links that failed for now (timeout, 5xx, 429, robots.txt unavailable): when to try them
again, and when to give up.

A pending link keeps its own exponential backoff, starting at ``pending_retry_base`` and
capped at ``pending_retry_max`` (a longer Retry-After wins, itself capped at 6 h), until it
succeeds or ``give_up_after`` seconds have passed since its first failure.  ``PendingLink`` is
plain data with ``to_dict``/``from_dict`` so a table or compacted topic can hold it across
restarts; the caller supplies the clock.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from ..config import FetchSettings


@dataclass(frozen=True)
class PendingLink:
    """One link waiting for its next try (times are epoch seconds)."""

    link: dict[str, Any]  # the Link record, as on news.links
    first_failure: float
    attempts: int  # failed tries so far
    next_attempt: float
    last_error: str = ""
    history: list[str] = field(default_factory=list)  # the last few errors, newest last

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> PendingLink | None:
        """Read a stored record back; None for anything unusable (it is then treated as new)."""
        try:
            record = cls(link=dict(data["link"]), first_failure=float(data["first_failure"]),
                         attempts=int(data["attempts"]), next_attempt=float(data["next_attempt"]),
                         last_error=str(data.get("last_error") or ""),
                         history=[str(e) for e in data.get("history") or []][-5:])
        except (KeyError, TypeError, ValueError, OverflowError):
            return None
        numbers = (record.first_failure, record.next_attempt)
        return record if all(math.isfinite(n) for n in numbers) and record.attempts >= 0 else None

    def due(self, now: float) -> bool:
        return self.next_attempt <= now


def after_failure(previous: PendingLink | None, link: dict[str, Any], error: str, retry_after: float | None,
                  now: float, settings: FetchSettings) -> PendingLink | None:
    """The link's record after another transient failure, or None: give it up now.

    The first failure starts the clock; each further one doubles the wait.
    """
    first = previous.first_failure if previous is not None else now
    if now - first >= settings.give_up_after:
        return None
    attempts = (previous.attempts if previous is not None else 0) + 1
    wait = min(settings.pending_retry_max, settings.pending_retry_base * 2.0 ** min(attempts - 1, 40))
    if retry_after is not None and math.isfinite(retry_after):
        wait = max(wait, retry_after)
    history = [*(previous.history if previous is not None else []), error][-5:]
    return PendingLink(link=link, first_failure=first, attempts=attempts, next_attempt=now + wait,
                       last_error=error, history=history)


def give_up_reason(previous: PendingLink | None, error: str, now: float) -> str:
    """The dead letter's text for a link given up."""
    tries = (previous.attempts if previous is not None else 0) + 1
    since = now - previous.first_failure if previous is not None else 0.0
    return f"given up after {tries} tries over {since:.0f} s; last error: {error}"


class LinkBackoff:
    """The library crawler's pending links, in memory: which may be tried now.

    ``FeedCrawler`` without a hand-off (no worker, no table) keeps here the links whose
    last try failed for now, with the same backoff as the worker's pending table, so a
    link failing every poll is not retried at the poll rate.  Bounded: past ``max_links``
    the link waiting longest since its last failure is forgotten (it is tried at the next
    poll, and starts a new backoff if it fails again).
    """

    def __init__(self, settings: FetchSettings, max_links: int = 10_000) -> None:
        self.settings = settings
        self.max_links = max_links
        self.links: dict[str, PendingLink] = {}  # insertion order: the latest failure last

    def __len__(self) -> int:
        return len(self.links)

    def ready(self, key: str, now: float) -> bool:
        """True when ``key`` has no backoff running (never failed, or its wait is over)."""
        pending = self.links.get(key)
        return pending is None or pending.due(now)

    def failed(self, key: str, link: dict[str, Any], error: str, retry_after: float | None, now: float) -> bool:
        """Record another transient failure; False when the link is to be given up."""
        pending = after_failure(self.links.pop(key, None), link, error, retry_after, now, self.settings)
        if pending is None:
            return False
        self.links[key] = pending
        while len(self.links) > self.max_links:
            del self.links[next(iter(self.links))]
        return True

    def done(self, key: str) -> None:
        """The link was fetched, or failed for good: no backoff any more."""
        self.links.pop(key, None)

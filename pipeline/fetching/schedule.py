"""When to poll each feed: per-feed state and an adaptive interval.

Feeds that publish often are polled sooner, quiet ones less often, failing ones
back off exponentially; all within ``[min_poll_interval, max_poll_interval]``.
``FeedState`` is plain data with ``to_dict``/``from_dict`` so a Faust table or a
compacted topic keyed by feed URL can hold it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
from dataclasses import dataclass, field
from typing import Any

from ..config import FetchSettings

FASTER = 0.5  # interval factor after a poll that found two or more new entries
SLOWER = 1.5  # interval factor after a poll that found nothing new


@dataclass
class FeedState:
    """Everything remembered about one feed between polls (times are epoch seconds)."""

    feed_url: str
    interval: float
    next_due: float = 0.0
    fixed_interval: bool = False  # the feed list pinned the interval: do not adapt
    etag: str | None = None
    last_modified: str | None = None
    last_polled: float | None = None
    last_success: float | None = None
    last_new_entries: int = 0
    failures: int = 0  # consecutive
    last_error: str | None = None
    feed_title: str | None = None
    seen: list[str] = field(default_factory=list)  # entry fingerprints, oldest first

    @classmethod
    def new(cls, feed_url: str, settings: FetchSettings, interval: float | None = None) -> FeedState:
        """State for a feed never polled: due at once."""
        if interval is None:
            return cls(feed_url, settings.default_poll_interval)
        return cls(feed_url, float(interval), fixed_interval=True)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict (the table value)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeedState:
        """Rebuild from ``to_dict`` output; unknown keys are an error."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ValueError(f"FeedState: unknown fields {unknown}")
        return cls(**{**data, "seen": list(data.get("seen", []))})

    def is_due(self, now: float) -> bool:
        return self.next_due <= now

    def has_seen(self, key: str) -> bool:
        """Whether an entry fingerprint was handled in an earlier poll."""
        return key in self.seen

    def mark_seen(self, keys: list[str], limit: int) -> None:
        """Remember entry fingerprints, keeping only the newest ``limit``."""
        known = set(self.seen)
        self.seen.extend(k for k in keys if k not in known)
        del self.seen[:-limit]


def entry_key(link: str, updated: str | None) -> str:
    """A short fingerprint of an entry version: link plus its updated stamp."""
    return hashlib.blake2b(f"{link}\n{updated or ''}".encode(), digest_size=8).hexdigest()


def record_success(state: FeedState, new_entries: int, now: float, settings: FetchSettings,
                   rng: random.Random | None = None) -> None:
    """After a poll that worked (200 or 304): adapt the interval and set the next due time."""
    state.failures, state.last_error = 0, None
    state.last_polled = state.last_success = now
    state.last_new_entries = new_entries
    if not state.fixed_interval:
        state.interval = adapt_interval(state.interval, new_entries, settings)
    state.next_due = now + _jittered(state.interval, settings, rng)


def record_failure(state: FeedState, error: str, now: float, settings: FetchSettings,
                   retry_after: float | None = None, rng: random.Random | None = None) -> None:
    """After a failed poll: back off exponentially (or as long as the server asked)."""
    state.failures += 1
    state.last_error = error
    state.last_polled = now
    backoff = min(settings.max_poll_interval,
                  max(settings.min_poll_interval, state.interval) * 2 ** (state.failures - 1))
    if retry_after is not None:
        backoff = max(backoff, retry_after)
    state.next_due = now + _jittered(backoff, settings, rng)


def adapt_interval(interval: float, new_entries: int, settings: FetchSettings) -> float:
    """Shorter after busy polls, longer after empty ones, clamped to the bounds."""
    if new_entries >= 2:
        interval *= FASTER
    elif new_entries == 0:
        interval *= SLOWER
    return min(settings.max_poll_interval, max(settings.min_poll_interval, interval))


def _jittered(seconds: float, settings: FetchSettings, rng: random.Random | None) -> float:
    """``seconds`` plus up to ``poll_jitter`` of itself, so feeds on one host spread out."""
    if not settings.poll_jitter:
        return seconds
    return seconds * (1 + (rng or random).random() * settings.poll_jitter)

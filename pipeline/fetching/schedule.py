"""When to poll each feed: per-feed state and an adaptive interval.

Feeds that publish often are polled sooner, quiet ones less often, failing ones
back off exponentially; all within ``[min_poll_interval, max_poll_interval]``.
``FeedState`` is plain data with ``to_dict``/``from_dict`` so a Faust table or a
compacted topic keyed by feed URL can hold it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import math
import random
import time
from dataclasses import dataclass, field
from typing import Any

from ..config import FetchSettings
from .http import RETRY_AFTER_CAP

log = logging.getLogger(__name__)

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

    @classmethod
    def restore(cls, feed_url: str, data: Any, settings: FetchSettings, now: float | None = None) -> FeedState:
        """State saved by any version, repaired: a field of the wrong type (a stored null, a
        string, an infinite time) or an unknown field is dropped with a warning, so one bad
        record never crash-loops the workers; a record that is not an object is reset."""
        fresh = cls.new(feed_url, settings)
        if not isinstance(data, dict):
            log.warning("feed %s: saved state is %s, not an object: starting afresh", feed_url, type(data).__name__)
            return fresh
        kept, dropped = {}, []
        for f in dataclasses.fields(cls):
            if f.name in data and f.name != "feed_url":
                value = _valid(data[f.name], str(f.type))
                (dropped.append(f.name) if value is _INVALID else kept.update({f.name: value}))
        dropped += sorted(set(data) - {f.name for f in dataclasses.fields(cls)})
        if dropped:
            log.warning("feed %s: saved state had unusable fields %s: they are reset", feed_url, dropped)
        state = dataclasses.replace(fresh, **kept)
        state.interval = min(settings.max_poll_interval, max(settings.min_poll_interval, state.interval))
        now = time.time() if now is None else now
        latest = now + 2 * max(settings.max_poll_interval, RETRY_AFTER_CAP)  # no backoff waits longer
        if state.next_due > latest:
            log.warning("feed %s: saved next poll is %.0f s away: polling it now", feed_url, state.next_due - now)
            state.next_due = now
        return state

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


_INVALID = object()


def _valid(value: Any, kind: str) -> Any:
    """``value`` if it fits the field type ``kind`` (finite, non-negative numbers), else _INVALID."""
    if value is None:
        return None if kind.endswith("| None") else _INVALID
    base = kind.removesuffix(" | None")
    if base == "bool":
        return value if isinstance(value, bool) else _INVALID
    if base in ("int", "float"):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0
        return (int(value) if base == "int" else float(value)) if ok else _INVALID
    if base == "str":
        return value if isinstance(value, str) else _INVALID
    if base == "list[str]":
        return list(value) if isinstance(value, list) and all(isinstance(v, str) for v in value) else _INVALID
    return _INVALID


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
                  max(settings.min_poll_interval, state.interval) * 2 ** min(state.failures - 1, 30))
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

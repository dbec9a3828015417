"""Delivery semantics shared by the agents: what is the message's fault, and how to wait.

Poison (the message's fault) is dead-lettered; anything else (a broker or store that is
away, a bug outside the stage) is retried in place with capped exponential backoff,
without acknowledging the message, so its offset is never committed past.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

BACKOFF_BASE = 0.5  # seconds before the first retry
BACKOFF_CAP = 30.0  # and never longer than this between two tries

# Exception classes (by name, so the core imports no driver) meaning "the store refuses this
# value": sqlite3 and psycopg both name them so.
_REJECTIONS = {"IntegrityError", "DataError"}


def backoff(attempt: int) -> float:
    """Seconds to wait before retry number ``attempt`` (0-based): doubling, capped."""
    return min(BACKOFF_CAP, BACKOFF_BASE * 2 ** min(attempt, 32))


def stage_budget(per_megabyte: float, size: int) -> float:
    """A stage's time budget for an input of ``size`` characters: ``per_megabyte`` seconds per
    started megabyte, so a big page gets the time honest work needs (the stages are near-linear)
    while a small CPU bomb is still stopped within seconds."""
    return per_megabyte * max(1, -(-size // 1_000_000))


def is_rejection(exc: BaseException) -> bool:
    """True when a store rejects this article (a constraint, a bad value), false when it is
    unavailable (connection, timeout, lock, OperationalError) or our code failed."""
    if any(cls.__name__ in _REJECTIONS for cls in type(exc).__mro__):
        return True
    return isinstance(exc, (ValueError, TypeError)) and not isinstance(exc, OSError)


async def retry_until_done(operation: Callable[[], Awaitable[T]], what: str, log: logging.Logger,
                           *, give_up: Callable[[BaseException], bool] = lambda exc: False,
                           sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> T:
    """Await ``operation()`` until it succeeds, logging each failure and backing off.

    An exception for which ``give_up`` is true is raised at once (e.g. a rejection);
    cancellation (worker shutdown) always goes through.
    """
    attempt = 0
    while True:
        try:
            return await operation()
        except Exception as exc:  # noqa: BLE001 - every failure is retried or handed back
            if give_up(exc):
                raise
            delay = backoff(attempt)
            log.warning("%s failed (%s: %s); retrying in %.1f s (attempt %d)", what, type(exc).__name__,
                        exc, delay, attempt + 1)
            attempt += 1
            await sleep(delay)

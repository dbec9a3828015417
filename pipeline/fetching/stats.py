"""Counting every fetch outcome, optionally mirrored into Prometheus."""

from __future__ import annotations

from collections import Counter
from typing import Any


class FetchStats:
    """Counts of outcomes by (kind, outcome), e.g. ``("page", "ok")``.

    Kinds are ``feed``, ``page``, ``robots`` and ``crawl`` (decisions such as
    ``robots_disallowed`` or ``near_duplicate``).  Pass a Prometheus
    ``CollectorRegistry`` to also export ``newsflow_fetch_outcomes_total``.
    """

    def __init__(self, prometheus_registry: Any = None) -> None:
        self.counts: Counter[tuple[str, str]] = Counter()
        self._prom = _prometheus_counter(prometheus_registry) if prometheus_registry else None

    def count(self, kind: str, outcome: str, n: int = 1) -> None:
        """Add ``n`` to one outcome."""
        self.counts[(kind, outcome)] += n
        if self._prom is not None:
            self._prom.labels(kind=kind, outcome=outcome).inc(n)

    def get(self, kind: str, outcome: str) -> int:
        """The count of one outcome (0 when never seen)."""
        return self.counts[(kind, outcome)]

    def as_dict(self) -> dict[str, int]:
        """``{"kind.outcome": n}``, sorted, for logs and reports."""
        return {f"{k}.{o}": n for (k, o), n in sorted(self.counts.items())}


def _prometheus_counter(registry: Any) -> Any:
    """Create the labelled counter in ``registry`` (import deferred: optional use)."""
    from prometheus_client import Counter as PromCounter

    return PromCounter("newsflow_fetch_outcomes", "Fetch outcomes by kind and outcome",
                       ["kind", "outcome"], registry=registry)

"""Prometheus metrics of a worker: what each stage processed, dead-lettered, and how long it took.

One registry per worker (not the global default), so tests and several apps in one
process do not collide; the dashboard server (``newsflow.web``) exposes it at ``/metrics``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Histogram


@dataclass
class Metrics:
    """The worker's counters and histograms."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        self.processed = Counter("newsflow_messages_processed", "Messages a stage processed",
                                 ["stage"], registry=self.registry)
        self.dead_letters = Counter("newsflow_dead_letters", "Messages sent to the dead-letter topic",
                                    ["stage"], registry=self.registry)
        self.stage_seconds = Histogram("newsflow_stage_seconds", "Time inside a stage function per message",
                                       ["stage"], registry=self.registry,
                                       buckets=(0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10))
        self.stored = Counter("newsflow_articles_stored", "Articles flushed to a sink", ["sink"],
                              registry=self.registry)


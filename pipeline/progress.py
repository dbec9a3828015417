"""Progress of documents through the pipeline, for ``run --exit-when-idle``.

The worker process replays documents, and its sink agent reports what each sink
stored; a document is finished when every sink has it, or when it was dead-lettered.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Progress:
    """Which expected documents have reached every sink (or the dead-letter topic).

    Only a run that will exit when idle tracks anything (``tracking``): a worker that
    runs for months must not remember every id it ever stored.  A child of
    ``newsflow run --processes N`` does not track but ``report``s each event to its
    supervisor, whose own Progress tracks the whole group (:meth:`apply`).
    """

    sink_names: tuple[str, ...] = ()
    tracking: bool = True
    expected: set[str] = field(default_factory=set)
    stored: dict[str, set[str]] = field(default_factory=dict)
    dead_ids: set[str] = field(default_factory=set)
    dead_reasons: dict[str, str] = field(default_factory=dict)  # id -> why it was dead-lettered
    given_up: Counter = field(default_factory=Counter)  # reason -> links or documents given up
    replay_done: bool = False
    links_in_flight: Counter = field(default_factory=Counter)  # handed off, not yet fetched
    changed: asyncio.Event | None = None
    report: Callable[[dict[str, Any]], None] | None = None

    def apply(self, event: dict[str, Any]) -> None:
        """Replay an event a child reported (``{"event": name, ...arguments}``)."""
        name = event.pop("event")
        if name in {"expect", "link_sent", "link_done", "stored_in", "dead", "gave_up"}:
            getattr(self, name)(**event)

    def _reported(self, event: str, **arguments: Any) -> bool:
        """Forward an event to the supervisor; True when this Progress tracks it itself."""
        if self.report is not None:
            self.report({"event": event, **arguments})
        return self.tracking

    def expect(self, doc_id: str) -> None:
        if not self._reported("expect", doc_id=doc_id):
            return
        self.expected.add(doc_id)

    def link_sent(self, url: str) -> None:
        if not self._reported("link_sent", url=url):
            return
        self.links_in_flight[url] += 1

    def link_done(self, url: str) -> None:
        if not self._reported("link_done", url=url):
            return
        # Across processes a link's done may arrive before its sent: count, drop at zero.
        self.links_in_flight[url] -= 1
        if self.links_in_flight[url] == 0:
            del self.links_in_flight[url]
        self._notify()

    def finish_replay(self) -> None:
        self.replay_done = True
        self._notify()

    def stored_in(self, sink_name: str, ids: list[str]) -> None:
        if not self._reported("stored_in", sink_name=sink_name, ids=list(ids)):
            return
        self.stored.setdefault(sink_name, set()).update(ids)
        self._notify()

    def dead(self, doc_id: str | None, reason: str = "error") -> None:
        if not self._reported("dead", doc_id=doc_id, reason=reason):
            return
        if doc_id:
            self.dead_ids.add(doc_id)
            self.dead_reasons[doc_id] = reason
        self._notify()

    def gave_up(self, reason: str) -> None:
        """Something the run was given (e.g. an announced link) will never be stored."""
        if not self._reported("gave_up", reason=reason):
            return
        self.given_up[reason] += 1
        self._notify()

    def lost(self) -> Counter:
        """Expected documents dead-lettered, plus what was given up, counted by reason."""
        everywhere = self._in_every_sink()
        counts = Counter(self.dead_reasons[i] for i in (self.dead_ids & self.expected) - everywhere)
        counts.update(self.given_up)
        return counts

    def stored_everywhere(self) -> int:
        """Expected documents that reached every sink."""
        return len(self._in_every_sink() & self.expected)

    def _in_every_sink(self) -> set[str]:
        return set.intersection(*(self.stored.get(n, set()) for n in self.sink_names)) if self.sink_names else set()

    def finished(self) -> set[str]:
        return (self._in_every_sink() | self.dead_ids) & self.expected

    @property
    def idle(self) -> bool:
        """True once replay is over and every expected document is finished."""
        in_flight = any(count > 0 for count in self.links_in_flight.values())
        return self.replay_done and not in_flight and self.finished() == self.expected

    async def wait_idle(self) -> None:
        while not self.idle:
            self.changed = self.changed or asyncio.Event()
            self.changed.clear()
            await self.changed.wait()

    def _notify(self) -> None:
        if self.changed is not None:
            self.changed.set()

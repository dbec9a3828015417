"""What an agent may use of the running pipeline: a small typed context.

Agents (``newsflow.agents``) receive an :class:`AgentContext`, not the Faust app
wrapper itself; :class:`newsflow.stream.app.Pipeline` is the one implementation,
and tests may pass any object with these members.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import faust

from newsflow.config import Config
from newsflow.metrics import Metrics
from newsflow.monitor import Monitor
from newsflow.progress import Progress
from newsflow.records import DeadLetter, Record
from newsflow.sinks import Sink
from newsflow.stream.stage_runner import StageRunner
from newsflow.topics import TopicNames

# A record in, a record out (None when the stage publishes itself); a plain function runs in
# a thread, a coroutine function on the event loop.
StageFunction = Callable[[Any], Any]


class AgentContext(Protocol):
    """The members agents use; everything else of the worker stays out of their reach."""

    @property
    def config(self) -> Config: ...

    @property
    def app(self) -> faust.App:
        """For ``app.agent``, ``app.task``, ``app.timer`` and ``app.Table`` only."""
        ...

    @property
    def names(self) -> TopicNames: ...

    @property
    def sinks(self) -> list[Sink]: ...

    @property
    def progress(self) -> Progress: ...

    @property
    def metrics(self) -> Metrics: ...

    def agent(self, base: str, *, name: str, **kwargs: Any) -> Callable:
        """``app.agent`` on the topic ``base``; an agent dying of our own failure stops the worker (exit 1)."""
        ...

    def runner(self, stage: str, func: Callable) -> StageRunner:
        """The killable child process that runs ``func`` with the per-message time budget."""
        ...

    async def reject(self, stage: str, exc: BaseException, message: Any, reason: str) -> None:
        """Dead-letter a consumed message with ``reason`` (its fault)."""
        ...

    @property
    def monitor(self) -> Monitor:
        """The dashboard's figures (newsflow.monitor): agents report what they stored and found."""
        ...

    def topic(self, base: str, *, compacting: bool | None = None) -> faust.TopicT:
        """The Faust topic for a base name from :mod:`newsflow.topics`."""
        ...

    async def send(self, base: str, record: Record, key: str | None) -> None:
        """Encode ``record`` and send it to the topic ``base``."""
        ...

    async def send_dead_letter(self, letter: DeadLetter, doc_id: str | None) -> None:
        """Send a dead letter to news.dlq and count ``doc_id`` as done (dead)."""
        ...

    async def handle(self, event: faust.EventT, *, stage: str, source: str, process: StageFunction,
                     target: str | None) -> None:
        """Decode one message of ``source``, run ``process`` on it and send the result to
        ``target`` (None: the stage publishes itself); poison becomes a dead letter, anything
        else is retried without acknowledging the message."""
        ...

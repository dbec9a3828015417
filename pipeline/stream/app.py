"""The Faust application: topics, the shared per-message handling, and agent registration.

Agents (``agents/``) stay thin: each names its input, its pure stage function and
its output; :meth:`Pipeline.handle` does the decoding, the dead-lettering and the
sending, so every stage treats a poison message the same way.  Agents see the
pipeline only through :class:`newsflow.stream.context.AgentContext`.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import faust
import orjson
from aiokafka.errors import MessageSizeTooLargeError

from newsflow import codec
from newsflow.config import Config
from newsflow.deadletter import dead_letter, side_folder
from newsflow.delivery import retry_until_done
from newsflow.metrics import Metrics
from newsflow.monitor import Monitor, dead_letter_reason
from newsflow.progress import Progress
from newsflow.records import DeadLetter, Record
from newsflow.sinks import Sink
from newsflow.stream import transport
from newsflow.stream.context import StageFunction
from newsflow.stream.kafka import MAX_MESSAGE_BYTES, MAX_VALUE_BYTES, compression_type
from newsflow.stream.stage_runner import StageRunner, StageUnavailable
from newsflow.topics import DLQ, TOPIC_RECORDS, TopicNames
from newsflow.urls import site_key

log = logging.getLogger(__name__)
article_log = logging.getLogger("newsflow.article")  # one info line per article and stage
VERBS = {"stripper": "stripped", "attributor": "enriched", "fetcher": "fetched"}


def faust_settings(config: Config, bootstrap: str) -> dict[str, Any]:
    """Faust settings for a worker; plain values, so tests can check them."""
    return {
        "broker": ",".join(f"{transport.SCHEME}://{host}" for host in bootstrap.split(",")),
        "store": config.table_store,
        "datadir": str(config.table_dir),
        "web_enabled": False,  # newsflow.web serves the dashboard and /metrics instead
        "autodiscover": False,
        "topic_partitions": config.partitions,
        "topic_replication_factor": 1,
        "consumer_auto_offset_reset": "earliest",
        "broker_session_timeout": config.session_timeout,
        "broker_heartbeat_interval": config.heartbeat_interval,
        # tansu answers InitProducerId with an error, so no idempotent producer.
        "producer_acks": 1,
        # Whole pages on news.raw: compressed, the broker holds a fraction of the bytes.
        "producer_compression_type": compression_type(config.compression),
        # Whole HTML pages travel on news.raw: Faust's 1 MB request limit would reject some.
        "producer_max_request_size": MAX_MESSAGE_BYTES,
        "consumer_max_fetch_size": MAX_MESSAGE_BYTES,
        "key_serializer": "raw",
        "value_serializer": "raw",
    }


class OversizeMessage(ValueError):
    """A stage's output is larger than the broker takes: this message's fault, dead-lettered."""

    reason = "oversize"


@dataclass
class Pipeline:
    """Everything the agents share: the app, its topics, sinks, progress and stage runners (an AgentContext)."""

    config: Config
    app: faust.App
    names: TopicNames
    progress: Progress = field(default_factory=lambda: Progress(tracking=False))
    topics: dict[str, faust.TopicT] = field(default_factory=dict)
    sinks: list[Sink] = field(default_factory=list)
    fetcher: Any = None  # newsflow.agents.fetcher.Fetcher when a feed list is configured
    metrics: Metrics = field(default_factory=Metrics)
    monitor: Monitor = field(default_factory=Monitor)
    runners: dict[str, StageRunner] = field(default_factory=dict)
    crash: BaseException | None = None  # an agent's own failure: the run exits 1

    def agent(self, base: str, *, name: str, **kwargs: Any) -> Callable:
        """``app.agent`` on a topic, guarded: an agent that dies of our own failure stops the
        worker, which then exits 1 (Faust would restart it quietly, the run ending as if
        nothing happened)."""
        def register(fun: Callable) -> Any:
            @functools.wraps(fun)
            async def guarded(stream: Any) -> None:
                try:
                    await fun(stream)
                except Exception as exc:
                    log.critical("agent %s crashed: %r; stopping the worker", name, exc)
                    self.crash = self.crash or exc
                    os.kill(os.getpid(), signal.SIGTERM)
                    raise
            return self.app.agent(self.topic(base), name=name, **kwargs)(guarded)
        return register

    def topic(self, base: str, *, compacting: bool | None = None) -> faust.TopicT:
        """The Faust topic for a base name (``news.raw``), created once."""
        if base not in self.topics:
            self.topics[base] = self.app.topic(self.names.name(base), key_type=bytes, value_type=bytes,
                                               partitions=self.config.partitions, compacting=compacting)
        return self.topics[base]

    def runner(self, stage: str, func: Callable) -> StageRunner:
        """The killable child process that runs ``func`` for ``stage`` with the time budget."""
        if stage not in self.runners:
            self.runners[stage] = StageRunner(func, self.config.stage_timeout, name=stage)
        return self.runners[stage]

    async def send(self, base: str, record: Record, key: str | None) -> None:
        """Send and wait until the broker has it; raises ``OversizeMessage`` for a value it
        would refuse (poison), anything else for the caller to retry."""
        validate_as = base if self.config.validate_output else None
        value = codec.encode(record, base_topic=validate_as)
        if len(value) > MAX_VALUE_BYTES:
            raise OversizeMessage(f"{base} value of {len(value)} bytes is over the {MAX_VALUE_BYTES} byte limit")
        try:
            await self.send_bytes(base, key.encode() if key else None, value)
        except MessageSizeTooLargeError as exc:  # the broker's limit is below ours
            raise OversizeMessage(f"{base}: the broker refused a {len(value)} byte value") from exc

    async def send_bytes(self, base: str, key: bytes | None, value: bytes) -> None:
        """Send and wait for the broker's acknowledgement: a failed send raises here, not later."""
        delivery = await self.topic(base).send(key=key, value=value)
        await delivery

    async def send_dead_letter(self, letter: DeadLetter, doc_id: str | None) -> None:
        """Send a letter, retrying until the broker has it (a lost letter would be a lost message)."""
        article_log.warning("dead-lettered", extra={"stage": letter.stage, "id": doc_id,
                                                     "reason": dead_letter_reason(letter), "error": letter.error})
        value = codec.encode(letter)
        key = letter.key.encode() if letter.key else None
        await retry_until_done(lambda: self.send_bytes(DLQ, key, value), "sending a dead letter", log)
        self.metrics.dead_letters.labels(stage=letter.stage).inc()
        self.monitor.dead(letter, doc_id)
        self.progress.dead(doc_id, letter.reason or "error")

    async def reject(self, stage: str, exc: BaseException, message: Any, reason: str) -> None:
        """Dead-letter a consumed message (its fault), the original kept whole."""
        letter = dead_letter(stage, exc, topic=message.topic, payload=message.value, key=message.key,
                             partition=message.partition, offset=message.offset, reason=reason,
                             side_dir=side_folder(self.config.data_dir))
        await self.send_dead_letter(letter, doc_id_of(message.value))

    async def handle(self, event: faust.EventT, *, stage: str, source: str,
                     process: StageFunction, target: str | None) -> None:
        """Decode one message, run the stage on it, send the result on (unless the stage
        publishes itself: ``target`` None).

        Poison (undecodable, schema-invalid, the stage failing or over its time budget on
        this input, an output too big to send) becomes a dead letter.  Anything else (the
        broker away, a bug here) is retried with backoff and the message is not acknowledged
        meanwhile, so its offset is never committed past it.
        """
        message = event.message
        where = f"{stage}: {message.topic}[{message.partition}]@{message.offset}"
        await retry_until_done(lambda: self._handle_once(message, stage, source, process, target), where, log)

    async def _handle_once(self, message, stage: str, source: str, process: Callable, target: str | None) -> None:
        self.monitor.consumed(message.topic, message.partition, message.offset)
        try:
            record = codec.decode(message.value, source)
        except codec.DecodeError as exc:
            return await self.reject(stage, exc, message, exc.reason)
        if stage == "stripper" and message.timestamp:
            self.monitor.entered(getattr(record, "id", ""), message.timestamp)  # seconds
        started = time.perf_counter()
        try:
            with self.metrics.stage_seconds.labels(stage=stage).time():
                result = await run_stage(process, record)
        except StageUnavailable:
            raise  # our failure, not this message's: retried by handle
        except Exception as exc:  # noqa: BLE001 - a stage's own failure on this input is poison
            return await self.reject(stage, exc, message, getattr(exc, "reason", "stage-error"))
        self.metrics.processed.labels(stage=stage).inc()
        if target is not None and result is not None:
            try:
                await self.send(target, result, key=_key_text(message.key))
            except OversizeMessage as exc:
                await self.reject(stage, exc, message, exc.reason)
                return
        try:  # a figure that cannot be taken must not fail a processed message
            self.observe(stage, record, result, time.perf_counter() - started)
        except Exception:  # noqa: BLE001 - the dashboard's figures never stop the pipeline
            log.exception("%s: could not record the figures of a message", stage)

    def observe(self, stage: str, record: Any, result: Any, seconds: float) -> None:
        """Figures for the dashboard and one log line for people, per message and stage."""
        self.monitor.processed(stage, seconds)
        fields: dict[str, Any] = {"stage": stage, "id": getattr(record, "id", None)}
        url = getattr(record, "url", None)
        fields["url" if url or not getattr(record, "source_path", None) else "file"] = url or getattr(record, "source_path", None)
        if result is None:  # the stage published itself, or had nothing to send on
            fields["outcome"] = "done"
        elif stage == "stripper":
            self.monitor.stripped(site_key(url), len(result.removed), len(result.paragraphs))
            fields["outcome"] = f"{len(result.paragraphs)} paragraphs, {len(result.removed)} lines removed"
        elif stage == "attributor":
            fields["outcome"] = f"{len(result.attributions)} attributions"
        else:
            fields["outcome"] = "ok"
        fields["ms"] = round(seconds * 1000, 1)
        article_log.info(VERBS.get(stage, stage), extra=fields)


def consumer_lag(pipeline: Pipeline) -> dict[str, int]:
    """Messages behind per topic this worker consumes: high-water mark minus the next offset to handle."""
    lag: dict[str, int] = {}
    try:
        consumer = pipeline.app.consumer
        for tp in consumer.assignment():
            done = pipeline.monitor.offsets.get((tp.topic, tp.partition))
            high = consumer.highwater(tp)
            if high is None or pipeline.names.base_of(tp.topic) not in TOPIC_RECORDS:
                continue
            # tansu's high-water mark can be one short after a batch: never below zero.
            lag[tp.topic] = lag.get(tp.topic, 0) + max(0, high - (done + 1 if done is not None else 0))
    except Exception:  # noqa: BLE001 - not started yet, or shutting down: no figures
        return {}
    return lag


async def run_stage(process: StageFunction, record: Record) -> Record | None:
    """Run a stage: a coroutine function as is, a plain (CPU-bound) function in a thread,
    so a slow page never blocks the event loop and its consumer heartbeats."""
    if inspect.iscoroutinefunction(process):
        return await process(record)
    return await asyncio.to_thread(process, record)


def _key_text(key: bytes | None) -> str | None:
    return key.decode("utf-8", errors="replace") if key else None


def doc_id_of(payload: bytes | None) -> str | None:
    """The article id inside a (possibly broken) message, for progress tracking."""
    try:
        value = orjson.loads(payload or b"")
    except orjson.JSONDecodeError:
        return None
    if not isinstance(value, dict):
        return None
    article = value.get("article")
    return article.get("id") if isinstance(article, dict) else value.get("id")


def create_pipeline(config: Config, bootstrap: str, *, sinks: list[Sink] | None = None,
                    progress: Progress | None = None, poll_feeds_continuously: bool = True,
                    monitor: Monitor | None = None) -> Pipeline:
    """Build the Faust app and register every agent on it (the fetcher only with a feed list)."""
    from newsflow.agents import attributor, fetcher, sink, stripper

    app = faust.App(config.app_id, **faust_settings(config, bootstrap))
    pipeline = Pipeline(config=config, app=app, names=TopicNames(config.topic_prefix),
                        progress=progress or Progress(), sinks=list(sinks or []),
                        monitor=monitor or Monitor())
    for base in TOPIC_RECORDS:
        pipeline.topic(base)
    stripper.register(pipeline)
    attributor.register(pipeline)
    sink.register(pipeline)
    if config.feeds is not None:
        pipeline.fetcher = fetcher.register(pipeline, bootstrap, config.feeds, continuous=poll_feeds_continuously)
    return pipeline

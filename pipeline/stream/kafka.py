"""Plain aiokafka clients for the commands that are not the worker (replay, tail, dlq).

They connect to ``--broker`` / ``NEWSFLOW_BROKER``, or to the embedded broker of a
``newsflow run`` in the same data folder, whose address that run writes down.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import MessageSizeTooLargeError, TopicAlreadyExistsError

from newsflow import codec
from newsflow.config import Config
from newsflow.deadletter import dead_letter
from newsflow.monitor import Monitor
from newsflow.progress import Progress
from newsflow.records import RawDocument
from newsflow.replay import ReplayProblem, ReplayReport, iter_documents
from newsflow.stream import broker
from newsflow.topics import ALL_TOPICS, COMPACTED, RAW, TopicNames, topic_configs
from newsflow.urls import site_key

log = logging.getLogger(__name__)

# Whole HTML pages travel on news.raw; Kafka's 1 MB default is too small for some.
MAX_MESSAGE_BYTES = 8 * 1024 * 1024
MAX_VALUE_BYTES = MAX_MESSAGE_BYTES - 64 * 1024  # room for the key, headers and batch framing


class NoBrokerError(RuntimeError):
    """No broker configured and no running embedded broker found."""


def resolve_bootstrap(config: Config) -> str:
    """``--broker``, else the embedded broker of a ``newsflow run`` alive in this data folder."""
    if config.broker:
        return config.broker
    live = broker.live_address(config.data_dir)
    if live:
        return live
    stale = " (its broker.address file is stale: the run that wrote it is gone)" \
        if broker.stale_address(config.data_dir) else ""
    raise NoBrokerError(f"no broker running in {config.data_dir}{stale}: pass --broker HOST:PORT or set "
                        "NEWSFLOW_BROKER, or start `newsflow run` (it starts the embedded broker) in this folder first")


def compression_type(codec: str) -> str | None:
    """aiokafka's name for a Config.compression value (zstd and lz4 come with cramjam)."""
    return None if codec == "none" else codec


def producer(bootstrap: str, compression: str = "zstd") -> AIOKafkaProducer:
    # tansu rejects InitProducerId, so idempotence stays off (acks=1, at-least-once).
    return AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False, acks=1,
                            max_request_size=MAX_MESSAGE_BYTES, linger_ms=5,
                            compression_type=compression_type(compression))


async def ensure_topics(bootstrap: str, names: TopicNames, partitions: int) -> None:
    """Create the pipeline's topics, with the configured partition count, when missing.

    Done before any client touches them: a broker that auto-creates topics on a metadata
    request (tansu does, with 4 partitions) would otherwise pick the count itself, and
    the site table would no longer be co-partitioned with news.raw.
    """
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        topics = [names.name(b) for b in ALL_TOPICS]
        present = [t for t in topics if t in existing]
        if present:  # only topics that exist: a metadata request for another would create it
            check_partitions(await admin.describe_topics(present), partitions)
            await warn_uncompacted(admin, [names.name(b) for b in COMPACTED if names.name(b) in existing])
        wanted = new_topics(names, partitions, existing)
        if wanted:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(wanted)
    finally:
        await admin.close()


def new_topics(names: TopicNames, partitions: int, existing: set[str]) -> list[NewTopic]:
    """The create requests for the pipeline's missing topics, each with its ``topic_configs``."""
    return [NewTopic(names.name(b), partitions, 1, topic_configs=topic_configs(b))
            for b in ALL_TOPICS if names.name(b) not in existing]


async def topic_config(admin: AIOKafkaAdminClient, topics: list[str]) -> dict[str, dict[str, str]]:
    """``topic -> {config name: value}`` as the broker describes them (tansu lists only
    what was set; Kafka lists every config)."""
    if not topics:
        return {}
    found: dict[str, dict[str, str]] = {}
    resources = [ConfigResource(ConfigResourceType.TOPIC, t) for t in topics]
    for response in await admin.describe_configs(resources):
        for _code, _message, _kind, name, entries, *_ in response.resources:
            found[name] = {entry[0]: entry[1] for entry in entries}
    return found


async def warn_uncompacted(admin: AIOKafkaAdminClient, topics: list[str]) -> None:
    """Name the state topics that exist without compaction (made by an older newsflow, or by
    hand); changing a topic's config is left to its operator, who may have set others."""
    for topic, configs in (await topic_config(admin, topics)).items():
        if "compact" not in configs.get("cleanup.policy", ""):
            log.warning("topic %s is not compacted (cleanup.policy=%s): old feed state may be deleted by "
                        "retention; set it with kafka-configs.sh --alter --entity-type topics --entity-name %s "
                        "--add-config cleanup.policy=compact", topic, configs.get("cleanup.policy", "delete"), topic)


class PartitionMismatch(RuntimeError):
    """A pipeline topic exists with another partition count than configured."""


def check_partitions(described: list[dict], wanted: int) -> None:
    """Refuse topics whose partition count differs from ``--partitions``: keys would land on
    partitions the site table is not co-partitioned with, and every keyed article would fail."""
    for topic in described:
        found = len(topic.get("partitions") or [])
        if found != wanted:
            name = topic["topic"]
            raise PartitionMismatch(
                f"topic {name} exists with {found} partition(s), but {wanted} are configured: run with "
                f"--partitions {found} (NEWSFLOW_PARTITIONS={found}), or delete the pipeline's topics "
                f"(kafka-topics.sh --delete --topic {name}) to recreate them, or use another --topic-prefix")


def raw_key(doc: RawDocument) -> bytes:
    """news.raw is keyed by site (host without ``www.``), so one stripper instance sees all
    of a site's pages and its per-site table entry is co-partitioned with them."""
    return (site_key(doc.url) or doc.id).encode()


async def publish_replay(send, names: TopicNames, paths: Iterable[str | Path],
                         progress: Progress | None = None, monitor: Monitor | None = None) -> ReplayReport:
    """Send every document in ``paths`` to news.raw, and everything else to news.dlq with its reason.

    ``send(topic, key, value)`` is an async callable (aiokafka or Faust).  Nothing aborts the
    replay but a failing broker: an unreadable file, a bad record, a damaged WARC or a document
    over the message limit each become one dead letter, and the rest is published.
    """
    report = ReplayReport()
    for item in iter_documents(paths, max_bytes=MAX_VALUE_BYTES):
        if isinstance(item, RawDocument):
            doc = item
            if monitor is not None:
                monitor.given(doc.id)
            refused = await _send_document(send, names, doc)
            if refused is None:
                if progress is not None:  # once sent: a refused one is counted by the report alone
                    progress.expect(doc.id)
                report.published += 1
                continue
            item = refused
        letter = replay_letter(item)
        await send(names.dlq, None, codec.encode(letter))
        if monitor is not None:
            monitor.dead(letter)
        log.warning("replay: %s: %s", item.path, item.error)
        report.dead_lettered[item.reason] += 1
    return report


async def _send_document(send, names: TopicNames, doc: RawDocument) -> ReplayProblem | None:
    """Publish one document; a broker that finds it too large gets it dead-lettered instead."""
    value = codec.encode(doc, base_topic=RAW)
    try:
        await send(names.raw, raw_key(doc), value)
    except MessageSizeTooLargeError as exc:
        return ReplayProblem(str(doc.source_path), f"document {doc.id} of {len(value)} bytes refused by the "
                             f"broker: {exc}; re-read it from {doc.source_path}",
                             doc.body.encode("utf-8", "surrogatepass"),
                             reason="oversize")
    return None


def replay_letter(problem: ReplayProblem):
    """The dead letter for a replay problem: its reason, the file as its topic and the record's offset
    (a big payload is cut by ``dead_letter``, with its size and sha256; the file still holds it)."""
    letter = dead_letter("replay", problem.error, topic=problem.path, payload=problem.payload,
                         offset=problem.offset, reason=problem.reason)
    return dataclasses.replace(letter, error_type=problem.reason)


async def replay_files(config: Config, paths: Iterable[str | Path], monitor: Monitor | None = None) -> ReplayReport:
    """``newsflow replay``: publish files with a plain producer."""
    bootstrap = resolve_bootstrap(config)
    names = TopicNames(config.topic_prefix)
    await ensure_topics(bootstrap, names, config.partitions)
    client = producer(bootstrap, config.compression)
    await client.start()
    try:
        async def send(topic, key, value):
            await client.send_and_wait(topic, value=value, key=key)
        return await publish_replay(send, names, paths, monitor=monitor)
    finally:
        await client.stop()


async def read_topic(bootstrap: str, topic: str, *, follow: bool, group: str | None = None,
                     idle_timeout: float = 2.0) -> AsyncIterator:
    """Messages of a topic, from the beginning (or, with ``group``, from that group's committed
    offsets, committing each message once the caller has handled it).

    Without ``follow`` it stops once nothing arrives for ``idle_timeout``.  It does not
    trust end offsets: tansu reports one less after a multi-record batch.
    """
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
                                auto_offset_reset="earliest", fetch_max_bytes=MAX_MESSAGE_BYTES)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in await _partitions(consumer, topic)]
        consumer.assign(partitions)
        await _seek_start(consumer, partitions, group)
        async for message in _messages(consumer, follow, idle_timeout):
            yield message
            if group is not None:
                await consumer.commit({TopicPartition(message.topic, message.partition): message.offset + 1})
    finally:
        await consumer.stop()


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    partitions = consumer.partitions_for_topic(topic)
    if not partitions:
        await consumer.topics()  # refreshes metadata
        partitions = consumer.partitions_for_topic(topic)
    if not partitions:
        raise NoBrokerError(f"topic {topic!r} does not exist on the broker")
    return partitions


async def _seek_start(consumer: AIOKafkaConsumer, partitions: list, group: str | None) -> None:
    for tp in partitions:
        committed = await consumer.committed(tp) if group is not None else None
        if committed is None:
            await consumer.seek_to_beginning(tp)
        else:
            consumer.seek(tp, committed)


async def _messages(consumer: AIOKafkaConsumer, follow: bool, idle_timeout: float):
    while True:
        batches = await consumer.getmany(timeout_ms=int(idle_timeout * 1000))
        if not batches and not follow:
            return
        for partition_messages in batches.values():
            for message in partition_messages:
                yield message

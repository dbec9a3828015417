"""Sink agent: news.enriched -> every configured store, in batches.

Events are acknowledged (so their offsets committed) only after the batch is in every
sink; a crash before that redelivers them, and the sinks' upsert-by-id makes the
redelivery harmless.  A store that is unavailable (connection, timeout, lock) is retried
with capped exponential backoff for as long as it takes, nothing dead-lettered and no
offset committed meanwhile; only a store that rejects an article (a constraint, a bad
value) makes the batch go in one by one, the rejected articles to the dead-letter topic.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import time

from newsflow import codec
from newsflow.deadletter import dead_letter, side_folder
from newsflow.delivery import is_rejection, retry_until_done
from newsflow.screening import blank_controls
from newsflow.stream.context import AgentContext
from newsflow.topics import ENRICHED

EXIT_INTERRUPTED = 130  # as newsflow.stream.worker's

log = logging.getLogger(__name__)
article_log = logging.getLogger("newsflow.article")


def register(ctx: AgentContext) -> None:
    config = ctx.config

    @ctx.agent(ENRICHED, name="sink")
    async def sink(stream):
        # The worker set the stores up before starting (newsflow.stream.worker.setup_sinks).
        async for events in stream.take_events(config.sink_batch_size, within=config.sink_max_delay):
            # Faust acks the batch when this returns, raises or is cancelled: nothing may escape
            # (retried), and a shutdown in the middle must not let the unstored batch be committed.
            try:
                await retry_until_done(functools.partial(store_batch, ctx, events), "storing a batch", log)
            except asyncio.CancelledError:
                log.error("stopped with %d article(s) not yet in every store: exiting without committing "
                          "their offsets (they will be redelivered)", len(events))
                os._exit(EXIT_INTERRUPTED)


async def store_batch(ctx: AgentContext, events) -> None:
    """Decode a batch (poison messages to the DLQ), then put it in every sink."""
    good = []
    started = time.perf_counter()
    for event in events:
        message = event.message
        ctx.monitor.consumed(message.topic, message.partition, message.offset)
        try:
            good.append(blank_controls(codec.decode(message.value, ENRICHED)))
        except codec.DecodeError as exc:
            await ctx.reject("sink", exc, message, exc.reason)
    for store in ctx.sinks:
        await store_in(ctx, store, good)
    ms = round((time.perf_counter() - started) * 1000, 1)
    for item in good:
        article_log.info("stored", extra={"stage": "sink", "id": item.id, "url": item.article.url,
                                          "outcome": f"{len(item.attributions)} attributions", "ms": ms})


async def store_in(ctx: AgentContext, store, items) -> None:
    """One sink gets the whole batch: retried while it is away, one by one if it rejects some."""
    for item in items:
        await store.add(item)
    try:
        await retry_until_done(store.flush, f"sink {store.name}: writing {len(items)} article(s)", log,
                               give_up=is_rejection, sleep=functools.partial(wait_unless_stopping, ctx))
    except Exception as exc:  # noqa: BLE001 - is_rejection said: the store refuses something in it
        log.warning("sink %s rejected a batch (%s); storing its articles one by one", store.name, exc)
        await store.discard_pending()
        for item in items:
            await store_one(ctx, store, item)
        return
    stored(ctx, store, items)


async def store_one(ctx: AgentContext, store, item) -> None:
    """Write one article; a rejection dead-letters it, unavailability is waited out."""
    await store.add(item)
    try:
        await retry_until_done(store.flush, f"sink {store.name}: writing {item.id}", log, give_up=is_rejection,
                               sleep=functools.partial(wait_unless_stopping, ctx))
    except Exception as exc:  # noqa: BLE001 - rejected: this article's fault
        await store.discard_pending()
        letter = dead_letter(f"sink:{store.name}", exc, topic=ctx.names.enriched, payload=codec.encode(item),
                             key=item.id, reason="rejected", side_dir=side_folder(ctx.config.data_dir))
        await ctx.send_dead_letter(letter, item.id)
        return
    stored(ctx, store, [item])


async def wait_unless_stopping(ctx: AgentContext, seconds: float) -> None:
    """Back off; but a worker asked to stop while a store is away stops now (the batch stays
    unacknowledged, so it is redelivered) instead of waiting for the store forever."""
    if ctx.app.should_stop:
        raise asyncio.CancelledError
    await asyncio.sleep(seconds)


def stored(ctx: AgentContext, store, items: list) -> None:
    """Progress, metrics and the dashboard learn that ``store`` holds ``items``."""
    ctx.progress.stored_in(store.name, [item.id for item in items])
    ctx.metrics.stored.labels(sink=store.name).inc(len(items))
    ctx.monitor.stored(store.name, items, last_sink=store is ctx.sinks[-1])

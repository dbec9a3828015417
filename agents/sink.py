"""Sink agent: news.enriched -> every configured store, in batches.

Events are acknowledged (so their offsets committed) only after the batch was
flushed to every sink; a crash before that redelivers them, and the sinks'
upsert-by-id makes the redelivery harmless.
"""

from __future__ import annotations

import asyncio
import logging

from newsflow import codec
from newsflow.deadletter import dead_letter
from newsflow.records import EnrichedArticle
from newsflow.stream.context import AgentContext
from newsflow.topics import ENRICHED

log = logging.getLogger(__name__)
RETRIES = 4


def register(ctx: AgentContext) -> None:
    config = ctx.config

    @ctx.app.agent(ctx.topic(ENRICHED), name="sink")
    async def sink(stream):
        # The worker set the stores up before starting (newsflow.stream.worker.setup_sinks).
        async for events in stream.take_events(config.sink_batch_size, within=config.sink_max_delay):
            await store_batch(ctx, events)


async def store_batch(ctx: AgentContext, events) -> None:
    """Decode a batch (poison messages to the DLQ), add it to every sink, flush."""
    good: list[EnrichedArticle] = []
    for event in events:
        message = event.message
        try:
            good.append(codec.decode(message.value, ENRICHED))  # type: ignore[arg-type]  # the topic fixes the type
        except codec.DecodeError as exc:
            letter = dead_letter("sink", exc, topic=message.topic, payload=message.value, key=message.key,
                                 partition=message.partition, offset=message.offset)
            await ctx.send_dead_letter(letter, None)
    for store in ctx.sinks:
        for item in good:
            await store.add(item)
        if await flush_with_retries(store):
            ctx.progress.stored_in(store.name, [item.id for item in good])
            ctx.metrics.stored.labels(sink=store.name).inc(len(good))
        else:
            await store_one_by_one(ctx, store, good)


async def flush_with_retries(store, attempts: int = RETRIES) -> bool:
    """Flush, retrying with backoff: a store that is briefly away must not lose the batch."""
    for attempt in range(attempts):
        try:
            await store.flush()
            return True
        except Exception as exc:  # noqa: BLE001 - any store error; logged and retried
            log.warning("sink %s: flush failed (%s), attempt %d of %d", store.name, exc, attempt + 1, attempts)
            await asyncio.sleep(min(2 ** attempt, 30))
    await store.discard_pending()
    return False


async def store_one_by_one(ctx: AgentContext, store, items) -> None:
    """After a batch kept failing, write items alone; the ones the store rejects go to the DLQ."""
    for item in items:
        await store.add(item)
        try:
            await store.flush()
            ctx.progress.stored_in(store.name, [item.id])
            ctx.metrics.stored.labels(sink=store.name).inc()
        except Exception as exc:  # noqa: BLE001 - the store rejected this article
            await store.discard_pending()
            payload = codec.encode(item)
            letter = dead_letter(f"sink:{store.name}", exc, topic=ctx.names.enriched, payload=payload,
                                 key=item.id)
            await ctx.send_dead_letter(letter, item.id)

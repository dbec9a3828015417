"""Attribution extractor agent: news.clean -> news.enriched (pure stage: newsflow.processing.enrich)."""

from __future__ import annotations

from newsflow.processing import enrich
from newsflow.stream.context import AgentContext
from newsflow.topics import CLEAN, ENRICHED


def register(ctx: AgentContext) -> None:
    @ctx.app.agent(ctx.topic(CLEAN), name="attributor")
    async def attributor(stream):
        async for event in stream.events():
            await ctx.handle(event, stage="attributor", source=CLEAN, process=enrich, target=ENRICHED)

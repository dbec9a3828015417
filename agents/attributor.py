"""Attribution extractor agent: news.clean -> news.enriched (pure stage: newsflow.processing.enrich),
run in a killable child process with the per-message time budget."""

from __future__ import annotations

from newsflow.delivery import stage_budget
from newsflow.processing import enrich
from newsflow.stream.context import AgentContext
from newsflow.topics import CLEAN, ENRICHED

STAGE = enrich  # what the child runs (a test may point it at a pathological stage)


def register(ctx: AgentContext) -> None:
    runner = ctx.runner("attributor", STAGE)

    async def attribute(article):
        return await runner.call(article, timeout=stage_budget(runner.timeout, len(article.body)))

    @ctx.agent(CLEAN, name="attributor")
    async def attributor(stream):
        async for event in stream.events():
            await ctx.handle(event, stage="attributor", source=CLEAN, process=attribute, target=ENRICHED)

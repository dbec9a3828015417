"""Attribution extractor agent: news.clean -> news.enriched (pure stage: newsflow.processing.enrich)."""

from __future__ import annotations

from newsflow.processing import enrich


def register(pipeline) -> None:
    @pipeline.app.agent(pipeline.topic("news.clean"), name="attributor")
    async def attributor(stream):
        async for event in stream.events():
            await pipeline.handle(event, stage="attributor", source="news.clean", process=enrich,
                                  target="news.enriched")

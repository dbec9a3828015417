"""Boilerplate stripper agent: news.raw -> news.clean (pure stage: pipeline.processing.clean_document)."""

from __future__ import annotations

from pipeline.processing import clean_document


def register(pipeline) -> None:
    @pipeline.app.agent(pipeline.topic("news.raw"), name="stripper")
    async def stripper(stream):
        async for event in stream.events():
            await pipeline.handle(event, stage="stripper", source="news.raw", process=clean_document,
                                  target="news.clean")

"""Fetcher agent: polls the feed list and publishes new articles to news.raw.

The crawling itself is ``pipeline.fetching.FeedCrawler`` (pure of Kafka).  Only the
group leader polls, so several workers never fetch the same feed twice; per-feed
state (ETag, Last-Modified, adaptive interval, recent entries) goes to the compacted
topic ``news.feed_state`` after every poll, and a new leader restores it from there,
so a restarted worker resumes with conditional requests instead of refetching.
"""

from __future__ import annotations

import logging

import orjson

from pipeline.fetching import FeedCrawler, FeedState, FetchStats, load_feeds
from pipeline.kafka import NoBrokerError, raw_key, read_topic

log = logging.getLogger(__name__)

FEED_STATE = "news.feed_state"


class Fetcher:
    """The leader's crawler, created on first use with the state restored from Kafka."""

    def __init__(self, pipeline, bootstrap: str) -> None:
        self.pipeline = pipeline
        self.bootstrap = bootstrap
        self.crawler: FeedCrawler | None = None

    async def publish(self, doc) -> None:
        self.pipeline.progress.expect(doc.id)
        await self.pipeline.send("news.raw", doc, key=raw_key(doc).decode())

    async def save_state(self, state: FeedState) -> None:
        await self.pipeline.topic(FEED_STATE).send(key=state.feed_url.encode(),
                                                   value=orjson.dumps(state.to_dict()))

    async def restore_states(self) -> dict[str, dict]:
        """The latest saved state of every feed (later messages win, as compaction keeps)."""
        states: dict[str, dict] = {}
        topic = self.pipeline.names.name(FEED_STATE)
        try:
            async for message in read_topic(self.bootstrap, topic, follow=False, idle_timeout=1.0):
                states[message.key.decode()] = orjson.loads(message.value)
        except NoBrokerError:  # no state topic yet: first run
            pass
        return states

    async def get_crawler(self) -> FeedCrawler:
        if self.crawler is None:
            config = self.pipeline.config
            self.crawler = FeedCrawler(load_feeds(config.feeds), self.publish, config.fetch_settings(),
                                       states=await self.restore_states(), on_state=self.save_state,
                                       stats=FetchStats(self.pipeline.metrics.registry))
            await self.crawler.__aenter__()
        return self.crawler

    async def poll(self, force: bool = False):
        """Poll due feeds (all with ``force``); the feed list is re-read so edits apply."""
        crawler = await self.get_crawler()
        crawler.set_feeds(load_feeds(self.pipeline.config.feeds))
        report = await crawler.poll_once(force=force)
        if report.feeds_polled:
            log.info("fetcher: %s", report)
        return report

    async def close(self) -> None:
        if self.crawler is not None:
            await self.crawler.close()


def register(pipeline, bootstrap: str, *, continuous: bool) -> Fetcher:
    """Declare the state topic; with ``continuous``, poll on a timer on the leader only."""
    pipeline.topic(FEED_STATE, compacting=True)
    fetcher = Fetcher(pipeline, bootstrap)
    if continuous:
        @pipeline.app.timer(pipeline.config.poll_tick, on_leader=True, name="fetcher")
        async def poll_due_feeds() -> None:
            await fetcher.poll()
    return fetcher

"""Fetcher agents: the leader polls the feed list and hands new links to news.links, keyed
by host; whoever owns a host's partition fetches its pages politely and publishes to news.raw.

The crawling itself is ``newsflow.fetching.FeedCrawler`` (pure of Kafka).  Only the group
leader polls, so several workers never fetch a feed twice, and one worker owns each host,
so per-host delays and robots.txt hold across the cluster.  Per-feed state (ETag,
Last-Modified, adaptive interval, recent entries) goes to the compacted topic
``news.feed_state`` after every poll; a new leader restores it from there, so a restarted
worker resumes with conditional requests instead of refetching.

A link that fails for now (timeout, 5xx, 429, robots.txt unavailable) is kept pending in a
Faust table (changelog-backed, co-partitioned with news.links, so it survives restarts and
follows its host's owner) with its own backoff, and sent round again when due, until it is
fetched or ``give_up_after`` passes: then it is counted (``crawl.given_up``) and dead-lettered
with reason ``given-up``.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from pathlib import Path

import faust
import orjson
from faust.streams import current_event

from newsflow.deadletter import dead_letter
from newsflow.fetching import FeedCrawler, FeedEntry, FeedState, FetchStats, SeenUrls, load_feeds
from newsflow.fetching.pending import PendingLink, after_failure, give_up_reason
from newsflow.monitor import feed_views
from newsflow.records import Link
from newsflow.stream.context import AgentContext
from newsflow.stream.kafka import NoBrokerError, raw_key, read_topic
from newsflow.topics import FEED_STATE, LINKS, RAW
from newsflow.urls import canonical_url, site_key

log = logging.getLogger(__name__)

PENDING_TABLE = "pending-links"
SEEN_TABLE = "seen-urls"  # canonical URL -> when it was fetched (changelog: a compacted topic)
PENDING_TICK = 1.0  # seconds between looks for pending links that fell due
GIVEN_UP = "given-up"


def link_of(entry: FeedEntry) -> Link:
    return Link(url=entry.link, feed_url=entry.feed_url, feed_title=entry.feed_title, title=entry.title,
                published=entry.published, updated=entry.updated, authors=list(entry.authors),
                language=entry.language, entry_id=entry.entry_id)


def entry_of(link: Link) -> FeedEntry:
    return FeedEntry(link=link.url, title=link.title, published=link.published, updated=link.updated,
                     authors=tuple(link.authors), entry_id=link.entry_id, language=link.language,
                     feed_title=link.feed_title, feed_url=link.feed_url)


class TableSeenUrls:
    """The seen-URL store, persisted in a Faust table so a restarted or rebalanced worker keeps it.

    Keys are canonical URLs; a write goes to the changelog partition of the news.links
    event being handled (links are keyed by host), so the owner of a host's partition
    holds every URL of that host.  Bounded like ``SeenUrls`` (count and age), per
    partition: an in-memory index per partition, rebuilt from the table on the partition's
    first write here, says what to forget, and the forgotten keys are deleted from the
    table in the same partition.  Reads outside a link (the leader's poll) see only the
    partitions this process owns; an unknown URL is handed off and its owner decides.
    """

    def __init__(self, table, max_size: int, max_age: float, partitions: int, clock=time.time) -> None:
        self.table, self.clock = table, clock
        self.max_size, self.max_age = max(1, max_size // partitions), max_age
        self.index: dict[int, SeenUrls] = {}

    def should_fetch(self, canonical_url: str, updated: str | None) -> bool:
        saved = self.table.get(canonical_url.encode())
        if saved is None:
            return True
        value = orjson.loads(saved)
        if self.clock() - value["at"] > self.max_age:
            return True
        return bool(updated) and updated != value["updated"]

    def remember(self, canonical_url: str, updated: str | None) -> None:
        event = current_event()
        if event is None:  # not inside a link's processing: no partition to persist it under
            return
        partition, now = event.message.partition, self.clock()
        for url in self.partition_index(partition).remember(canonical_url, updated, now):
            self.table.pop(url.encode(), None)
        self.table[canonical_url.encode()] = orjson.dumps({"updated": updated or "", "at": now, "p": partition})

    def partition_index(self, partition: int) -> SeenUrls:
        if partition not in self.index:
            index = self.index[partition] = SeenUrls(self.max_size, self.max_age, self.clock)
            rows = [(orjson.loads(v), k.decode()) for k, v in self.table.items()]
            for value, url in sorted((r for r in rows if r[0].get("p") == partition), key=lambda r: r[0]["at"]):
                for gone in index.remember(url, value["updated"], value["at"]):
                    self.table.pop(gone.encode(), None)
        return self.index[partition]

    def forget_partitions(self, *args, **kwargs) -> None:
        """After a rebalance the indexes are rebuilt: another worker may have written meanwhile."""
        self.index.clear()


class Fetcher:
    """This process's crawler (created on first use, feed state restored from Kafka)."""

    def __init__(self, ctx: AgentContext, bootstrap: str, feeds: Path, seen: TableSeenUrls | None = None) -> None:
        self.ctx = ctx
        self.feeds = feeds
        self.bootstrap = bootstrap
        self.seen = seen
        self.crawler: FeedCrawler | None = None
        self.pending = ctx.app.Table(PENDING_TABLE, partitions=ctx.config.partitions, key_type=bytes,
                                     value_type=bytes)  # canonical URL -> PendingLink JSON
        self.sent_for: dict[bytes, float] = {}  # pending key -> the due time it was last sent for

    async def publish(self, doc) -> None:
        self.ctx.progress.expect(doc.id)
        self.ctx.monitor.given(doc.id)
        await self.ctx.send(RAW, doc, key=raw_key(doc).decode())

    async def hand_off(self, entry: FeedEntry) -> None:
        await self.send_link(link_of(entry))

    async def send_link(self, link: Link) -> None:
        self.ctx.progress.link_sent(link.url)
        await self.ctx.send(LINKS, link, key=site_key(link.url) or link.url)

    async def fetch_link(self, link: Link) -> None:
        """Fetch one announced article; a transient failure keeps it pending, with its backoff."""
        key = canonical_url(link.url).encode()
        try:
            attempt = await (await self.get_crawler()).try_entry(entry_of(link))
            previous = PendingLink.from_dict(_loads(self.pending.get(key)))
            if attempt.final:
                if key in self.pending:
                    del self.pending[key]
                    self.ctx.progress.link_done(link.url)  # no longer pending
                return
            await self.keep_pending(key, link, previous, attempt.error or "transient failure", attempt.retry_after)
        finally:
            self.ctx.progress.link_done(link.url)

    async def keep_pending(self, key: bytes, link: Link, previous: PendingLink | None, error: str,
                           retry_after: float | None) -> None:
        """Record another transient failure, or give the link up once it is too old."""
        now = time.time()
        record = after_failure(previous, link.to_dict(), error, retry_after, now, self.ctx.config.fetch)
        if record is not None:
            if key not in self.pending:
                self.ctx.progress.link_sent(link.url)  # in flight until fetched or given up
            event = faust.current_event()  # the link's partition: its table entry lives there too
            partition = event.message.partition if event is not None else None
            self.pending[key] = orjson.dumps({**record.to_dict(), "partition": partition})
            log.info("link %s pending (try %d failed: %s); next try in %.0f s", link.url, record.attempts, error,
                     record.next_attempt - now)
            return
        if key in self.pending:
            del self.pending[key]
            self.ctx.progress.link_done(link.url)
        reason = give_up_reason(previous, error, now)
        log.warning("link %s: %s", link.url, reason)
        (await self.get_crawler()).stats.count("crawl", "given_up")
        letter = dead_letter("fetcher", reason, topic=self.ctx.names.links, payload=orjson.dumps(link.to_dict()),
                             key=site_key(link.url), reason=GIVEN_UP)
        await self.ctx.send_dead_letter(dataclasses.replace(letter, error_type=GIVEN_UP), None)
        self.ctx.progress.gave_up(GIVEN_UP)  # the run's exit code counts it

    async def send_due_links(self) -> None:
        """Send pending links whose next try has come round again (once per scheduled try)."""
        now, mine = time.time(), self.active_partitions()
        for key, value in list(self.pending.items()):
            stored = _loads(value)
            record = PendingLink.from_dict(stored)
            if record is None or not record.due(now) or self.sent_for.get(key) == record.next_attempt:
                continue
            if stored.get("partition") not in (None, *mine):
                continue  # a standby copy: the partition's active owner sends it
            self.sent_for[key] = record.next_attempt
            await self.send_link(Link.from_dict({**record.link, "attempt": record.attempts}))
        for key in [k for k in self.sent_for if k not in self.pending]:
            del self.sent_for[key]

    def active_partitions(self) -> set[int]:
        """The news.links partitions this worker owns now (the table holds standby copies too)."""
        topic = self.ctx.names.links
        return {tp.partition for tp in self.ctx.app.assignor.assigned_actives() if tp.topic == topic}

    async def save_state(self, state: FeedState) -> None:
        await self.ctx.topic(FEED_STATE).send(key=state.feed_url.encode(),
                                                   value=orjson.dumps(state.to_dict()))

    async def restore_states(self) -> dict[str, dict]:
        """The latest saved state of every feed (later messages win, as compaction keeps)."""
        states: dict[str, dict] = {}
        topic = self.ctx.names.name(FEED_STATE)
        try:
            async for message in read_topic(self.bootstrap, topic, follow=False, idle_timeout=1.0):
                states[message.key.decode()] = orjson.loads(message.value)
        except NoBrokerError:  # no state topic yet: first run
            pass
        return states

    async def get_crawler(self) -> FeedCrawler:
        if self.crawler is None:
            config = self.ctx.config
            self.crawler = FeedCrawler(load_feeds(self.feeds), self.publish, config.fetch,
                                       states=await self.restore_states(), on_state=self.save_state,
                                       stats=FetchStats(self.ctx.metrics.registry), hand_off=self.hand_off,
                                       seen=self.seen)
            await self.crawler.__aenter__()
            self.ctx.monitor.feeds = lambda: feed_views(self.crawler.states.values()) if self.crawler else []
        return self.crawler

    async def poll(self, force: bool = False):
        """Poll due feeds (all with ``force``); the feed list is re-read so edits apply."""
        crawler = await self.get_crawler()
        crawler.set_feeds(load_feeds(self.feeds))
        report = await crawler.poll_once(force=force)
        if report.feeds_polled:
            log.info("fetcher: %s", report)
        return report

    async def close(self) -> None:
        if self.crawler is not None:
            await self.crawler.close()


def register(ctx: AgentContext, bootstrap: str, feeds: Path, *, continuous: bool) -> Fetcher:
    """The link-fetching agent, the state topic, and with ``continuous`` the leader's poll timer."""
    ctx.topic(FEED_STATE, compacting=True)
    fetch = ctx.config.fetch
    table = ctx.app.Table(SEEN_TABLE, partitions=ctx.config.partitions, key_type=bytes, value_type=bytes)
    seen = TableSeenUrls(table, fetch.max_seen_urls, fetch.max_seen_age, ctx.config.partitions)
    ctx.app.on_partitions_revoked.connect(seen.forget_partitions)
    fetcher = Fetcher(ctx, bootstrap, feeds, seen)

    # Many links in flight at once: the crawler's host scheduler keeps each host polite.
    @ctx.agent(LINKS, name="link-fetcher",
                        concurrency=ctx.config.fetch.global_concurrency)
    async def fetch_links(stream):
        async for event in stream.events():
            await ctx.handle(event, stage="fetcher", source=LINKS, process=fetcher.fetch_link,
                                  target=None)

    @ctx.app.timer(PENDING_TICK, name="pending-links")
    async def send_due_links() -> None:
        await fetcher.send_due_links()

    if continuous:
        @ctx.app.timer(ctx.config.poll_tick, on_leader=True, name="fetcher")
        async def poll_due_feeds() -> None:
            await fetcher.poll()
    return fetcher


def _loads(value: bytes | None):
    """A stored table value, or None when absent or not JSON."""
    try:
        return orjson.loads(value) if value else None
    except orjson.JSONDecodeError:
        return None

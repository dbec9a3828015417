"""The in-process feed crawler: poll due feeds, fetch new articles politely, publish.

No broker here: the caller passes an async ``publish(doc)`` callback (a Faust
agent sends to ``news.raw``; a test appends to a list) and, optionally, hooks to
persist per-feed state and the seen-URL store.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from ..config import FetchSettings
from ..records import RawDocument, url_id
from ..urls import canonical_url
from .dedup import NearDuplicates, SeenUrls, fingerprint, page_text
from .feedlist import FeedSpec
from .feeds import FeedEntry, ParsedFeed, parse_feed
from .http import FetchResult, HttpClient
from .metadata import article_metadata, parse_html
from .pending import LinkBackoff
from .politeness import HostScheduler
from .robots import RobotsCache
from .schedule import FeedState, entry_key, record_failure, record_success
from .stats import FetchStats
from .warc import WarcWriter

log = logging.getLogger(__name__)

Publish = Callable[[RawDocument], Awaitable[None]]
StateHook = Callable[[FeedState], Awaitable[None] | None]

# Worth another try next poll; anything else (404, robots, too large...) is final.
TRANSIENT = {"timeout", "connection_error", "truncated", "server_error", "rate_limited"}


class SeenStore(Protocol):
    """What the crawler needs from a seen-URL store (``SeenUrls``, or a table-backed one)."""

    def should_fetch(self, canonical_url: str, updated: str | None) -> bool: ...

    def remember(self, canonical_url: str, updated: str | None) -> object: ...


@dataclass
class PollReport:
    """What one ``poll_once`` did."""

    feeds_polled: int = 0
    feeds_unchanged: int = 0
    feeds_failed: int = 0
    new_entries: int = 0
    published: int = 0
    articles_failed: int = 0
    skipped: int = 0  # robots-disallowed/unavailable, or near-duplicates dropped
    deferred: int = 0  # links not tried: their backoff after a transient failure runs (no hand-off)
    given_up: int = 0  # links failing for now since ``give_up_after``: dropped (no hand-off)

    @property
    def idle(self) -> bool:
        """True when nothing new was found (``--exit-when-idle``)."""
        return self.new_entries == 0 and self.published == 0


class FeedCrawler:
    """Polls feeds and publishes ``RawDocument``s for new or updated articles.

    ``states`` restores per-feed state (``FeedState`` or its ``to_dict()``);
    ``on_state(state)`` is called after every feed poll so the caller can persist
    ``state.to_dict()``; ``seen`` may be any ``SeenStore``.  With ``hand_off``,
    polling stops at the links: each new entry goes to ``hand_off(entry)`` (the
    worker sends it to the links topic, keyed by host) and whoever owns that host
    calls ``fetch_entry``.  Without it, a link whose fetch fails for now is tried
    again only after its backoff (``pending_retry_base`` doubling to ``pending_retry_max``,
    or the server's Retry-After), in memory (``backoff``, bounded), until ``give_up_after``.
    Use as an async context manager, or call ``close()``.
    """

    def __init__(self, feeds: Iterable[FeedSpec | str], publish: Publish,
                 settings: FetchSettings | None = None, *,
                 states: Mapping[str, FeedState | dict] | None = None,
                 seen: SeenStore | None = None, on_state: StateHook | None = None,
                 stats: FetchStats | None = None, clock: Callable[[], float] = time.time,
                 hand_off: Callable[[FeedEntry], Awaitable[None]] | None = None) -> None:
        self.settings = settings or FetchSettings()
        self.publish = publish
        self.hand_off = hand_off
        self.on_state = on_state
        self.stats = stats or FetchStats()
        self.clock = clock
        self.seen: SeenStore = seen if seen is not None else SeenUrls(self.settings.max_seen_urls,
                                                                      self.settings.max_seen_age)
        self.scheduler = HostScheduler(self.settings.min_host_delay, self.settings.global_concurrency,
                                       self.settings.max_crawl_delay)
        self.warc = WarcWriter(self.settings.warc_path) if self.settings.warc_path else None
        self.client = HttpClient(self.settings, self.stats, self.scheduler, self.warc)
        self.robots = RobotsCache(self.client, self.scheduler)
        self.duplicates = NearDuplicates(self.settings.near_duplicate_threshold,
                                         self.settings.max_fingerprints)
        self.states: dict[str, FeedState] = {}
        self._restored = {url: s if isinstance(s, FeedState) else FeedState.restore(url, s, self.settings)
                          for url, s in (states or {}).items()}
        self._inflight: set[str] = set()
        self.backoff = LinkBackoff(self.settings)  # the worker keeps its own, in a table
        self.totals = PollReport()  # everything done since construction
        self.set_feeds(feeds)

    async def __aenter__(self) -> FeedCrawler:
        await self.client.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close connections and the WARC file."""
        await self.client.close()
        if self.warc is not None:
            self.warc.close()

    def set_feeds(self, feeds: Iterable[FeedSpec | str]) -> None:
        """Replace the feed list, keeping the state of feeds that stay."""
        specs = [FeedSpec(f) if isinstance(f, str) else f for f in feeds]
        old = {**self._restored, **self.states}
        self.states = {}
        for spec in specs:
            state = old.get(spec.url) or FeedState.new(spec.url, self.settings, spec.interval)
            if spec.interval is not None:
                state.interval, state.fixed_interval = float(spec.interval), True
            self.states[spec.url] = state

    def due(self, now: float | None = None) -> list[FeedState]:
        """Feeds whose next poll time has come."""
        now = self.clock() if now is None else now
        return [s for s in self.states.values() if s.is_due(now)]

    async def poll_once(self, force: bool = False) -> PollReport:
        """Poll every due feed (all of them with ``force``) and fetch their new articles.

        Returns when all of them are done: the ``--exit-when-idle`` building block.
        """
        await self.client.open()
        report = PollReport()
        targets = list(self.states.values()) if force else self.due()
        gate = asyncio.Semaphore(self.settings.max_feeds_in_flight)

        async def bounded(state: FeedState) -> None:
            async with gate:
                await self._poll_feed(state, report)

        await asyncio.gather(*(bounded(state) for state in targets))
        self._add_to_totals(report)
        return report

    def _add_to_totals(self, report: PollReport) -> None:
        """Accumulate a report into ``self.totals``."""
        for name, value in vars(report).items():
            setattr(self.totals, name, getattr(self.totals, name) + value)

    async def _poll_feed(self, state: FeedState, report: PollReport) -> None:
        """Fetch one feed, handle its new entries, update and hand over its state."""
        report.feeds_polled += 1
        started = time.perf_counter()
        try:
            parsed = await self._fetch_feed(state)
        except Exception as exc:  # noqa: BLE001 - one broken feed must not stop the others
            log.exception("feed %s: unexpected error", state.feed_url)
            parsed = FeedFailure(f"{type(exc).__name__}: {exc}")
        new = 0
        if isinstance(parsed, FeedFailure):
            report.feeds_failed += 1
            record_failure(state, parsed.error, self.clock(), self.settings, parsed.retry_after)
            log.warning("feed %s failed (%d in a row): %s", state.feed_url, state.failures, parsed.error)
        elif parsed is None:
            report.feeds_unchanged += 1
            record_success(state, 0, self.clock(), self.settings)
        else:
            new = await self._handle_entries(state, parsed.entries, report)
            record_success(state, new, self.clock(), self.settings)
        outcome = "failed" if isinstance(parsed, FeedFailure) else "new" if new else "unchanged"
        log.info("feed polled", extra={"feed": state.feed_url, "outcome": outcome, "new": new,
                                       "ms": round((time.perf_counter() - started) * 1000, 1)})
        await self._state_changed(state)

    async def _fetch_feed(self, state: FeedState) -> ParsedFeed | FeedFailure | None:
        """Conditional GET of the feed; None when unchanged (304)."""
        result = await self.client.get(state.feed_url, kind="feed", etag=state.etag,
                                       last_modified=state.last_modified)
        if result.outcome == "not_modified":
            return None
        if not result.ok:
            return FeedFailure(f"{result.outcome}: {result.error}", result.retry_after)
        parsed = parse_feed(result.body, result.final_url, result.content_type)
        if parsed.error:
            return FeedFailure(parsed.error)
        state.etag, state.last_modified = result.etag, result.last_modified
        state.feed_title = parsed.title or state.feed_title
        if parsed.sitemaps:
            await self._add_child_sitemaps(parsed)
        return parsed

    async def _add_child_sitemaps(self, index: ParsedFeed) -> None:
        """Fetch the children of a sitemap index (bounded) and pool their entries."""
        for url in index.sitemaps[: self.settings.max_child_sitemaps]:
            result = await self.client.get(url, kind="feed")
            child = parse_feed(result.body, result.final_url, result.content_type) if result.ok else None
            if child is None or child.error:
                log.warning("child sitemap %s unusable: %s", url, result.error or child and child.error)
                continue
            index.entries.extend(child.entries)

    async def _handle_entries(self, state: FeedState, entries: list[FeedEntry],
                              report: PollReport) -> int:
        """Fetch the entries this feed has not shown before; returns how many were new.

        The feed's own bounded memory answers first; the global seen-URL store
        catches entries that scrolled out of it (long sitemaps) or came via
        another feed, so they neither get fetched again nor count as news.
        """
        fresh = [e for e in entries if not state.has_seen(entry_key(e.link, e.updated))]
        wanted = [self.seen.should_fetch(canonical_url(e.link), e.updated) for e in fresh]
        new = [e for e, want in zip(fresh, wanted) if want]
        known = [entry_key(e.link, e.updated) for e, want in zip(fresh, wanted) if not want]
        if self.hand_off is None:  # links still backing off stay unseen and wait for a later poll
            now = self.clock()
            ready = [self.backoff.ready(canonical_url(e.link), now) for e in new]
            report.deferred += ready.count(False)
            new = [e for e, go in zip(new, ready) if go]
        report.new_entries += len(new)
        batch = new[: self.settings.max_articles_per_poll]
        outcomes = await asyncio.gather(*(self._article(e, report) for e in batch))
        done = [entry_key(e.link, e.updated) for e, final in zip(batch, outcomes) if final]
        state.mark_seen(known + done, self.settings.max_seen_per_feed)
        return len(new)

    async def _article(self, entry: FeedEntry, report: PollReport) -> bool:
        """Fetch and publish one article (or hand its link off); False to retry later."""
        if self.hand_off is None:
            return self._after_try(entry, await self.try_entry(entry, report), report)
        try:
            await self.hand_off(entry)
        except Exception:  # noqa: BLE001 - the entry stays unseen and is handed off next poll
            log.exception("hand-off failed for %s", entry.link)
            return False
        report.published += 1
        return True

    def _after_try(self, entry: FeedEntry, attempt: Attempt, report: PollReport) -> bool:
        """Start or extend the link's backoff after a transient failure; True when it is done
        with (fetched, failed for good, or given up after ``give_up_after``)."""
        key = canonical_url(entry.link)
        if attempt.final:
            self.backoff.done(key)
            return True
        link = {"url": entry.link, "feed_url": entry.feed_url}
        if self.backoff.failed(key, link, attempt.error or "", attempt.retry_after, self.clock()):
            return False
        log.warning("article %s given up after %.0f s of failures: %s", entry.link,
                    self.settings.give_up_after, attempt.error)
        self.stats.count("crawl", "given_up")
        report.given_up += 1
        self.seen.remember(key, entry.updated)
        return True

    async def fetch_entry(self, entry: FeedEntry, report: PollReport | None = None) -> bool:
        """Fetch and publish one feed entry, politely; False when a transient failure
        (timeout, 5xx, 429, robots.txt unreachable) says to try again later."""
        return (await self.try_entry(entry, report)).final

    async def try_entry(self, entry: FeedEntry, report: PollReport | None = None) -> Attempt:
        """``fetch_entry`` with the reason and the server's Retry-After of a transient failure."""
        report = report if report is not None else PollReport()
        canonical = canonical_url(entry.link)
        if not self.seen.should_fetch(canonical, entry.updated) or canonical in self._inflight:
            return DONE
        self._inflight.add(canonical)
        try:
            return await self._fetch_article(entry, canonical, report)
        except Exception:  # noqa: BLE001 - a poison page must not abort the poll
            log.exception("article %s: unexpected error", entry.link)
            self.stats.count("crawl", "article_error")
            report.articles_failed += 1
            return DONE
        finally:
            self._inflight.discard(canonical)

    async def _fetch_article(self, entry: FeedEntry, canonical: str, report: PollReport) -> Attempt:
        """The article fetch proper (robots, GET, document, duplicates, publish)."""
        verdict = await self.robots.verdict(entry.link)
        if verdict != "allowed":
            self.stats.count("crawl", f"robots_{verdict}")
            report.skipped += 1
            if verdict == "disallowed":
                self.seen.remember(canonical, entry.updated)
                return DONE
            return Attempt(False, "robots.txt unavailable")
        result = await self.client.get(entry.link, kind="page")
        if not result.ok:
            report.articles_failed += 1
            log.info("article %s: %s (%s)", entry.link, result.outcome, result.error)
            if result.outcome not in TRANSIENT:
                self.seen.remember(canonical, entry.updated)
                return DONE
            return Attempt(False, f"{result.outcome}: {result.error}", result.retry_after)
        doc = await asyncio.to_thread(build_document, result, entry)
        if not await self._publish_unless_duplicate(doc, report):
            return Attempt(False, "publishing to news.raw failed")
        self.seen.remember(canonical, entry.updated)
        if doc.canonical_url and doc.canonical_url != canonical:
            self.seen.remember(doc.canonical_url, entry.updated)
        return DONE

    async def _publish_unless_duplicate(self, doc: RawDocument, report: PollReport) -> bool:
        """Mark near-duplicates, then publish; False if publishing failed."""
        duplicate_of = self.duplicates.check(doc.id, doc.fingerprint or "0")
        if duplicate_of is not None:
            self.stats.count("crawl", "near_duplicate")
            log.info("%s is a near-duplicate of %s", doc.url, duplicate_of)
            doc = dataclasses.replace(doc, duplicate_of=duplicate_of)  # marked in the record
            if self.settings.drop_near_duplicates:
                report.skipped += 1
                return True
        try:
            await self.publish(doc)
        except Exception:  # noqa: BLE001 - leave the entry unseen; the next poll retries it
            log.exception("publish failed for %s", doc.url)
            self.stats.count("crawl", "publish_failed")
            return False
        self.stats.count("crawl", "published")
        report.published += 1
        return True

    async def _state_changed(self, state: FeedState) -> None:
        """Give the caller the updated state (sync or async hook)."""
        if self.on_state is None:
            return
        outcome = self.on_state(state)
        if asyncio.iscoroutine(outcome):
            await outcome


class Attempt(NamedTuple):
    """How one try at an article went: ``final`` (done, or failed for good) or worth another
    try later, with the reason and the server's Retry-After."""

    final: bool
    error: str | None = None
    retry_after: float | None = None


DONE = Attempt(True)


@dataclass
class FeedFailure:
    """Why a feed poll failed, and how long the server asked us to stay away."""

    error: str
    retry_after: float | None = None


def build_document(result: FetchResult, entry: FeedEntry | None = None) -> RawDocument:
    """A ``RawDocument`` from a fetched page and its feed entry (pure; runs in a thread)."""
    html = result.text or ""
    tree = parse_html(html)
    meta = article_metadata(html, result.final_url, entry, result.headers.get("content-language"), tree)
    canonical = canonical_url(result.final_url)
    return RawDocument(
        id=url_id(canonical), body=html, content_type="text/html", url=result.final_url,
        canonical_url=canonical, title=meta.title, origin="feed", fetched_at=result.fetched_at,
        published=meta.published, authors=list(meta.authors), language=meta.language,
        feed_url=entry.feed_url if entry else None, feed_title=entry.feed_title if entry else None,
        fingerprint=fingerprint(page_text(tree)))

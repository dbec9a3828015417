"""FeedCrawler end to end against local servers: publication, politeness, state, WARC."""

from __future__ import annotations

import random
import time
from collections import Counter

import pytest_asyncio

from newsflow.fetching import FeedCrawler, FeedSpec, FeedState, FetchSettings, iter_warc_records
from tests.fetch_server import (
    ATOM,
    RSS,
    XML,
    FetchServer,
    Route,
    article_html,
    atom_feed,
    json_feed,
    news_sitemap,
    rss_feed,
    sitemap_index,
)

SETTINGS = FetchSettings(allow_private_addresses=True, min_host_delay=0.05, backoff_base=0.05,
                         connect_timeout=2.0, read_timeout=3.0, total_timeout=5.0, poll_jitter=0)
WORDS = ("government minister said budget election court police city council report market "
         "school hospital weather storm football club season league bank rates inflation").split()


def text_for(seed: int) -> str:
    """A distinct article body per seed (so no two look like near-duplicates)."""
    rng = random.Random(seed)
    return "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(60)) for _ in range(4))


def add_articles(server: FetchServer, paths: list[str], host: int | None = None, **route) -> None:
    for n, path in enumerate(paths):
        server.add(path, Route(article_html(f"Page {path}", text_for(hash(path) + n), author="Ann"),
                               **route), host=host)


class Sink:
    """The publish callback: remembers documents and when each arrived."""

    def __init__(self) -> None:
        self.docs, self.times = [], []

    async def __call__(self, doc) -> None:
        self.docs.append(doc)
        self.times.append(time.monotonic())

    def urls(self) -> Counter:
        return Counter(d.url for d in self.docs)


@pytest_asyncio.fixture
async def server():
    srv = await FetchServer(n_hosts=3).start()
    yield srv
    await srv.stop()


def gaps(hits) -> list[float]:
    return [b.at - a.at for a, b in zip(hits, hits[1:])]


async def test_rss_and_atom_articles_published_exactly_once(server):
    rss_paths, atom_paths = ["/r/1", "/r/2", "/r/3"], ["/t/1", "/t/2"]
    add_articles(server, rss_paths + atom_paths)
    rss_items = [{"link": "{base}" + p, "title": p} for p in rss_paths]
    atom_items = [{"link": "{base}" + p, "title": p} for p in atom_paths]
    atom_items.append({"link": "{base}/r/1/?utm_source=atom#top", "title": "same as /r/1"})
    server.add("/rss", Route(rss_feed(rss_items), content_type=RSS, etag='"r1"'))
    server.add("/atom", Route(atom_feed(atom_items), content_type=ATOM, etag='"a1"'))
    sink = Sink()
    async with FeedCrawler([server.url("/rss"), server.url("/atom")], sink, SETTINGS) as crawler:
        first = await crawler.poll_once()
        second = await crawler.poll_once(force=True)
    assert sorted(sink.urls()) == sorted(server.url(p) for p in rss_paths + atom_paths)
    assert set(sink.urls().values()) == {1}
    assert all(len(server.hits(p)) == 1 for p in rss_paths + atom_paths)
    assert first.published == 5 and second.published == 0 and second.feeds_unchanged == 2
    doc = next(d for d in sink.docs if d.url == server.url("/r/2"))
    assert (doc.origin, doc.title, doc.authors, doc.language) == ("feed", "/r/2", ["Ann"], "en")
    assert doc.feed_url == server.url("/rss") and doc.feed_title == "Test RSS"
    assert doc.id.startswith("url:") and doc.fingerprint and "<article>" in doc.body


async def test_second_poll_sends_conditional_requests(server):
    add_articles(server, ["/r/1"])
    server.add("/rss", Route(rss_feed([{"link": "{base}/r/1", "title": "1"}]), content_type=RSS,
                             etag='"v1"'))
    sink = Sink()
    async with FeedCrawler([server.url("/rss")], sink, SETTINGS) as crawler:
        await crawler.poll_once()
        report = await crawler.poll_once(force=True)
    first, second = server.hits("/rss")
    assert "If-None-Match" not in first.headers
    assert second.headers["If-None-Match"] == '"v1"'
    assert second.headers["If-Modified-Since"] == FetchServer.LAST_MODIFIED
    assert report.feeds_unchanged == 1 and len(sink.docs) == 1 and len(server.hits("/r/1")) == 1


async def test_unchanged_feed_without_validators_fetches_nothing_new(server):
    add_articles(server, ["/r/1", "/r/2"])
    server.add("/rss", Route(rss_feed([{"link": "{base}/r/1", "title": "1"},
                                       {"link": "{base}/r/2", "title": "2"}]), content_type=RSS))
    sink = Sink()
    async with FeedCrawler([server.url("/rss")], sink, SETTINGS) as crawler:
        await crawler.poll_once()
        report = await crawler.poll_once(force=True)
    assert report.new_entries == 0 and len(sink.docs) == 2
    assert len(server.hits("/r/1")) == len(server.hits("/r/2")) == 1


async def test_updated_entry_is_fetched_again(server):
    add_articles(server, ["/t/1"])
    old = atom_feed([{"link": "{base}/t/1", "title": "v1", "updated": "2024-05-01T10:00:00Z"}])
    new = atom_feed([{"link": "{base}/t/1", "title": "v2", "updated": "2024-05-01T12:00:00Z"}])
    server.add("/atom", Route(old, content_type=ATOM), Route(old, content_type=ATOM),
               Route(new, content_type=ATOM))
    sink = Sink()
    async with FeedCrawler([server.url("/atom")], sink, SETTINGS) as crawler:
        for _ in range(3):
            await crawler.poll_once(force=True)
    assert [d.title for d in sink.docs] == ["v1", "v2"] and len(server.hits("/t/1")) == 2


async def test_robots_disallowed_path_never_requested(server):
    add_articles(server, ["/news/1", "/private/1", "/news/2"])
    server.add("/robots.txt", Route("User-agent: *\nDisallow: /private/\n", content_type="text/plain"))
    items = [{"link": "{base}" + p, "title": p} for p in ("/news/1", "/private/1", "/news/2")]
    server.add("/rss", Route(rss_feed(items), content_type=RSS))
    sink = Sink()
    async with FeedCrawler([server.url("/rss")], sink, SETTINGS) as crawler:
        report = await crawler.poll_once()
        await crawler.poll_once(force=True)
        assert crawler.stats.get("crawl", "robots_disallowed") == 1
    assert server.hits("/private/1") == [] and len(server.hits("/robots.txt")) == 1
    assert len(sink.docs) == 2 and report.skipped == 1


async def test_robots_server_error_postpones_articles(server):
    add_articles(server, ["/news/1"])
    server.add("/robots.txt", Route("down", status=503), Route("User-agent: *\nDisallow:\n",
                                                                content_type="text/plain"))
    server.add("/rss", Route(rss_feed([{"link": "{base}/news/1", "title": "n"}]), content_type=RSS))
    sink = Sink()
    settings = SETTINGS.replace(max_retries=0, robots_error_ttl=600)
    now = [1000.0]
    async with FeedCrawler([server.url("/rss")], sink, settings, clock=lambda: now[0]) as crawler:
        crawler.robots._clock = lambda: now[0]  # a fake clock: the error TTL passes without waiting
        first = await crawler.poll_once()
        now[0] += 601
        second = await crawler.poll_once(force=True)
    assert first.published == 0 and second.published == 1 and len(server.hits("/news/1")) == 1


async def test_requests_to_one_host_respect_delay_and_crawl_delay(server):
    paths = [f"/a/{i}" for i in range(5)]
    add_articles(server, paths)
    server.add("/robots.txt", Route("User-agent: *\nCrawl-delay: 0.3\n", content_type="text/plain"),
               host=1)
    items = [{"link": "{base}" + p, "title": p} for p in paths]
    server.add("/rss", Route(rss_feed(items), content_type=RSS))
    settings = SETTINGS.replace(min_host_delay=0.15)
    async with FeedCrawler([server.url("/rss", 0), server.url("/rss", 1)], Sink(), settings) as c:
        await c.poll_once()
    host0, host1 = server.hits(host=0), server.hits(host=1)
    assert len(host0) == len(host1) == 7  # feed, robots.txt, five articles
    assert min(gaps(host0)) >= 0.15
    assert min(gaps(host1)[1:]) >= 0.3  # crawl-delay applies once robots.txt is known


async def test_slow_and_failing_hosts_do_not_stall_others(server):
    add_articles(server, ["/s/1", "/s/2"], host=0, delay=1.0)
    add_articles(server, [f"/f/{i}" for i in range(4)], host=2)
    server.add("/rss", Route(rss_feed([{"link": "{base}/s/1", "title": "s1"},
                                       {"link": "{base}/s/2", "title": "s2"}]), content_type=RSS),
               host=0)
    server.add("/rss", Route("boom", status=500), host=1)
    server.add("/rss", Route(rss_feed([{"link": f"{{base}}/f/{i}", "title": str(i)} for i in range(4)]),
                             content_type=RSS), host=2)
    sink = Sink()
    feeds = [server.url("/rss", h) for h in range(3)]
    async with FeedCrawler(feeds, sink, SETTINGS) as crawler:
        report = await crawler.poll_once()
        failing = crawler.states[feeds[1]]
    fast = [t for d, t in zip(sink.docs, sink.times) if "/f/" in d.url]
    slow = [t for d, t in zip(sink.docs, sink.times) if "/s/" in d.url]
    assert len(fast) == 4 and len(slow) == 2 and max(fast) < min(slow)
    assert report.feeds_failed == 1 and failing.failures == 1
    assert "server_error" in failing.last_error and failing.next_due > time.time()


async def test_long_retry_after_pushes_feed_back_and_spares_the_host(server):
    server.add("/rss", Route("busy", status=429, headers={"Retry-After": "7200"}), host=0)
    add_articles(server, ["/a/1"], host=0)
    add_articles(server, ["/b/1"], host=2)
    items = [{"link": server.url("/a/1", 0), "title": "a"}, {"link": server.url("/b/1", 2), "title": "b"}]
    server.add("/rss", Route(rss_feed(items), content_type=RSS, delay=0.3), host=1)
    sink = Sink()
    async with FeedCrawler([server.url("/rss", 0), server.url("/rss", 1)], sink, SETTINGS) as crawler:
        await crawler.poll_once()
        state = crawler.states[server.url("/rss", 0)]
        assert crawler.stats.get("crawl", "robots_unavailable") == 1
        second = await crawler.poll_once(force=True)
    assert second.deferred == 1  # the spared article is still pending (backing off), not forgotten
    assert [h.path for h in server.hits(host=0)] == ["/rss"] and state.next_due >= time.time() + 7100
    assert state.last_error.startswith("rate_limited")
    assert server.hits("/a/1") == [] and [d.title for d in sink.docs] == ["b"]


async def test_a_link_failing_every_poll_backs_off_then_is_given_up(server):
    server.add("/down/1", Route("busy", status=503), host=1)
    add_articles(server, ["/up/1"], host=1)
    items = [{"link": server.url("/down/1", 1), "title": "down"}, {"link": server.url("/up/1", 1), "title": "up"}]
    server.add("/rss", Route(rss_feed(items), content_type=RSS))
    settings = SETTINGS.replace(max_retries=0, pending_retry_base=30, pending_retry_max=60, give_up_after=200)
    now = [1000.0]
    tried = []
    async with FeedCrawler([server.url("/rss")], Sink(), settings, clock=lambda: now[0]) as crawler:
        for at in (0, 10, 29, 31, 60, 92, 140, 153, 200, 214, 300, 400):  # seconds since the first poll
            now[0] = 1000.0 + at
            before = len(server.hits("/down/1"))
            report = await crawler.poll_once(force=True)
            if len(server.hits("/down/1")) > before:
                tried.append(at)
            if at == 10:
                assert (report.deferred, report.new_entries, report.published) == (1, 0, 0)
        assert len(crawler.backoff) == 0
    # waits of 30, 60, 60 (the cap), 60; the try at 214 is past give_up_after: given up, never again
    assert tried == [0, 31, 92, 153, 214]
    assert crawler.totals.given_up == 1 and crawler.stats.get("crawl", "given_up") == 1
    assert len(server.hits("/up/1")) == 1  # the working link beside it was fetched once, at once


def test_link_backoff_is_bounded_and_obeys_retry_after():
    from newsflow.fetching.pending import LinkBackoff

    backoff = LinkBackoff(SETTINGS.replace(pending_retry_base=30, pending_retry_max=60), max_links=2)
    assert backoff.failed("a", {"url": "a"}, "503", None, 0.0) and backoff.failed("b", {"url": "b"}, "503", 900.0, 0.0)
    assert not backoff.ready("a", 29.0) and backoff.ready("a", 30.0)
    assert not backoff.ready("b", 899.0) and backoff.ready("b", 900.0)  # a longer Retry-After wins
    backoff.failed("a", {"url": "a"}, "503", None, 30.0)  # a's second failure: now the latest
    backoff.failed("c", {"url": "c"}, "503", None, 31.0)
    assert len(backoff) == 2 and backoff.ready("b", 0.0)  # b, failed longest ago, was forgotten
    assert not backoff.ready("a", 89.0) and backoff.ready("a", 90.0)  # doubled
    backoff.done("a")
    assert backoff.ready("a", 31.0) and len(backoff) == 1


async def test_private_addresses_refused_without_the_flag(server):
    server.add("/rss", Route(rss_feed([]), content_type=RSS))
    async with FeedCrawler([server.url("/rss")], Sink(), FetchSettings()) as crawler:
        report = await crawler.poll_once()
        state = crawler.states[server.url("/rss")]
    assert report.feeds_failed == 1 and state.last_error.startswith("blocked_address")
    assert server.log == []


async def test_state_hook_and_restore_keep_validators(server):
    add_articles(server, ["/r/1"])
    server.add("/rss", Route(rss_feed([{"link": "{base}/r/1", "title": "1"}]), content_type=RSS,
                             etag='"v7"'))
    saved: dict[str, dict] = {}
    async with FeedCrawler([server.url("/rss")], Sink(), SETTINGS,
                           on_state=lambda s: saved.__setitem__(s.feed_url, s.to_dict())) as crawler:
        await crawler.poll_once()
    sink = Sink()
    async with FeedCrawler([server.url("/rss")], sink, SETTINGS, states=saved) as crawler:
        assert crawler.due() == []  # restored next_due lies in the future
        await crawler.poll_once(force=True)
    assert server.hits("/rss")[1].headers["If-None-Match"] == '"v7"'
    assert sink.docs == [] and FeedState.from_dict(saved[server.url("/rss")]).etag == '"v7"'


async def test_json_feed_and_sitemap_index(server):
    add_articles(server, ["/j/1", "/m/1", "/m/2"])
    server.add("/feed.json", Route(json_feed([{"link": "{base}/j/1", "title": "j1", "author": "Jo"}]),
                                   content_type="application/feed+json"))
    server.add("/news.xml", Route(news_sitemap([{"link": "{base}/m/1", "title": "m1"},
                                                {"link": "{base}/m/2", "title": "m2"}]),
                                  content_type=XML))
    server.add("/index.xml", Route(sitemap_index([server.url("/news.xml")]), content_type=XML))
    sink = Sink()
    specs = [FeedSpec(server.url("/feed.json"), interval=60, tags=("t",)), server.url("/index.xml")]
    async with FeedCrawler(specs, sink, SETTINGS) as crawler:
        await crawler.poll_once()
        assert crawler.states[server.url("/feed.json")].interval == 60
    by_title = {d.title: d for d in sink.docs}
    assert set(by_title) == {"j1", "m1", "m2"} and by_title["j1"].authors == ["Jo"]
    assert by_title["m1"].feed_title == "Test News" and by_title["m1"].published == "2024-05-01T08:00:00Z"


async def test_warc_written_and_read_back(server, tmp_path):
    paths = ["/w/1", "/w/2"]
    add_articles(server, paths)
    server.add("/rss", Route(rss_feed([{"link": "{base}" + p, "title": p} for p in paths]),
                             content_type=RSS))
    warc = tmp_path / "crawl.warc.gz"
    sink = Sink()
    async with FeedCrawler([server.url("/rss")], sink, SETTINGS.replace(warc_path=str(warc))) as c:
        await c.poll_once()
    records = list(iter_warc_records(warc))
    by_url = {r.url: r for r in records}
    for doc in sink.docs:
        assert by_url[doc.url].body.decode("utf-8") == doc.body
        assert by_url[doc.url].headers["content-type"].startswith("text/html")
        assert by_url[doc.url].date
    assert server.url("/rss") in by_url
    everything = [r.url for r in iter_warc_records(warc, only_ok=False)]
    assert server.url("/robots.txt") in everything and len(everything) == len(records) + 1


async def test_syndicated_copy_is_published_and_marked_as_near_duplicate(server):
    wire = text_for(7)
    server.add("/a/wire", Route(article_html("Storm hits coast", wire)))
    server.add("/b/wire-copy", Route(article_html("Storm hits coast", wire + " (Reporting by staff)")), host=1)
    server.add("/a/other", Route(article_html("Other story", text_for(8))))
    server.add("/rss", Route(rss_feed([{"link": "{base}/a/wire", "title": "w"}, {"link": "{base}/a/other", "title": "o"}]),
                             content_type=RSS))
    server.add("/rss", Route(rss_feed([{"link": "{base}/b/wire-copy", "title": "c"}]), content_type=RSS), host=1)
    sink = Sink()
    async with FeedCrawler([server.url("/rss")], sink, SETTINGS) as crawler:
        await crawler.poll_once()
        crawler.set_feeds([server.url("/rss", host=1)])
        await crawler.poll_once(force=True)
    by_url = {d.url: d for d in sink.docs}
    original = by_url[server.url("/a/wire")]
    assert by_url[server.url("/b/wire-copy", host=1)].duplicate_of == original.id
    assert original.duplicate_of is None and by_url[server.url("/a/other")].duplicate_of is None

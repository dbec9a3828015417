"""Fetcher bench: pages/s as the number of hosts grows, and memory per tracked item.

    python -m bench.fetching [--articles 40] [--delay 0.05] [--hosts 1,2,4,8,16]

Everything runs against a local aiohttp server listening on 127.0.0.1..N (one
loopback address per simulated host).  Politeness makes pages/s per host about
1/delay, so throughput should grow with the number of hosts until the client,
the server (same process) or the per-page work (parsing, htmldate, SimHash) is
the limit.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
import tracemalloc

from newsflow.fetching import FeedCrawler, FeedState, FetchSettings, SeenUrls
from newsflow.fetching.schedule import entry_key
from tests.fetch_server import RSS, FetchServer, Route, article_html, rss_feed

WORDS = ("government minister said budget election court police city council report market "
         "school hospital weather storm football club season league bank rates inflation").split()


def _article(seed: int) -> str:
    """A ~6 KB article page with distinct text."""
    rng = random.Random(seed)
    text = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(80)) for _ in range(8))
    return article_html(f"Article {seed}", text, author="Bench Writer")


async def _serve(hosts: int, articles: int) -> FetchServer:
    """A server with one RSS feed of ``articles`` items per host."""
    server = await FetchServer(n_hosts=hosts).start()
    items = [{"link": f"{{base}}/a/{i}", "title": f"A{i}"} for i in range(articles)]
    server.add("/rss", Route(rss_feed(items), content_type=RSS))
    for i in range(articles):
        server.add(f"/a/{i}", Route(_article(i)))
    return server


async def crawl_rate(hosts: int, articles: int, delay: float) -> tuple[int, float]:
    """Pages published and seconds taken for one poll over ``hosts`` feeds."""
    server = await _serve(hosts, articles)
    settings = FetchSettings(allow_private_addresses=True, min_host_delay=delay,
                             global_concurrency=64, max_articles_per_poll=articles, poll_jitter=0)
    published = 0

    async def publish(doc) -> None:
        nonlocal published
        published += 1

    feeds = [server.url("/rss", h) for h in range(hosts)]
    try:
        async with FeedCrawler(feeds, publish, settings) as crawler:
            start = time.perf_counter()
            await crawler.poll_once()
            return published, time.perf_counter() - start
    finally:
        await server.stop()


def memory_per(make, count: int) -> float:
    """Bytes allocated per item by ``make(i)``, kept alive until measured."""
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = [make(i) for i in range(count)]
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del kept
    return (after - before) / count


def feed_state(i: int, seen: int) -> FeedState:
    """A realistic state: validators, error text, ``seen`` entry fingerprints."""
    state = FeedState.new(f"https://news{i}.example.com/rss/world.xml", FetchSettings())
    state.etag, state.last_modified = f'"{i:x}-5f3a"', "Tue, 14 Nov 2023 22:13:20 GMT"
    state.feed_title = f"News {i} - World"
    state.mark_seen([entry_key(f"https://news{i}.example.com/2024/05/{n}/story", None)
                     for n in range(seen)], seen)
    return state


def seen_urls_bytes(count: int) -> float:
    """Bytes per URL remembered in ``SeenUrls`` (typical ~70-char URLs and ISO stamps)."""
    store = SeenUrls(count)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for i in range(count):
        store.remember(f"https://www.example{i % 500}.com/2024/05/01/politics/story-{i}-budget-vote",
                       "2024-05-01T10:00:00Z")
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=40, help="articles per host")
    parser.add_argument("--delay", type=float, default=0.05, help="min_host_delay in seconds")
    parser.add_argument("--hosts", default="1,2,4,8,16", help="comma-separated host counts")
    args = parser.parse_args()
    print(f"crawl: {args.articles} articles per host, min_host_delay={args.delay}s")
    print(f"{'hosts':>5} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'polite max':>10}")
    for hosts in (int(h) for h in args.hosts.split(",")):
        pages, seconds = asyncio.run(crawl_rate(hosts, args.articles, args.delay))
        ceiling = hosts / args.delay if args.delay else float("inf")
        print(f"{hosts:>5} {pages:>6} {seconds:>8.2f} {pages / seconds:>8.1f} {ceiling:>10.0f}")
    print("\nmemory (tracemalloc)")
    print(f"  FeedState, no seen entries : {memory_per(lambda i: feed_state(i, 0), 2000):8.0f} B")
    print(f"  FeedState, 300 seen entries: {memory_per(lambda i: feed_state(i, 300), 300):8.0f} B")
    print(f"  SeenUrls, per URL          : {seen_urls_bytes(100_000):8.0f} B")


if __name__ == "__main__":
    main()

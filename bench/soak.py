"""Soak: the worker polling a local web of 200 feeds on 50 hosts that publish over time.

    python -m bench.soak [--minutes 20] [--rate 1.0] [--poll-interval 30] [--processes 1]

A loopback site (``tests/fetch_server.py`` on 127.0.0.1..127.0.0.50, one port) serves 200
RSS feeds, 4 per host, with ETags; a publisher adds a new article to a random feed
``--rate`` times a second.  ``newsflow run --feeds`` runs against its own embedded broker
(SQLite and JSONL sinks) for ``--minutes``, then publishing stops, the pipeline gets one
poll interval plus 30 s to drain, and everything stops.  Printed: articles published vs
stored (and stored more than once), publication-to-store time p50/p99, the conditional-GET
hit rate of the feed polls, worker and broker RSS every minute, and the worker's RSS
growth from minute 5 (or 1 in a short run) to the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import orjson
from aiohttp import web

from bench.pipeline import REPO, percentile, proc_status, stop_worker
from bench.scaling import children_of
from newsflow.stream.broker import EmbeddedBroker
from tests.fetch_server import FetchServer, Route, article_html, rss_feed

HOSTS, FEEDS, ITEMS_PER_FEED = 50, 200, 20


class NewsWeb(FetchServer):
    """FetchServer whose feeds change over time: each publication bumps its feed's ETag."""

    def __init__(self) -> None:
        super().__init__(HOSTS)
        self.items: dict[int, list[dict]] = {f: [] for f in range(FEEDS)}
        self.versions: Counter = Counter()
        self.published: dict[str, float] = {}  # article path -> epoch of publication
        self.feed_requests = self.not_modified = 0

    def feed_path(self, feed: int) -> str:
        return f"/feed{feed}.xml"

    def feeds_file(self, folder: Path) -> Path:
        path = folder / "feeds.txt"
        path.write_text("".join(self.url(self.feed_path(f), host=f % HOSTS) + "\n" for f in range(FEEDS)))
        return path

    def publish(self, feed: int, rng: random.Random) -> None:
        n = self.versions[feed] = self.versions[feed] + 1
        path = f"/a/{feed}/{n}"
        who = rng.choice(["Ana Ruiz", "Karl Berg", "Nadia Haddad", "Tomas Novak"])
        text = (f"The council of district {feed} approved plan {n} on Tuesday after a long debate.\n\n"
                f'"This changes a lot for district {feed}," {who} told reporters after vote {n}.')
        self.add(path, Route(article_html(f"District {feed} approves plan {n}", text)), host=feed % HOSTS)
        self.items[feed] = ([{"link": self.url(path, host=feed % HOSTS), "title": f"Plan {n} in district {feed}"}]
                            + self.items[feed])[:ITEMS_PER_FEED]
        self.published[path] = time.time()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if not request.path.startswith("/feed"):
            return await super()._handle(request)
        feed = int(request.path[len("/feed"):-len(".xml")])
        etag = f'"{feed}-{self.versions[feed]}"'
        self.feed_requests += 1
        if request.headers.get("If-None-Match") == etag:
            self.not_modified += 1
            return web.Response(status=304, headers={"ETag": etag})
        body = rss_feed(self.items[feed], title=f"District {feed}").replace("{base}", f"http://{request.host}")
        return web.Response(body=body.encode(), content_type="application/rss+xml", headers={"ETag": etag})


class Background:
    """The web and its publisher on their own event loop in a thread."""

    def __init__(self, server: NewsWeb, rate: float) -> None:
        self.server, self.rate = server, rate
        self.loop = asyncio.new_event_loop()
        self.publishing = threading.Event()

    def start(self) -> None:
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result(10)

    async def publisher(self) -> None:
        rng = random.Random(11)
        while self.publishing.is_set():
            self.server.publish(rng.randrange(FEEDS), rng)
            await asyncio.sleep(rng.expovariate(self.rate))

    def begin_publishing(self) -> None:
        self.publishing.set()
        asyncio.run_coroutine_threadsafe(self.publisher(), self.loop)

    def stop(self) -> None:
        self.publishing.clear()
        asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)


def stored(db: Path) -> dict[str, float]:
    """Article path -> epoch first stored (from SQLite's first_seen)."""
    from datetime import datetime

    if not db.exists():
        return {}
    try:
        with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True) as conn:
            rows = conn.execute("SELECT url, first_seen FROM articles").fetchall()
    except sqlite3.OperationalError:
        return {}
    return {"/" + url.split("/", 3)[3]: datetime.fromisoformat(t).timestamp() for url, t in rows if url}


def jsonl_repeats(path: Path) -> int:
    if not path.exists():
        return 0
    ids = Counter(orjson.loads(line)["article"]["id"] for line in path.read_bytes().splitlines() if line.strip())
    return sum(n - 1 for n in ids.values())


def worker_rss_mib(pid: int) -> float:
    pids = [pid, *children_of(pid)]
    return sum(proc_status(p).get("VmRSS", 0) for p in pids) / 1024


def start_worker(bootstrap: str, folder: Path, feeds: Path, args) -> subprocess.Popen:
    interval = str(args.poll_interval)
    env = {**os.environ, "NEWSFLOW_MIN_POLL_INTERVAL": interval, "NEWSFLOW_DEFAULT_POLL_INTERVAL": interval,
           "NEWSFLOW_MAX_POLL_INTERVAL": interval, "NEWSFLOW_SINK_MAX_DELAY": "0.5"}
    cmd = [sys.executable, "-m", "newsflow.cli", "run", "--broker", bootstrap, "--data-dir", str(folder),
           "--feeds", str(feeds), "--allow-private-addresses", "--min-host-delay", "0.2",
           "--sink", f"sqlite:{folder / 'soak.sqlite3'}", "--sink", f"jsonl:{folder / 'soak.jsonl'}",
           "--processes", str(args.processes), "--log-level", "warning", "--quiet"]
    with open(folder / "worker.log", "wb") as log:
        return subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)


def soak(args) -> int:
    server = NewsWeb()  # feeds start empty: every article's latency is measured from its publication
    web_thread = Background(server, args.rate)
    web_thread.start()
    with tempfile.TemporaryDirectory(prefix="newsflow-soak-") as tmp, EmbeddedBroker() as broker:
        folder = Path(tmp)
        worker = start_worker(broker.bootstrap, folder, server.feeds_file(folder), args)
        rows, start = [], time.time()
        web_thread.begin_publishing()
        try:
            for minute in range(1, args.minutes + 1):
                while time.time() < start + 60 * minute:
                    if worker.poll() is not None:
                        raise SystemExit(f"worker exited with {worker.returncode}:\n"
                                         + (folder / "worker.log").read_text(errors="replace")[-3000:])
                    time.sleep(1)
                rows.append((minute, len(server.published), len(stored(folder / "soak.sqlite3")),
                             worker_rss_mib(worker.pid), proc_status(broker.process.pid).get("VmRSS", 0) / 1024))
                print("minute {:>3}: published {:>6}, stored {:>6}, worker RSS {:7.1f} MiB, broker RSS {:7.1f} MiB"
                      .format(*rows[-1]), flush=True)
            web_thread.publishing.clear()
            drain_until = time.time() + args.poll_interval + 30
            while time.time() < drain_until and len(stored(folder / "soak.sqlite3")) < len(server.published):
                time.sleep(1)
        finally:
            code = stop_worker(worker)
            web_thread.stop()
        done = stored(folder / "soak.sqlite3")
        repeats = jsonl_repeats(folder / "soak.jsonl")
    report(server, done, repeats, rows, args, code)
    return 0


def report(server: NewsWeb, done: dict[str, float], repeats: int, rows: list, args, code: int) -> None:
    published = server.published
    latencies = [done[p] - t for p, t in published.items() if p in done]
    missing = len(set(published) - set(done))
    first = rows[min(4, len(rows) - 1)] if len(rows) > 5 else rows[0]
    growth = (rows[-1][3] - first[3]) / first[3] if first[3] else 0.0
    load = os.getloadavg()
    print(f"\n{args.minutes} min, {args.processes} worker process(es), {FEEDS} feeds on {HOSTS} hosts, "
          f"{args.rate}/s published, poll interval {args.poll_interval} s; load average {load[0]:.1f} / {load[1]:.1f}"
          f" / {load[2]:.1f}; worker exit code {code}")
    print(f"articles published {len(published)}, stored {len(done)}, missing {missing}, "
          f"JSONL lines repeating an id {repeats}")
    if latencies:
        print(f"publication to store: p50 {percentile(latencies, 50):.1f} s, p99 {percentile(latencies, 99):.1f} s,"
              f" max {max(latencies):.1f} s (target p99 < {args.poll_interval + 10} s)")
    hit = server.not_modified / server.feed_requests if server.feed_requests else 0.0
    print(f"feed polls {server.feed_requests}, conditional-GET hits (304) {server.not_modified} ({hit:.0%})")
    print(f"worker RSS minute {first[0]} -> {rows[-1][0]}: {first[3]:.1f} -> {rows[-1][3]:.1f} MiB ({growth:+.1%};"
          f" target < +10%); broker RSS {first[4]:.1f} -> {rows[-1][4]:.1f} MiB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=20, help="how long articles are published (default 20)")
    parser.add_argument("--rate", type=float, default=1.0, help="new articles per second across all feeds")
    parser.add_argument("--poll-interval", type=int, default=30, help="every feed's poll interval in seconds")
    parser.add_argument("--processes", type=int, default=1, help="worker processes (newsflow run --processes)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the worker and the web on the way out
    return soak(args)


if __name__ == "__main__":
    sys.exit(main())

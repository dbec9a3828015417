"""Continuous operation, end to end: a local web of feeds and pages, the real broker and a real worker."""

from __future__ import annotations

import asyncio
import threading
import uuid

import orjson
import pytest

from newsflow.topics import FEED_STATE, TopicNames
from tests.conftest import run_cli
from tests.fetch_server import FetchServer, Route, article_html, atom_feed, rss_feed

pytestmark = pytest.mark.integration

DELAY = 0.3  # --min-host-delay for these runs


class LocalWeb:
    """FetchServer on its own event loop in a thread, so a worker subprocess can crawl it."""

    def __init__(self, n_hosts: int) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server = FetchServer(n_hosts)

    def __enter__(self) -> FetchServer:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result(10)
        return self.server

    def __exit__(self, *exc) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)


def story(text_id: str, n: int) -> str:
    return (f"Officials opened bridge {n} on Tuesday after two years of work, the city said. {text_id}\n\n"
            f'"It will cut commutes by half," transport director Mia Holm told reporters.')


@pytest.fixture
def web():
    with LocalWeb(n_hosts=2) as server:
        marker = uuid.uuid4().hex[:8]
        rss_items = [{"link": server.url(f"/rss/{i}"), "title": f"RSS story {i}"} for i in range(3)]
        rss_items.append({"link": server.url("/private/secret"), "title": "Disallowed"})
        atom_items = [{"link": server.url(f"/atom/{i}", host=1), "title": f"Atom story {i}"} for i in range(2)]
        atom_items.append({"link": server.url("/slow/0", host=1), "title": "Slow story"})
        server.add("/rss.xml", Route(rss_feed(rss_items), content_type="application/rss+xml", etag='"r1"'))
        server.add("/atom.xml", Route(atom_feed(atom_items), content_type="application/atom+xml", etag='"a1"'),
                   host=1)
        server.add("/robots.txt", Route("User-agent: *\nDisallow: /private/\n", content_type="text/plain"))
        for i in range(3):
            server.add(f"/rss/{i}", Route(article_html(f"RSS story {i}", story(marker, i))))
        for i in range(2):
            server.add(f"/atom/{i}", Route(article_html(f"Atom story {i}", story(marker, 10 + i))), host=1)
        server.add("/private/secret", Route(article_html("Secret", "never fetch me")))
        server.add("/broken.xml", Route("oops", status=500, content_type="text/plain"), host=1)  # a failing feed
        server.add("/slow/0", Route(article_html("Slow story", story(marker, 20)), delay=3.0), host=1)
        yield server


def run_feeds(tmp_path, web, broker, prefix: str, app_id: str):
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"{web.url('/rss.xml')}\n{web.url('/atom.xml', host=1)}\n{web.url('/broken.xml', host=1)}\n")
    out = tmp_path / "out.jsonl"
    result = run_cli("run", "--feeds", str(feeds), "--exit-when-idle", "--allow-private-addresses",
                      "--min-host-delay", str(DELAY), "--broker", broker.bootstrap, "--topic-prefix", prefix,
                      "--sink", f"jsonl:{out}", "--data-dir", str(tmp_path / "data"),
                      env={"NEWSFLOW_APP_ID": app_id}, timeout=180)
    assert result.returncode == 0, result.stderr[-4000:]
    records = [orjson.loads(line) for line in out.read_bytes().splitlines()] if out.exists() else []
    return result, records


def test_feeds_are_crawled_politely_once_and_resumed_with_conditional_requests(tmp_path, web, broker):
    prefix, app_id = f"feeds{uuid.uuid4().hex[:6]}.", f"newsflow-feeds-{uuid.uuid4().hex[:6]}"
    _, records = run_feeds(tmp_path, web, broker, prefix, app_id)

    urls = sorted(r["article"]["url"] for r in records)
    expected = sorted([web.url(f"/rss/{i}") for i in range(3)] + [web.url(f"/atom/{i}", host=1) for i in range(2)]
                      + [web.url("/slow/0", host=1)])
    assert urls == expected  # every article of both feeds, exactly once
    assert len(web.hits("/broken.xml", host=1)) >= 1  # the failing feed was tried and did not stop the run
    (slow,) = web.hits("/slow/0", host=1)
    assert max(h.at for h in web.hits(host=0) if h.path.startswith("/rss/")) < slow.at + 3.0  # not stalled
    assert all(r["attributions"] for r in records)
    assert not web.hits("/private/secret")  # robots.txt disallows it
    for host in (0, 1):
        times = [hit.at for hit in web.hits(host=host) if hit.path != "/robots.txt"]
        gaps = [b - a for a, b in zip(times, times[1:])]
        assert gaps and min(gaps) >= DELAY * 0.95, gaps

    from tests.integration.test_topics import configs

    changelogs = configs(broker.bootstrap, prefix=app_id)  # Faust's table changelogs (seen, pending, site)
    assert len([t for t in changelogs if t.endswith("-changelog")]) >= 3, changelogs
    assert all(c.get("cleanup.policy") == "compact" for t, c in changelogs.items() if t.endswith("-changelog"))
    state = TopicNames(prefix).name(FEED_STATE)
    assert configs(broker.bootstrap, [state])[state] == {"cleanup.policy": "compact"}

    page_hits = len(web.hits("/rss/0"))
    result, again = run_feeds(tmp_path, web, broker, prefix, app_id)  # a restarted worker
    assert web.hits("/rss.xml")[-1].headers.get("If-None-Match") == '"r1"'
    assert web.hits("/atom.xml", host=1)[-1].headers.get("If-None-Match") == '"a1"'
    assert len(web.hits("/rss/0")) == page_hits  # nothing refetched
    assert len(again) == len(records)  # and nothing new stored
    assert "0 new article(s)" in result.stderr

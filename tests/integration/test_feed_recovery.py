"""A host that fails for a while (503 on its pages and its robots.txt) and then recovers:
every article announced meanwhile is stored in the end (the real broker and worker)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import orjson
import pytest

from tests.conftest import REPO, run_cli, wait_for
from tests.fetch_server import Route, article_html, rss_feed
from tests.integration.test_integration_feeds import LocalWeb, story

pytestmark = pytest.mark.integration

ARTICLES = 4
FAILURES = 4  # 503s each page answers before it recovers


def start_worker(tmp_path, web, broker, marker: str, *extra: str) -> tuple[subprocess.Popen, Path, Path]:
    """A continuous worker crawling ``/rss.xml`` of ``web``, with small backoff settings."""
    feeds, out, log = tmp_path / "feeds.txt", tmp_path / "out.jsonl", tmp_path / "worker.log"
    feeds.write_text(web.url("/rss.xml") + "\n")
    cmd = [sys.executable, "-m", "newsflow.cli", "run", "--feeds", str(feeds), "--allow-private-addresses",
           "--broker", broker.bootstrap, "--topic-prefix", f"recover{marker}.", "--sink", f"jsonl:{out}",
           "--data-dir", str(tmp_path / "data"), "--min-host-delay", "0.05", "--max-retries", "0",
           "--robots-error-ttl", "0.5", "--pending-retry-base", "0.5", "--pending-retry-max", "2",
           "--log-level", "info", *extra]
    with open(log, "wb") as handle:
        worker = subprocess.Popen(cmd, cwd=REPO, stdout=handle, stderr=subprocess.STDOUT,
                                  env={**os.environ, "NEWSFLOW_APP_ID": f"recover-{marker}",
                                       "NEWSFLOW_SINK_MAX_DELAY": "0.2"})
    return worker, out, log


def stop(worker: subprocess.Popen) -> None:
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(30)
    except subprocess.TimeoutExpired:
        worker.kill()


def stored_urls(worker: subprocess.Popen, out: Path, log: Path) -> set[str]:
    assert worker.poll() is None, log.read_text()[-3000:]
    lines = out.read_bytes().splitlines() if out.exists() else []
    return {orjson.loads(line)["article"]["url"] for line in lines}


def test_articles_of_a_host_that_fails_for_a_while_are_all_stored_in_the_end(tmp_path, broker):
    with LocalWeb(n_hosts=1) as web:
        marker = uuid.uuid4().hex[:8]
        items = [{"link": web.url(f"/story/{i}"), "title": f"Story {i}"} for i in range(ARTICLES)]
        web.add("/rss.xml", Route(rss_feed(items), content_type="application/rss+xml"))
        down = Route("busy", status=503, content_type="text/plain", headers={"Retry-After": "1"})
        web.add("/robots.txt", down, down, Route("User-agent: *\nAllow: /\n", content_type="text/plain"))
        for i in range(ARTICLES):
            web.add(f"/story/{i}", *[down] * FAILURES, Route(article_html(f"Story {i}", story(marker, i))))
        worker, out, log = start_worker(tmp_path, web, broker, marker)
        try:
            def all_stored():
                found = stored_urls(worker, out, log)
                return found if len(found) == ARTICLES else None

            urls = wait_for(all_stored, 120, what="every article of the recovering host")
        finally:
            stop(worker)
        assert urls == {item["link"] for item in items}
        assert len(web.hits("/robots.txt")) >= 3  # robots.txt was unavailable, then read
        for i in range(ARTICLES):
            hits = [h.at for h in web.hits(f"/story/{i}")]
            assert len(hits) == FAILURES + 1  # tried again until it worked, and no more
            gaps = [b - a for a, b in zip(hits, hits[1:])]
            assert min(gaps) >= 0.4, gaps  # with a backoff between tries, not all at once
        assert len(out.read_bytes().splitlines()) == ARTICLES  # each stored once


def test_a_link_that_keeps_failing_is_given_up_after_its_age_and_dead_lettered(tmp_path, broker):
    with LocalWeb(n_hosts=1) as web:
        marker = uuid.uuid4().hex[:8]
        items = [{"link": web.url("/down"), "title": "Never up"}, {"link": web.url("/up"), "title": "Up"}]
        web.add("/rss.xml", Route(rss_feed(items), content_type="application/rss+xml"))
        web.add("/robots.txt", Route("User-agent: *\nAllow: /\n", content_type="text/plain"))
        web.add("/down", Route("busy", status=503, content_type="text/plain"))
        web.add("/up", Route(article_html("Up", story(marker, 1))))
        worker, out, log = start_worker(tmp_path, web, broker, marker, "--give-up-after", "3")
        prefix = f"recover{marker}."
        try:
            wait_for(lambda: stored_urls(worker, out, log) == {web.url("/up")}, 90, what="the good article")

            def given_up():
                stored_urls(worker, out, log)  # fails at once if the worker died
                result = run_cli("tail", "news.dlq", "--broker", broker.bootstrap, "--topic-prefix", prefix)
                letters = [orjson.loads(line) for line in result.stdout.splitlines()]
                return [letter for letter in letters if letter["error_type"] == "given-up"]

            (letter,) = wait_for(given_up, 60, what="the given-up dead letter")
            assert letter["stage"] == "fetcher" and orjson.loads(letter["payload"])["url"] == web.url("/down")
            assert "given up after" in letter["error"] and "server_error" in letter["error"]
            assert len(web.hits("/down")) >= 3  # tried several times, with its backoff, before giving up

            web.add("/down", Route(article_html("Back up", story(marker, 2))))  # the host is back
            resent = run_cli("dlq", "replay", "--stage", "fetcher", "--broker", broker.bootstrap,
                             "--topic-prefix", prefix)
            assert resent.returncode == 0 and "re-published 1 dead letter(s)" in resent.stderr, resent.stderr
            wait_for(lambda: web.url("/down") in stored_urls(worker, out, log), 60, what="the link sent round again")
        finally:
            stop(worker)

"""HttpClient against the local test server: every outcome the crawler relies on."""

from __future__ import annotations

import gzip

import pytest_asyncio

from newsflow.fetching import FetchSettings, FetchStats, HostScheduler, HttpClient
from tests.fetch_server import FetchServer, Route, article_html

FAST = FetchSettings(allow_private_addresses=True, min_host_delay=0.0, backoff_base=0.05,
                     connect_timeout=2.0, read_timeout=1.0, total_timeout=3.0, max_redirects=3)
FRENCH = "Le café était très animé, où l'élève a mangé une crème brûlée à côté du théâtre. " * 5


@pytest_asyncio.fixture
async def server():
    srv = await FetchServer(n_hosts=1).start()
    yield srv
    await srv.stop()


@pytest_asyncio.fixture
async def client():
    async with HttpClient(FAST, FetchStats()) as c:
        yield c


async def test_private_address_refused_by_default(server):
    server.add("/page", Route(article_html("T", "text")))
    async with HttpClient(FetchSettings()) as strict:
        by_ip = await strict.get(server.url("/page"))
        by_name = await strict.get(f"http://localhost:{server.port}/page")
    assert by_ip.outcome == "blocked_address" and by_name.outcome == "blocked_address"
    assert server.hits("/page") == []
    assert strict.stats.get("page", "blocked_address") == 2


async def test_every_redirect_hop_is_checked():
    srv = await FetchServer(n_hosts=2).start()
    try:
        srv.add("/hop", Route(status=302, headers={"Location": srv.url("/page", host=1)}), host=0)
        srv.add("/page", Route(article_html("T", "text")))
        only_first = lambda ip: ip == "127.0.0.1"  # noqa: E731 - stands in for "public"
        async with HttpClient(FetchSettings(), address_policy=only_first) as c:
            result = await c.get(srv.url("/hop"))
        assert result.outcome == "blocked_address" and "127.0.0.2" in result.error
        assert len(srv.hits("/hop")) == 1 and srv.hits("/page") == []
    finally:
        await srv.stop()


async def test_redirects_followed_and_final_url_kept(server, client):
    server.add("/r1", Route(status=301, headers={"Location": "/r2"}))
    server.add("/r2", Route(status=302, headers={"Location": server.url("/final")}))
    server.add("/final", Route(article_html("Final", "body")))
    result = await client.get(server.url("/r1"))
    assert result.ok and result.url == server.url("/r1") and result.final_url == server.url("/final")
    assert "Final" in result.text


async def test_redirect_limit(server, client):
    for i in range(6):
        server.add(f"/loop{i}", Route(status=302, headers={"Location": f"/loop{i + 1}"}))
    result = await client.get(server.url("/loop0"))
    assert result.outcome == "redirect_limit"
    assert len(server.hits()) == FAST.max_redirects + 1  # never retried


async def test_conditional_get_gets_304(server, client):
    server.add("/feed", Route("<rss/>", content_type="application/rss+xml", etag='"abc"'))
    first = await client.get(server.url("/feed"), kind="feed")
    second = await client.get(server.url("/feed"), kind="feed", etag=first.etag,
                              last_modified=first.last_modified)
    assert first.ok and second.outcome == "not_modified" and second.body == b""
    assert server.hits("/feed")[1].headers["If-None-Match"] == '"abc"'
    assert server.hits("/feed")[1].headers["If-Modified-Since"] == first.last_modified


async def test_size_cap_by_header_and_by_stream(server):
    settings = FAST.replace(max_body_bytes=10_000)
    big = "x" * 50_000
    server.add("/big", Route(article_html("Big", big)))
    server.add("/bomb", Route(article_html("Bomb", big), gzip=True))  # small on the wire
    async with HttpClient(settings) as c:
        assert (await c.get(server.url("/big"))).outcome == "too_large"
        assert (await c.get(server.url("/bomb"))).outcome == "too_large"


async def test_gzip_is_decoded(server, client):
    server.add("/gz", Route(article_html("Zipped", FRENCH), gzip=True))
    result = await client.get(server.url("/gz"))
    assert result.ok and "crème brûlée" in result.text


async def test_brotli_is_asked_for_and_decoded(server, client):
    import brotli

    body = brotli.compress(article_html("Squeezed", FRENCH).encode("utf-8"))
    server.add("/br", Route(body, headers={"Content-Encoding": "br"}))
    result = await client.get(server.url("/br"))
    assert result.ok and "crème brûlée" in result.text
    assert "br" in server.hits("/br")[0].headers.get("Accept-Encoding", "")


async def test_wrong_charset_falls_back(server, client):
    body = article_html("Café", FRENCH).encode("cp1252")
    server.add("/cp1252", Route(body, content_type="text/html; charset=utf-8"))
    result = await client.get(server.url("/cp1252"))
    assert result.ok and "crème brûlée" in result.text and result.encoding == "cp1252"
    assert client.stats.get("page", "charset_guessed") == 1


async def test_non_html_rejected_before_reading(server, client):
    server.add("/doc.pdf", Route(b"%PDF-1.4 ...", content_type="application/pdf"))
    server.add("/untyped", Route(b"\x00\x01binary", content_type=None))
    assert (await client.get(server.url("/doc.pdf"))).outcome == "bad_content_type"
    assert (await client.get(server.url("/untyped"))).outcome == "bad_content_type"


async def test_client_and_server_errors(server, client):
    server.add("/gone", Route("gone", status=410))
    server.add("/broken", Route("oops", status=500))
    assert (await client.get(server.url("/gone"))).outcome == "client_error"
    assert len(server.hits("/gone")) == 1  # 4xx is not retried
    assert (await client.get(server.url("/broken"))).outcome == "server_error"
    assert len(server.hits("/broken")) == FAST.max_retries + 1
    assert client.stats.get("page", "retried") == FAST.max_retries


async def test_retry_after_honoured_through_scheduler(server):
    server.add("/busy", Route("slow down", status=429, headers={"Retry-After": "1"}),
               Route(article_html("Now", "ok")))
    async with HttpClient(FAST, scheduler=HostScheduler(0.0, 4)) as c:
        result = await c.get(server.url("/busy"))
    first, second = server.hits("/busy")
    assert result.ok and second.at - first.at >= 1.0


async def test_long_retry_after_is_reported_not_waited(server, client):
    server.add("/busy", Route("later", status=429, headers={"Retry-After": "3600"}))
    result = await client.get(server.url("/busy"))
    assert result.outcome == "rate_limited" and result.retry_after == 3600
    assert len(server.hits("/busy")) == 1


async def test_timeout_and_truncation(server):
    server.add("/slow", Route(article_html("Slow", "z"), delay=2.0))
    server.add("/cut", Route(article_html("Cut", "y" * 5000), truncate=True))
    async with HttpClient(FAST.replace(max_retries=0)) as c:
        assert (await c.get(server.url("/slow"))).outcome == "timeout"
        assert (await c.get(server.url("/cut"))).outcome == "truncated"


async def test_non_http_scheme_refused(client):
    assert (await client.get("ftp://example.org/x")).outcome == "bad_url"
    assert (await client.get("file:///etc/passwd")).outcome == "bad_url"


async def test_gzip_feed_bytes_are_kept_for_the_parser(server, client):
    server.add("/s.xml.gz", Route(gzip.compress(b"<urlset/>"), content_type="application/x-gzip"))
    result = await client.get(server.url("/s.xml.gz"), kind="feed")
    assert result.ok and result.body[:2] == b"\x1f\x8b" and result.text is None

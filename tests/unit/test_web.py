"""The dashboard server in-process (aiohttp's test client over loopback): pages, JSON, metrics, address file."""

from __future__ import annotations

from aiohttp.test_utils import TestClient, TestServer
from prometheus_client import CollectorRegistry, Counter

from newsflow.monitor import Monitor
from newsflow.processing import extract
from newsflow.web import Dashboard, read_address, write_address


def dashboard_with_an_article() -> Dashboard:
    monitor = Monitor()
    body = 'Budget passes\n\n"This is a good day <b>for</b> the city," Mayor Ana Ruiz told reporters.\n'
    monitor.stored("sqlite:x", [extract(body, content_type="text/plain", id="doc/1")], last_sink=True)
    registry = CollectorRegistry()
    Counter("newsflow_demo", "a demo counter", registry=registry).inc()
    return Dashboard(monitor, registry, describe=lambda: {"version": "9.9"})


async def test_pages_json_and_metrics():
    async with TestClient(TestServer(dashboard_with_an_article().application())) as client:
        index = await client.get("/")
        assert index.status == 200 and "/static/dashboard.js" in await index.text()
        script = await client.get("/static/dashboard.js")
        assert script.status == 200 and script.content_type == "text/javascript"
        assert (await client.get("/static/../server.py")).status == 404
        status = await (await client.get("/api/status")).json()
        assert status["version"] == "9.9" and status["totals"]["stored"] == 1 and status["pid"]
        assert status["articles"][0]["attributions"][0]["speaker"] == "Ana Ruiz"
        page = await client.get("/article/doc%2F1")
        text = await page.text()
        assert page.status == 200 and "Ana Ruiz" in text and "<b>for</b>" not in text  # escaped
        assert (await client.get("/article/missing")).status == 404
        assert (await client.get("/api/article/doc%2F1")).status == 200
        metrics = await client.get("/metrics")
        assert "newsflow_demo_total 1.0" in await metrics.text()


async def test_start_on_a_free_port_and_refuse_a_taken_one():
    first, second = dashboard_with_an_article(), dashboard_with_an_article()
    url = await first.start("127.0.0.1", 0)
    try:
        assert url.startswith("http://127.0.0.1:") and url.endswith("/")
        port = int(url.rsplit(":", 1)[1].rstrip("/"))
        try:
            await second.start("127.0.0.1", port)
        except RuntimeError as exc:
            assert "cannot serve the dashboard" in str(exc)
        else:
            raise AssertionError("a taken port must be an error")
    finally:
        await first.stop()


def test_address_file_round_trip(tmp_path):
    assert read_address(tmp_path) is None
    write_address(tmp_path, "http://127.0.0.1:8080/")
    assert read_address(tmp_path) == "http://127.0.0.1:8080/"


async def test_a_dashboard_with_peers_merges_their_figures():
    peer = dashboard_with_an_article()
    peer_url = await peer.start("127.0.0.1", 0)
    try:
        main = Dashboard(Monitor(), peers=lambda: [peer_url, "http://127.0.0.1:9/"])
        async with TestClient(TestServer(main.application())) as client:
            status = await (await client.get("/api/status")).json()
            assert status["processes"] == 2 and status["unreachable"] == ["http://127.0.0.1:9/"]
            assert status["totals"]["stored"] == 1 and status["articles"][0]["id"] == "doc/1"
            page = await client.get("/article/doc%2F1")  # held by the peer
            assert page.status == 200 and "Ana Ruiz" in await page.text()
    finally:
        await peer.stop()


def test_child_addresses_are_read_by_slot(tmp_path):
    from newsflow.web import child_addresses

    write_address(tmp_path, "http://127.0.0.1:2/", slot=10)
    write_address(tmp_path, "http://127.0.0.1:1/", slot=2)
    write_address(tmp_path, "http://127.0.0.1:9/")  # the supervisor's own
    assert child_addresses(tmp_path) == ["http://127.0.0.1:1/", "http://127.0.0.1:2/"]

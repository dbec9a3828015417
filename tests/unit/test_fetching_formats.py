"""WARC reading (Common Crawl CC-NEWS layout), page metadata, documents, metrics."""

from __future__ import annotations

import gzip
from io import BytesIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsflow.fetching import FetchStats, WarcWriter, build_document, iter_warc_records
from newsflow.fetching.feeds import FeedEntry
from newsflow.fetching.http import FetchResult
from newsflow.fetching.metadata import article_metadata
from newsflow.records import url_id

PAGE = ('<html lang="fr-FR"><head><title>Le titre</title><meta name="author" content="Marie Curie">'
        '<meta property="article:published_time" content="2024-03-05T08:00:00+01:00"></head>'
        "<body><p>" + "Texte de l'article. " * 40 + "</p></body></html>")


def _cc_news_file(path) -> None:
    """A file shaped like CC-NEWS: warcinfo, request, response(s), metadata; gzip per record."""
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        writer.write_record(writer.create_warcinfo_record("cc.warc.gz", {"software": "test"}))
        request = StatusAndHeaders("GET /a HTTP/1.1", [("Host", "news.example")], is_http_request=True)
        writer.write_record(writer.create_warc_record("https://news.example/a", "request",
                                                      payload=BytesIO(b""), length=0,
                                                      http_headers=request))
        body = gzip.compress(PAGE.encode())
        ok = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                         ("Content-Encoding", "gzip"),
                                         ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://news.example/a", "response",
                                                      payload=BytesIO(body), length=len(body),
                                                      http_headers=ok))
        moved = StatusAndHeaders("301 Moved Permanently", [("Location", "https://news.example/b")],
                                 protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://news.example/old", "response",
                                                      payload=BytesIO(b""), length=0,
                                                      http_headers=moved))
        writer.write_record(writer.create_warc_record("https://news.example/a", "metadata",
                                                      payload=BytesIO(b"fetchTimeMs: 12\n"), length=16,
                                                      warc_content_type="application/warc-fields"))


def test_iter_warc_records_reads_cc_news_layout(tmp_path):
    path = tmp_path / "CC-NEWS-20240305.warc.gz"
    _cc_news_file(path)
    records = list(iter_warc_records(path))
    assert len(records) == 1
    url, headers, body, date = records[0]
    assert url == "https://news.example/a" and body.decode() == PAGE  # gzip undone
    assert headers["content-type"].startswith("text/html") and date
    assert [r.url for r in iter_warc_records(path, only_ok=False)] == [
        "https://news.example/a", "https://news.example/old"]


def test_our_warc_round_trip_plain(tmp_path):
    path = tmp_path / "out.warc"
    with WarcWriter(path) as writer:
        writer.write_response("https://n.org/x", 200, {"content-type": "text/html",
                                                       "content-encoding": "gzip"}, b"<p>hi</p>")
    (record,) = iter_warc_records(path)
    assert record.body == b"<p>hi</p>" and "content-encoding" not in record.headers


def test_page_metadata_when_the_feed_says_little():
    meta = article_metadata(PAGE, "https://n.org/a")
    assert meta.title == "Le titre" and meta.authors == ("Marie Curie",)
    assert meta.language == "fr" and meta.published == "2024-03-05"


def test_feed_metadata_wins_over_the_page():
    entry = FeedEntry("https://n.org/a", title="Feed title", published="2024-03-04T10:00:00Z",
                      authors=("Feed Author",), language="de")
    meta = article_metadata(PAGE, "https://n.org/a", entry)
    assert (meta.title, meta.published, meta.authors) == ("Feed title", "2024-03-04T10:00:00Z",
                                                          ("Feed Author",))
    assert meta.language == "fr"  # the page's own lang attribute is the better witness


def test_build_document_uses_final_url_for_identity():
    result = FetchResult("https://t.co/xyz", "https://www.n.org/a/?utm_source=rss", "ok",
                         status=200, headers={"content-type": "text/html"}, text=PAGE)
    doc = build_document(result, FeedEntry("https://t.co/xyz", feed_url="https://n.org/rss",
                                           feed_title="N"))
    assert doc.canonical_url == "https://n.org/a" and doc.id == url_id("https://n.org/a")
    assert doc.url == "https://www.n.org/a/?utm_source=rss" and doc.origin == "feed"
    assert doc.feed_title == "N" and len(doc.fingerprint) == 16


def test_stats_mirror_into_prometheus():
    from prometheus_client import CollectorRegistry

    registry = CollectorRegistry()
    stats = FetchStats(prometheus_registry=registry)
    stats.count("page", "ok", 3)
    stats.count("feed", "timeout")
    assert stats.as_dict() == {"feed.timeout": 1, "page.ok": 3}
    assert registry.get_sample_value("newsflow_fetch_outcomes_total",
                                     {"kind": "page", "outcome": "ok"}) == 3

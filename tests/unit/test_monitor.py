"""The dashboard's figures (rolling counts, quantiles, the monitor) and the progress output."""

from __future__ import annotations

import io
from dataclasses import replace

from newsflow.deadletter import dead_letter
from newsflow.monitor import Monitor, Quantiles, RollingCounts, feed_views
from newsflow.processing import extract
from newsflow.progress_display import ProgressDisplay, format_seconds, plain_line
from tests.conftest import SEEDS

SEED = next(SEEDS.glob("*.txt"))


def test_rolling_counts_bucket_and_forget_old_events():
    counts = RollingCounts(bucket=10, span=60)
    counts.add("stored", 2, at=1000)
    counts.add("stored", 1, at=1005)
    counts.add("stripper", 1, at=1015)
    series = counts.series(["stored", "stripper"], now=1019)
    assert series["step"] == 10 and len(series["counts"]["stored"]) == 6
    assert series["counts"]["stored"][-2:] == [3, 0] and series["counts"]["stripper"][-1] == 1
    assert counts.rate("stored", 20, now=1019) == 3 / 20
    counts.add("stored", 1, at=1100)  # the window moved on: the first buckets are gone
    assert sum(counts.series(["stored"], now=1100)["counts"]["stored"]) == 1


def test_quantiles_over_latest_samples():
    q = Quantiles(keep=100)
    assert q.summary() == {"p50": None, "p99": None, "count": 0}
    for value in range(1, 201):
        q.add(float(value))
    summary = q.summary()
    assert summary["count"] == 200 and summary["p50"] == 151.0 and summary["p99"] == 200.0  # only 101..200 kept


def test_monitor_counts_a_run_duplicates_latency_and_dead_letters():
    monitor = Monitor(tracking=True)
    record = extract(SEED.read_text(), content_type="text/plain", id="doc-1")
    monitor.given("doc-1")
    monitor.given("doc-1")  # the same id twice
    monitor.entered("doc-1", timestamp=monitor.started_at - 0.25)
    monitor.processed("stripper", 0.02)
    monitor.stored("jsonl:a", [record], last_sink=False)
    monitor.stored("sqlite:b", [record], last_sink=True)
    monitor.dead(dead_letter("stripper", ValueError("bad page"), topic="news.raw", payload=b"x"), "doc-2")
    snap = monitor.snapshot()
    assert snap["totals"]["given"] == 2 and snap["duplicates"] == 1 and snap["totals"]["stored"] == 1
    assert snap["stored_per_sink"] == {"jsonl:a": 1, "sqlite:b": 1}
    assert snap["latency_ms"]["end_to_end"]["p50"] >= 250
    assert snap["dead_letters"]["by"] == [{"stage": "stripper", "reason": "ValueError", "count": 1}]
    assert snap["dead_letters"]["latest"][0]["id"] == "doc-2"
    (article,) = snap["articles"]
    assert article["title"].startswith("Senior defense official")
    assert any(a["speaker"] == "a senior U.S. defense official" for a in article["attributions"])
    assert monitor.article("doc-1")["attributions"] and monitor.article("doc-2") is None


def test_monitor_keeps_bounded_memory_and_no_ids_when_not_tracking():
    monitor = Monitor(tracking=False, keep_articles=3)
    record = extract("Title\n\nBody text here.", content_type="text/plain", id="x")
    for n in range(10):
        monitor.given(f"id-{n}")
        monitor.stored("s", [replace(record, article=replace(record.article, id=f"id-{n}"))], last_sink=True)
    assert not monitor.given_ids and monitor.snapshot()["duplicates"] is None
    assert list(monitor.articles) == ["id-7", "id-8", "id-9"]


def test_summary_of_an_empty_run_lists_nothing_old():
    summary = Monitor(tracking=True).summary()
    assert summary["given"] == 0 and summary["articles"] == [] and summary["dead_letters"]["total"] == 0


def test_drift_is_the_share_of_removed_lines_per_site():
    monitor = Monitor()
    monitor.stripped("example.com", removed=1, kept=3)
    monitor.stripped("example.com", removed=3, kept=1)
    monitor.stripped(None, removed=5, kept=5)
    (point,) = monitor.snapshot()["drift"]["example.com"]
    assert point["share"] == 0.5 and list(monitor.drift) == ["example.com"]


def test_feed_views_put_failing_feeds_first():
    from newsflow.fetching.schedule import FeedState

    ok = FeedState("https://a.example/feed", 600.0, next_due=5.0)
    bad = FeedState("https://b.example/feed", 600.0, next_due=9.0, failures=2, last_error="timeout")
    rows = feed_views([ok, bad])
    assert [r["url"] for r in rows] == [bad.feed_url, ok.feed_url] and rows[0]["last_error"] == "timeout"
    monitor = Monitor(feeds=lambda: rows)
    assert monitor.snapshot(now=6.0)["feeds"] | {"list": None} == {"count": 2, "due": 1, "failing": 1, "list": None}


def test_plain_progress_lines_have_counts_rate_and_eta():
    figures = {"published": 10, "stripped": 8, "enriched": 6, "stored": 4, "dead": 1, "total": 10}
    line = plain_line(figures, elapsed=2.5)
    assert line.startswith("progress: 5/10 done (10 published, 8 stripped, 6 enriched, 4 stored, 1 dead-lettered)")
    assert "2.0/s" in line and "ETA 2 s" in line
    assert "ETA" not in plain_line({**figures, "total": None}, 2.5) and format_seconds(125) == "2 min 05 s"


def test_progress_display_writes_plain_lines_when_not_a_terminal():
    stream = io.StringIO()
    display = ProgressDisplay(lambda: {"published": 3, "stored": 1, "dead": 0, "total": 3}, stream=stream)
    assert display.bar is None
    display.update()  # throttled: nothing yet
    display.update(force=True)
    display.close()
    assert stream.getvalue().count("\n") == 1 and "1/3 done" in stream.getvalue() and "\x1b" not in stream.getvalue()


def test_progress_display_draws_a_tqdm_bar_on_a_terminal():
    stream = io.StringIO()
    display = ProgressDisplay(lambda: {"published": 4, "stored": 2, "dead": 0, "total": 4}, stream=stream, tty=True)
    display.update(force=True)
    display.close()
    out = stream.getvalue()
    assert "2/4" in out and "4 published" in out and display.bar is None


def test_series_starts_with_the_worker_but_spans_a_minute_at_least():
    counts = RollingCounts(bucket=5, span=600)
    counts.add("stored", 1, at=1000)
    assert len(counts.series(["stored"], now=1001, since=1000)["counts"]["stored"]) == 12
    long_run = counts.series(["stored"], now=1300, since=1000)
    assert long_run["start"] == 1000 and len(long_run["counts"]["stored"]) == 61
    assert len(counts.series(["stored"], now=5000, since=1000)["counts"]["stored"]) == 120  # the whole window


def test_snapshots_of_several_processes_merge():
    from newsflow.monitor import merge_snapshots

    first, second = Monitor(bucket=5), Monitor(bucket=5)
    record = extract("Budget passes\n\n\"Good day,\" Mayor Ana Ruiz said.\n", content_type="text/plain", id="a")
    first.stored("sqlite:x", [record], last_sink=True)
    first.entered("b", first.started_at - 1)
    second.stored("sqlite:x", [replace(record, article=replace(record.article, id="b"))], last_sink=True)
    second.dead(dead_letter("attributor", ValueError("x"), topic="news.clean", payload=b"{}"), "c")
    second.lag = lambda: {"news.raw": 4}
    first.lag = lambda: {"news.raw": 1, "news.clean": 2}
    merged = merge_snapshots([first.snapshot(), second.snapshot()])
    assert merged["totals"]["stored"] == 2 and merged["stored_per_sink"] == {"sqlite:x": 2}
    assert merged["lag"] == {"news.raw": 5, "news.clean": 2}
    assert merged["dead_letters"]["by"] == [{"stage": "attributor", "reason": "ValueError", "count": 1}]
    assert {a["id"] for a in merged["articles"]} == {"a", "b"}
    assert sum(merged["throughput"]["counts"]["stored"]) == 2
    assert merge_snapshots([first.snapshot()])["totals"]["stored"] == 1


def test_run_summary_text_for_one_and_several_processes():
    from newsflow.cli.summary import format_run_summary

    monitor = Monitor(tracking=True, sink_stats=lambda: {"sqlite:x": {"inserted": 2, "updated": 0, "unchanged": 1}})
    monitor.given("a")
    monitor.given("a")
    monitor.dead(dead_letter("replay", "unsupported file type", topic="x.bin", payload=b""))
    text = format_run_summary(monitor.summary())
    assert "2 document(s) given, 1 of them a duplicate id" in text and "sqlite:x: 2 new, 0 updated, 1 unchanged" in text
    assert "1 from replay: Error" in text
    supervisor = Monitor(tracking=True)
    supervisor.stored_per_sink["jsonl:y"] += 3
    assert "jsonl:y: 3 stored" in format_run_summary(supervisor.summary())

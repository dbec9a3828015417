"""What a worker did, for the dashboard, ``/api/status``, progress lines and the end-of-run summary.

Pure (no Faust, no Kafka): the stream layer calls the ``Monitor`` hooks as messages
flow, and asks ``snapshot()`` for a JSON-able view.  Memory is bounded whatever the
run's length: counts live in a rolling window of fixed buckets, latencies in the
latest samples, articles and dead letters in short queues.
"""

from __future__ import annotations

import time
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

STAGES = ("given", "fetcher", "stripper", "attributor", "stored", "dead")


class RollingCounts:
    """Events per key in fixed time buckets over the last ``span`` seconds."""

    def __init__(self, bucket: float = 5.0, span: float = 600.0) -> None:
        self.bucket = bucket
        self.size = int(span // bucket)
        self.buckets: deque[tuple[int, Counter]] = deque()  # (bucket number, counts), oldest first

    def add(self, key: str, n: int = 1, at: float | None = None) -> None:
        number = int((time.time() if at is None else at) // self.bucket)
        if not self.buckets or self.buckets[-1][0] < number:
            self.buckets.append((number, Counter()))
        # A late event (clock step, out-of-order caller) lands in the newest bucket.
        self.buckets[-1][1][key] += n
        while self.buckets and self.buckets[0][0] <= number - self.size:
            self.buckets.popleft()

    def series(self, keys: Iterable[str], now: float | None = None, since: float | None = None,
               at_least: int = 12) -> dict[str, Any]:
        """Counts per bucket over the window (from ``since`` if later, but ``at_least`` buckets),
        zeros filled in, oldest first.  ``start`` is the first bucket's start (epoch seconds),
        ``step`` its width."""
        last = int((time.time() if now is None else now) // self.bucket)
        first = last - self.size + 1
        if since is not None:
            first = max(first, min(int(since // self.bucket), last - at_least + 1))
        by_number = {number: counts for number, counts in self.buckets}
        return {"start": first * self.bucket, "step": self.bucket,
                "counts": {k: [by_number.get(n, Counter())[k] for n in range(first, last + 1)] for k in keys}}

    def rate(self, key: str, seconds: float = 60.0, now: float | None = None) -> float:
        """Events per second over the last ``seconds`` (whole buckets)."""
        last = int((time.time() if now is None else now) // self.bucket)
        count = max(1, int(seconds // self.bucket))
        total = sum(c[key] for number, c in self.buckets if number > last - count)
        return total / (count * self.bucket)


class Quantiles:
    """Quantiles over the latest ``keep`` samples (exact; sorting a few thousand floats is cheap)."""

    def __init__(self, keep: int = 2000) -> None:
        self.samples: deque[float] = deque(maxlen=keep)
        self.count = 0

    def add(self, value: float) -> None:
        self.samples.append(value)
        self.count += 1

    def quantile(self, q: float) -> float | None:
        if not self.samples:
            return None
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def summary(self) -> dict[str, Any]:
        return {"p50": self.quantile(0.5), "p99": self.quantile(0.99), "count": self.count}


def dead_letter_reason(letter: Any) -> str:
    """A dead letter's reason: its ``reason`` field when the record has one, else the error type."""
    return getattr(letter, "reason", None) or getattr(letter, "error_type", None) or "unknown"


def article_view(record: Any, stored_at: float) -> dict[str, Any]:
    """The part of an enriched article the dashboard shows."""
    article = record.article
    return {"id": article.id, "title": article.title, "url": article.url, "stored_at": stored_at,
            "paragraphs": len(article.paragraphs), "characters": len(article.body),
            "attributions": [{"speaker": a.speaker, "cue": a.cue, "kind": a.kind, "content": a.content}
                             for a in record.attributions]}


@dataclass
class Monitor:
    """The figures of one worker process since it started (``tracking``: also which ids were
    given, for the duplicate count of an exit-when-idle run; a long-running worker keeps none)."""

    tracking: bool = False
    bucket: float = 5.0
    span: float = 600.0
    keep_articles: int = 200
    started_at: float = field(default_factory=time.time)
    totals: Counter = field(default_factory=Counter)
    stored_per_sink: Counter = field(default_factory=Counter)
    duplicates: int = 0
    dead_by: Counter = field(default_factory=Counter)  # (stage, reason) -> count
    latest_dead: deque = field(default_factory=lambda: deque(maxlen=10))
    # Providers the stream layer plugs in: each returns JSON-able figures when asked.
    lag: Callable[[], dict[str, int]] | None = None
    feeds: Callable[[], list[dict[str, Any]]] | None = None
    sink_stats: Callable[[], dict[str, dict[str, int]]] | None = None

    def __post_init__(self) -> None:
        self.window = RollingCounts(self.bucket, self.span)
        self.latency = Quantiles()
        self.stage_ms: dict[str, Quantiles] = {}
        self.given_ids: set[str] = set()
        self.raw_seen: OrderedDict[str, float] = OrderedDict()  # id -> epoch its news.raw message was written
        self.articles: OrderedDict[str, dict[str, Any]] = OrderedDict()  # latest stored, newest last
        self.drift: dict[str, deque] = {}  # site -> (bucket start, removed share) samples
        self.offsets: dict[tuple[str, int], int] = {}  # (topic, partition) -> last offset handled

    def _count(self, key: str, n: int = 1) -> None:
        self.totals[key] += n
        self.window.add(key, n)

    def given(self, doc_id: str) -> None:
        """A document was published into news.raw (replay or feed)."""
        self._count("given")
        if self.tracking:
            if doc_id in self.given_ids:
                self.duplicates += 1
            self.given_ids.add(doc_id)

    def consumed(self, topic: str, partition: int, offset: int) -> None:
        self.offsets[(topic, partition)] = offset

    def entered(self, doc_id: str, timestamp: float) -> None:
        """The stripper received a document whose news.raw message was written at ``timestamp``."""
        self.raw_seen[doc_id] = timestamp
        while len(self.raw_seen) > 10_000:
            self.raw_seen.popitem(last=False)

    def processed(self, stage: str, seconds: float) -> None:
        self._count(stage)
        self.stage_ms.setdefault(stage, Quantiles(500)).add(seconds * 1000)

    def stripped(self, site: str | None, removed: int, kept: int) -> None:
        """Share of a page's lines the stripper removed, per site (extraction drift)."""
        if not site or removed + kept == 0:
            return
        samples = self.drift.setdefault(site, deque(maxlen=120))
        start = time.time() // 60 * 60  # one point a minute: the average share in it
        share = removed / (removed + kept)
        if samples and samples[-1][0] == start:
            _, total, n = samples[-1]
            samples[-1] = (start, total + share, n + 1)
        else:
            samples.append((start, share, 1))
        while len(self.drift) > 50:  # keep the most recently seen sites
            self.drift.pop(next(iter(self.drift)))

    def stored(self, sink_name: str, records: list, *, last_sink: bool) -> None:
        """A batch reached a sink; after the last sink the articles count as stored."""
        self.stored_per_sink[sink_name] += len(records)
        if not last_sink:
            return
        now = time.time()
        self._count("stored", len(records))
        for record in records:
            entered = self.raw_seen.pop(record.id, None)
            if entered is not None:
                self.latency.add(max(0.0, now - entered) * 1000)
            self.articles.pop(record.id, None)
            self.articles[record.id] = article_view(record, now)
            if len(self.articles) > self.keep_articles:
                self.articles.popitem(last=False)

    def dead(self, letter: Any, doc_id: str | None = None) -> None:
        reason = dead_letter_reason(letter)
        self._count("dead")
        self.dead_by[(letter.stage, reason)] += 1
        self.latest_dead.append({"stage": letter.stage, "reason": reason, "error": letter.error[:300],
                                 "id": doc_id, "topic": letter.topic, "failed_at": letter.failed_at})

    def article(self, doc_id: str) -> dict[str, Any] | None:
        return self.articles.get(doc_id)

    def snapshot(self, now: float | None = None) -> dict[str, Any]:
        """Every figure the dashboard shows, as JSON-able values."""
        now = time.time() if now is None else now
        series = self.window.series(STAGES, now, since=self.started_at)
        return {
            "started_at": self.started_at,
            "now": now,
            "uptime_s": now - self.started_at,
            "totals": {k: self.totals[k] for k in STAGES},
            "duplicates": self.duplicates if self.tracking else None,
            "stored_per_sink": dict(self.stored_per_sink),
            "sinks": self.sink_stats() if self.sink_stats else {},
            "throughput": series,
            "rates_per_s": {k: self.window.rate(k, 60.0, now) for k in STAGES},
            "latency_ms": {"end_to_end": self.latency.summary(),
                           "stages": {s: q.summary() for s, q in self.stage_ms.items()}},
            "lag": self.lag() if self.lag else {},
            "dead_letters": {**self._dead_letters(), "latest": list(reversed(self.latest_dead))},
            "feeds": self._feeds(now),
            "articles": [_brief(a) for a in reversed(self.articles.values())][:20],
            "drift": {site: [{"t": t, "share": round(total / n, 4)} for t, total, n in samples]
                      for site, samples in self.drift.items()},
        }

    def summary(self, articles: int = 5) -> dict[str, Any]:
        """This process's run so far, for the end-of-run summary."""
        return {"given": self.totals["given"], "duplicates": self.duplicates,
                "sinks": self.sink_stats() if self.sink_stats else {},
                "stored_per_sink": dict(self.stored_per_sink),
                "dead_letters": self._dead_letters(),
                "articles": list(self.articles.values())[::-1][:articles]}

    def _dead_letters(self) -> dict[str, Any]:
        return {"total": self.totals["dead"],
                "by": [{"stage": s, "reason": r, "count": c} for (s, r), c in self.dead_by.most_common()]}

    def _feeds(self, now: float) -> dict[str, Any]:
        feeds = self.feeds() if self.feeds else []
        return {"count": len(feeds), "due": sum(1 for f in feeds if (f.get("next_due") or 0) <= now),
                "failing": sum(1 for f in feeds if f.get("failures")), "list": feeds[:50]}


def _brief(article: dict[str, Any]) -> dict[str, Any]:
    """An article for the list: the first few attributions only."""
    return {**article, "attributions": article["attributions"][:3], "attribution_count": len(article["attributions"])}


def feed_views(states: Iterable[Any]) -> list[dict[str, Any]]:
    """Feed states (``newsflow.fetching.FeedState``) as the dashboard's rows, failing ones first."""
    rows = [{"url": s.feed_url, "title": s.feed_title, "last_polled": s.last_polled, "next_due": s.next_due,
             "failures": s.failures, "last_error": s.last_error, "last_new": s.last_new_entries} for s in states]
    return sorted(rows, key=lambda r: (-r["failures"], r["next_due"] or 0))


def merge_snapshots(snapshots: list[dict[str, Any]]) -> dict[str, Any]:
    """One view of several worker processes' ``snapshot()`` (``run --processes N``): counts, rates,
    lag and dead letters add up; articles and dead letters interleave by time; latency quantiles
    cannot be merged exactly, so p50 is the sample-weighted mean of the p50s and p99 the largest p99."""
    if len(snapshots) == 1:
        return snapshots[0]
    merged = dict(snapshots[0])
    merged["totals"] = _add([s["totals"] for s in snapshots])
    merged["rates_per_s"] = _add([s["rates_per_s"] for s in snapshots])
    merged["stored_per_sink"] = _add([s["stored_per_sink"] for s in snapshots])
    merged["lag"] = _add([s["lag"] for s in snapshots])
    merged["duplicates"] = None if any(s["duplicates"] is None for s in snapshots) else \
        sum(s["duplicates"] for s in snapshots)
    merged["started_at"] = min(s["started_at"] for s in snapshots)
    merged["uptime_s"] = max(s["uptime_s"] for s in snapshots)
    merged["throughput"] = _merge_series([s["throughput"] for s in snapshots])
    merged["latency_ms"] = {"end_to_end": _merge_quantiles([s["latency_ms"]["end_to_end"] for s in snapshots]),
                            "stages": {stage: _merge_quantiles([s["latency_ms"]["stages"][stage] for s in snapshots
                                                                if stage in s["latency_ms"]["stages"]])
                                       for stage in {k for s in snapshots for k in s["latency_ms"]["stages"]}}}
    by: Counter = Counter()
    for s in snapshots:
        for d in s["dead_letters"]["by"]:
            by[(d["stage"], d["reason"])] += d["count"]
    latest = sorted((d for s in snapshots for d in s["dead_letters"]["latest"]),
                    key=lambda d: d.get("failed_at") or "", reverse=True)[:10]
    merged["dead_letters"] = {"total": sum(s["dead_letters"]["total"] for s in snapshots),
                              "by": [{"stage": st, "reason": r, "count": c} for (st, r), c in by.most_common()],
                              "latest": latest}
    feeds = [f for s in snapshots for f in s["feeds"]["list"]]
    merged["feeds"] = {k: sum(s["feeds"][k] for s in snapshots) for k in ("count", "due", "failing")} | {"list": feeds}
    merged["articles"] = sorted((a for s in snapshots for a in s["articles"]), key=lambda a: -a["stored_at"])[:20]
    merged["drift"] = {site: points for s in snapshots for site, points in s["drift"].items()}
    merged["sinks"] = {name: _add([s["sinks"][name] for s in snapshots if name in s["sinks"]])
                       for name in {n for s in snapshots for n in s["sinks"]}}
    return merged


def _add(counts: list[dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = {}
    for c in counts:
        for k, v in c.items():
            total[k] = total.get(k, 0) + v
    return total


def _merge_series(series: list[dict[str, Any]]) -> dict[str, Any]:
    """Align the windows on their bucket start times (same step) and add them up."""
    step = series[0]["step"]
    start = min(s["start"] for s in series)
    length = max(int(round((s["start"] - start) / step)) + len(next(iter(s["counts"].values()), [])) for s in series)
    counts: dict[str, list[int]] = {}
    for s in series:
        offset = int(round((s["start"] - start) / step))
        for key, values in s["counts"].items():
            row = counts.setdefault(key, [0] * length)
            for i, v in enumerate(values):
                row[offset + i] += v
    return {"start": start, "step": step, "counts": counts}


def _merge_quantiles(summaries: list[dict[str, Any]]) -> dict[str, Any]:
    known = [q for q in summaries if q["p50"] is not None]
    count = sum(q["count"] for q in summaries)
    if not known:
        return {"p50": None, "p99": None, "count": count}
    weight = sum(q["count"] for q in known) or 1
    return {"p50": sum(q["p50"] * q["count"] for q in known) / weight, "p99": max(q["p99"] for q in known),
            "count": count}

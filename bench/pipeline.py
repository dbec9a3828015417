"""End to end: throughput, latency and memory through the real broker and a real worker.

    python -m bench.pipeline [--articles N] [--source synthetic|boilerplate|seed]
                             [--sink sqlite|jsonl|postgres] [--postgres-url URL]

Starts the embedded broker and a ``newsflow run`` worker subprocess, waits until a
probe document is stored, publishes N documents to ``news.raw`` with a plain aiokafka
producer (send time per id), polls the store until all N are there and prints:
wall time, articles/s, p50/p95/p99 latency (store ``first_seen`` minus send time),
peak RSS and CPU seconds of the worker and the broker; then the in-process cost of
each stage on the same documents (single core, no broker) for comparison.

Sources: ``synthetic`` (short generated news articles with quotes), ``boilerplate``
(real pages of the shared benchmark, ``../shared/bench/boilerplate`` or
``$NEWSFLOW_BENCH_DIR/boilerplate``; never copied into the repo), ``seed`` (the seed
article under N distinct URLs).
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import orjson

from newsflow import codec, schemas
from newsflow.config import build_config
from newsflow.processing import clean_document, enrich
from newsflow.records import RawDocument
from newsflow.replay import iter_documents, make_document
from newsflow.stream.broker import EmbeddedBroker
from newsflow.stream.kafka import ensure_topics, producer, raw_key
from newsflow.topics import TopicNames

REPO = Path(__file__).resolve().parent.parent
NAMES = TopicNames()
POSTGRES_URL = os.environ.get("NEWSFLOW_TEST_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")
DEFAULT_ARTICLES = {"synthetic": 2000, "boilerplate": 500, "seed": 1000}


class BenchSkip(Exception):
    """The requested source or store is not available here; the bench says why and exits 0."""


# --------------------------------------------------------------------------- sources

FIRST = "Ana Maria Lena Tomas Jonas Sara Pedro Irene Karl Nadia".split()
LAST = "Ruiz Berg Okafor Lindqvist Moreau Tanaka Novak Haddad Silva Brennan".split()
ROLES = "Mayor Minister Councillor Professor Inspector Director Senator".split()
TOPICS = "budget bridge hospital election flood school strike harbour railway court".split()
CUES = "said told reporters added warned explained".split()
FILLER = ("The decision followed weeks of debate in the regional assembly. Officials expect the plan to "
          "take effect early next year, although several details remain unresolved. Local groups have "
          "asked for more information about costs and timing.")


def synthetic_article(i: int, rnd: random.Random) -> RawDocument:
    """A short plain-text news story with two direct quotes and one reported statement."""
    topic, role = rnd.choice(TOPICS), rnd.choice(ROLES)
    who = [f"{rnd.choice(FIRST)} {rnd.choice(LAST)}" for _ in range(2)]
    title = f"{topic.title()} plan moves ahead in district {i % 50}"
    paragraphs = [
        f"The {topic} plan for district {i % 50} was approved on Tuesday after a long session, officials said.",
        f'"This is a good day for everyone who depends on the {topic}," {role} {who[0]} {rnd.choice(CUES)}.',
        FILLER,
        f"{who[1]}, a spokesperson for the opposition, said the vote had been rushed and that residents "
        f"deserved a second hearing.",
        f'"We will keep watching every step of this," {who[1].split()[1]} added. "Nothing is settled yet."',
    ]
    url = f"https://news{i % 20}.bench.example/{topic}/{i:06d}"
    return make_document(title + "\n\n" + "\n\n".join(paragraphs), content_type="text/plain", url=url,
                         title=title)


def synthetic_docs(n: int, seed: int = 7) -> list[RawDocument]:
    """``n`` deterministic synthetic articles, each with its own URL (so its own id)."""
    rnd = random.Random(seed)
    return [synthetic_article(i, rnd) for i in range(n)]


def seed_docs(n: int) -> list[RawDocument]:
    """The seed article(s) of ``seeds/`` repeated under ``n`` distinct URLs."""
    seeds = [d for d in iter_documents([REPO / "seeds"]) if isinstance(d, RawDocument)]
    if not seeds:
        raise BenchSkip(f"no seed article in {REPO / 'seeds'}")
    return [make_document(seeds[i % len(seeds)].body, content_type=seeds[i % len(seeds)].content_type,
                          title=seeds[i % len(seeds)].title, url=f"https://seed.bench.example/{i:06d}")
            for i in range(n)]


def boilerplate_dir() -> Path:
    """The shared boilerplate benchmark: $NEWSFLOW_BENCH_DIR/boilerplate, else ../shared/bench/boilerplate."""
    env = os.environ.get("NEWSFLOW_BENCH_DIR")
    return (Path(env) if env else REPO.parent / "shared" / "bench") / "boilerplate"


def boilerplate_docs(n: int | None) -> list[RawDocument]:
    """Up to ``n`` real HTML pages (all when None or more than there are), each under a distinct bench URL."""
    pages = sorted(boilerplate_dir().glob("*/html/*.html.gz"))
    if not pages:
        raise BenchSkip(f"boilerplate pages not found under {boilerplate_dir()} (set NEWSFLOW_BENCH_DIR)")
    docs = []
    for page in pages[:n]:
        html = gzip.decompress(page.read_bytes()).decode("utf-8", errors="replace")
        # A bench URL per file: some sets have no real URL, and the host keys news.raw.
        url = f"https://{page.parent.parent.name.replace('_', '-')}.bench.example/{page.name[:-8]}"
        docs.append(make_document(html, content_type="text/html", url=url))
    return docs


def load_docs(source: str, n: int | None) -> list[RawDocument]:
    """The documents to publish for ``source``; ``n`` None means the source's default."""
    n = n or DEFAULT_ARTICLES[source]
    if source == "boilerplate":
        return boilerplate_docs(n)
    return synthetic_docs(n) if source == "synthetic" else seed_docs(n)


# --------------------------------------------------------------------------- stores (read side)

def iso_epoch(value) -> float:
    """Epoch seconds of a SQLite ISO string or a PostgreSQL datetime."""
    return value.timestamp() if isinstance(value, datetime) else datetime.fromisoformat(value).timestamp()


class SqliteStore:
    """Reads ``first_seen`` (UTC ISO, millisecond resolution) from the worker's SQLite file."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "x.sqlite3"
        self.spec = f"sqlite:{self.path}"

    def seen(self) -> dict[str, float]:
        """id -> first_seen epoch for every stored article (empty while the file/tables are missing)."""
        if not self.path.exists():
            return {}
        try:
            with sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True) as conn:
                rows = conn.execute("SELECT id, first_seen FROM articles").fetchall()
        except sqlite3.OperationalError:  # tables not created yet, or a writer holds the lock
            return {}
        return {i: iso_epoch(t) for i, t in rows}

    def close(self) -> None:
        """Nothing to clean up: the file lives in the temporary folder."""


class JsonlStore:
    """A JSONL file has no timestamps: an article's time is when a poll first saw its line."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "x.jsonl"
        self.spec = f"jsonl:{self.path}"
        self.offset, self.times = 0, {}

    def seen(self) -> dict[str, float]:
        """Read the lines appended since the last poll; resolution is the poll interval."""
        if not self.path.exists():
            return {}
        now = time.time()
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            data = f.read()
        complete = data[: data.rfind(b"\n") + 1]  # a half-written last line waits for the next poll
        self.offset += len(complete)
        for line in complete.splitlines():
            self.times.setdefault(orjson.loads(line)["article"]["id"], now)
        return dict(self.times)

    def close(self) -> None:
        """Nothing to clean up: the file lives in the temporary folder."""


class PostgresStore:
    """Reads ``first_seen`` (timestamptz, the write transaction's start) from a throwaway schema."""

    def __init__(self, folder: Path, url: str = POSTGRES_URL) -> None:
        import psycopg

        try:
            psycopg.connect(url, connect_timeout=3).close()
        except psycopg.OperationalError as exc:
            raise BenchSkip(f"PostgreSQL at {url} unreachable: {str(exc).strip().splitlines()[0]}") from None
        self.url, self.schema = url, f"newsflow_bench_{uuid.uuid4().hex[:8]}"
        self.spec = f"{url}{'&' if '?' in url else '?'}schema={self.schema}"

    def seen(self) -> dict[str, float]:
        """id -> first_seen epoch (empty while the worker is still creating the schema)."""
        import psycopg

        try:
            with psycopg.connect(self.url, autocommit=True) as conn:
                rows = conn.execute(f'SELECT id, first_seen FROM "{self.schema}".articles').fetchall()
        except psycopg.errors.UndefinedTable:
            return {}
        return {i: iso_epoch(t) for i, t in rows}

    def close(self) -> None:
        """Drop the throwaway schema."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')


def open_store(kind: str, folder: Path, postgres_url: str):
    """The read side of the sink the worker will write to."""
    if kind == "postgres":
        return PostgresStore(folder, postgres_url)
    return JsonlStore(folder) if kind == "jsonl" else SqliteStore(folder)


# --------------------------------------------------------------------------- processes

def proc_status(pid: int) -> dict[str, int]:
    """VmRSS/VmHWM (KiB) of a live process; empty once it is gone."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return {k: int(v.split()[0]) for k, _, v in (line.partition(":") for line in lines) if k in ("VmRSS", "VmHWM")}


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a live process has used so far (0 once it is gone); pid 0: the whole machine."""
    if pid == 0:  # other engineers' tests share these cores: the machine's total shows how much
        ticks = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        return (sum(map(int, ticks)) - int(ticks[3]) - int(ticks[4])) / os.sysconf("SC_CLK_TCK")
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Sampler:
    """Samples peak RSS (VmHWM) and CPU time of some processes in a background thread."""

    pids: dict[str, int]
    interval: float = 0.2
    peak_kib: dict[str, int] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    history: list[tuple[float, dict[str, float]]] = field(default_factory=list)  # (epoch, CPU s by name)
    _stop: threading.Event = field(default_factory=threading.Event)

    def sample(self) -> None:
        """One reading; VmHWM is already a peak, sampling only guards against a late exit."""
        for name, pid in self.pids.items():
            status = proc_status(pid)
            peak = max(status.get("VmHWM", 0), status.get("VmRSS", 0))
            self.peak_kib[name] = max(self.peak_kib.get(name, 0), peak)
            self.cpu[name] = max(self.cpu.get(name, 0.0), cpu_seconds(pid))
        self.history.append((time.time(), dict(self.cpu)))

    def busy(self, name: str, start: float, end: float) -> float:
        """Share of one core ``name`` used between two epoch times (from the nearest samples)."""
        inside = [(t, cpu[name]) for t, cpu in self.history if start <= t <= end]
        if len(inside) < 2:
            return 0.0
        (t0, c0), (t1, c1) = inside[0], inside[-1]
        return (c1 - c0) / (t1 - t0)

    def run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> Sampler:
        self.sample()
        threading.Thread(target=self.run, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self.sample()


def start_worker(bootstrap: str, folder: Path, sink_spec: str, profile: Path | None = None) -> subprocess.Popen:
    """``newsflow run`` against our broker, logging to ``folder/worker.log`` (under cProfile with ``profile``)."""
    env = {**os.environ, "NEWSFLOW_SINK_MAX_DELAY": "0.2"}
    runner = ["-m", "cProfile", "-o", str(profile.resolve())] if profile else []
    cmd = [sys.executable, *runner, "-m", "newsflow.cli", "run", "--broker", bootstrap, "--data-dir", str(folder),
           "--sink", sink_spec, "--log-level", "warning"]
    with open(folder / "worker.log", "wb") as log:
        return subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)


def stop_worker(process: subprocess.Popen) -> int:
    """SIGTERM, then wait (kill after 30 s); returns the exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


# --------------------------------------------------------------------------- publishing and waiting

async def publish(client, docs: list[RawDocument]) -> dict[str, float]:
    """Send every doc to news.raw without waiting per message; returns id -> send time (epoch)."""
    sent, futures = {}, []
    for doc in docs:
        sent[doc.id] = time.time()
        futures.append(await client.send(NAMES.raw, value=codec.encode(doc), key=raw_key(doc)))
    await asyncio.gather(*futures)  # every message acknowledged by the broker
    return sent


async def wait_stored(store, ids: set[str], worker: subprocess.Popen, timeout: float) -> dict[str, float]:
    """Poll the store until every id is there; fail if the worker dies or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = await asyncio.to_thread(store.seen)
        if ids <= seen.keys():
            return {i: seen[i] for i in ids}
        if worker.poll() is not None:
            raise RuntimeError(f"worker exited with {worker.returncode}")
        await asyncio.sleep(0.1)
    raise TimeoutError(f"{len(ids - seen.keys())} of {len(ids)} articles not stored after {timeout:.0f}s")


def probe_doc(label: str) -> RawDocument:
    """A short plain-text document with a unique id (readiness probe, idle-latency probes)."""
    return make_document(f"{label} {uuid.uuid4()}\n\nThe worker is ready when this is stored.\n",
                         content_type="text/plain")


async def trickle(client, store, worker: subprocess.Popen, count: int = 5, gap: float = 0.5) -> list[float]:
    """Latencies of ``count`` single short articles sent ``gap`` apart into an idle pipeline."""
    sent = {}
    for _ in range(count):
        sent.update(await publish(client, [probe_doc("Idle latency probe")]))
        await asyncio.sleep(gap)
    stored = await wait_stored(store, set(sent), worker, timeout=60)
    return [stored[i] - sent[i] for i in sent]


async def run_through(bootstrap: str, store, worker: subprocess.Popen, docs: list[RawDocument]) -> dict:
    """Readiness probe, the timed run, then idle-latency probes; returns the times measured."""
    await ensure_topics(bootstrap, NAMES, build_config().partitions)  # the worker's own count
    client = producer(bootstrap, os.environ.get("NEWSFLOW_COMPRESSION", "zstd"))
    await client.start()
    try:
        await publish(client, [probe := probe_doc("Readiness probe")])
        await wait_stored(store, {probe.id}, worker, timeout=120)
        start = time.time()
        sent = await publish(client, docs)
        published = time.time() - start
        stored = await wait_stored(store, set(sent), worker, timeout=max(120.0, len(docs) * 0.5))
        idle = await trickle(client, store, worker)
    finally:
        await client.stop()
    return {"sent": sent, "stored": stored, "published": published, "idle": idle}


# --------------------------------------------------------------------------- figures

def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def end_to_end_rows(times: dict, sampler: Sampler) -> list[str]:
    """The end-to-end table: throughput and latency, then memory and CPU."""
    sent, stored = times["sent"], times["stored"]
    latencies = [stored[i] - sent[i] for i in sent]
    wall = max(stored.values()) - min(sent.values())
    p50, p95, p99 = (percentile(latencies, q) for q in (50, 95, 99))
    return [
        f"{'articles':<28} {len(sent):>10}",
        f"{'wall time (s)':<28} {wall:>10.2f}",
        f"{'of which publishing (s)':<28} {times['published']:>10.2f}",
        f"{'articles/s end to end':<28} {len(sent) / wall:>10.1f}",
        f"{'latency p50/p95/p99 (s)':<28} {p50:>6.2f} / {p95:.2f} / {p99:.2f}",
        f"{'latency max (s)':<28} {max(latencies):>10.2f}",
        f"{'idle latency, 1 at a time (s)':<28} {min(times['idle']):>6.2f} .. {max(times['idle']):.2f}",
    ] + resource_rows(sampler, min(sent.values()), max(stored.values()))


def resource_rows(sampler: Sampler, start: float, end: float) -> list[str]:
    """Peak RSS, CPU seconds, and how busy each process (and everything else on the machine) was."""
    mib = {k: v / 1024 for k, v in sampler.peak_kib.items()}
    busy = {name: sampler.busy(name, start, end) for name in sampler.pids}
    other = busy["machine"] - busy["worker"] - busy["broker"] - busy["bench"]
    return [
        f"{'worker peak RSS (MiB)':<28} {mib.get('worker', 0):>10.1f}",
        f"{'broker peak RSS (MiB)':<28} {mib.get('broker', 0):>10.1f}",
        f"{'worker / broker CPU (s)':<28} {sampler.cpu['worker']:>6.1f} / {sampler.cpu['broker']:.1f}",
        f"{'worker / broker busy (core)':<28} {busy['worker']:>6.0%} / {busy['broker']:.0%}",
        f"{'other processes busy (core)':<28} {other:>6.0%}   (machine {busy['machine']:.0%} of {os.cpu_count()})",
    ]


def timed(fn, items: list) -> tuple[list, list[float]]:
    """Results of ``fn`` over ``items`` and the seconds each call took."""
    results, seconds = [], []
    for item in items:
        start = time.perf_counter()
        results.append(fn(item))
        seconds.append(time.perf_counter() - start)
    return results, seconds


def stage_row(label: str, seconds: list[float]) -> str:
    """One in-process row: rate on one core, mean and worst call (a worst call blocks the worker's loop)."""
    total = sum(seconds)
    return (f"{label:<28} {len(seconds) / total:>10.1f} articles/s  mean {total / len(seconds) * 1000:7.2f} ms"
            f"  max {max(seconds) * 1000:8.1f} ms")


def codec_costs(records_by_topic: dict[str, list]) -> tuple[list[float], list[float]]:
    """Per article: seconds the worker's three ``codec.decode`` calls take, and their schema-validation part."""
    decode, validate = [0.0] * len(records_by_topic["news.raw"]), [0.0] * len(records_by_topic["news.raw"])
    for topic, records in records_by_topic.items():
        wire = [codec.encode(r) for r in records]
        _, full = timed(lambda data, t=topic: codec.decode(data, t), wire)
        _, check = timed(lambda value, t=topic: schemas.validate(t, value), [orjson.loads(w) for w in wire])
        decode = [a + b for a, b in zip(decode, full)]
        validate = [a + b for a, b in zip(validate, check)]
    return decode, validate


def stage_seconds(docs: list[RawDocument]) -> tuple[list[float], list[float]]:
    """Seconds per document of clean_document and of enrich, in this process, on one core."""
    return stage_results(docs)[2:]


def stage_results(docs: list[RawDocument]) -> tuple[list, list, list[float], list[float]]:
    clean, t_strip = timed(clean_document, docs)
    enriched, t_enrich = timed(enrich, clean)
    return clean, enriched, t_strip, t_enrich


def stage_rows(docs: list[RawDocument]) -> list[str]:
    """In-process cost on one core: strip, enrich, and the decoding the worker does per message."""
    clean, enriched, t_strip, t_enrich = stage_results(docs)
    decode, validate = codec_costs({"news.raw": docs, "news.clean": clean, "news.enriched": enriched})
    return [stage_row("clean_document", t_strip), stage_row("enrich", t_enrich),
            stage_row("clean_document + enrich", [a + b for a, b in zip(t_strip, t_enrich)]),
            stage_row("decode raw+clean+enriched", decode),
            stage_row("  of which jsonschema", validate)]


# --------------------------------------------------------------------------- main

def bench(docs: list[RawDocument], sink: str, postgres_url: str, profile: Path | None = None) -> tuple[dict, Sampler]:
    """Broker + worker up, run the documents through, everything stopped again."""
    with tempfile.TemporaryDirectory(prefix="newsflow-bench-") as tmp, EmbeddedBroker() as broker:
        folder = Path(tmp)
        store = open_store(sink, folder, postgres_url)
        worker = start_worker(broker.bootstrap, folder, store.spec, profile)
        try:
            pids = {"worker": worker.pid, "broker": broker.process.pid, "bench": os.getpid(), "machine": 0}
            with Sampler(pids) as sampler:
                times = asyncio.run(run_through(broker.bootstrap, store, worker, docs))
        except (RuntimeError, TimeoutError) as exc:
            log_tail = (folder / "worker.log").read_text(errors="replace")[-3000:]
            raise SystemExit(f"bench failed: {exc}\n--- worker log ---\n{log_tail}") from None
        finally:
            code = stop_worker(worker)
            store.close()
        warnings = (folder / "worker.log").read_text(errors="replace").count("WARNING")
    print(f"worker exit code {code}, {warnings} warnings in its log")
    return times, sampler


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the end-to-end bench, then the in-process stage costs; print both."""
    args = parse_args(argv)
    os.environ["NEWSFLOW_COMPRESSION"] = args.compression  # the workers' producers and ours
    try:
        docs = load_docs(args.source, args.articles)
        if args.sink == "postgres":
            open_store("postgres", Path("."), args.postgres_url)  # skip early when the server is away
    except BenchSkip as exc:
        print(f"skipped: {exc}")
        return 0
    if args.processes:
        from bench import scaling

        return scaling.main(docs, args.processes, args.sink, args.postgres_url, args.compression)
    chars = sum(len(d.body) for d in docs) / len(docs)
    print(f"source {args.source}: {len(docs)} documents, {chars:,.0f} chars each on average; sink {args.sink}\n")
    times, sampler = bench(docs, args.sink, args.postgres_url, args.profile)
    print("\nend to end (broker + worker subprocess, 2 cores shared with this process)")
    print("\n".join(end_to_end_rows(times, sampler)))
    print("\nin-process stage cost, single core, same documents")
    print("\n".join(stage_rows(docs)))
    return 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.pipeline", description=__doc__.splitlines()[0])
    parser.add_argument("--articles", "-n", type=int, default=None,
                        help="documents to send (default: synthetic 2000, seed 1000, boilerplate 500 of its ~1180 pages; "
                             "a larger N sends all pages)")
    parser.add_argument("--source", choices=("synthetic", "boilerplate", "seed"), default="synthetic")
    parser.add_argument("--sink", choices=("sqlite", "jsonl", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", default=POSTGRES_URL, help="server for --sink postgres")
    parser.add_argument("--processes", type=lambda v: (os.cpu_count() or 1) if v == "auto" else int(v), metavar="N|auto",
                        help="throughput with 1..N worker processes in one group (bench.scaling) instead")
    parser.add_argument("--compression", default="zstd", choices=("zstd", "lz4", "gzip", "none"),
                        help="producer codec of the workers and of this bench's producer (default zstd)")
    parser.add_argument("--profile", type=Path, metavar="PATH",
                        help="run the worker under cProfile and write its stats to PATH (slower; for diagnosis)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())

"""``python -m bench.pipeline --processes N``: throughput with 1..N worker processes in one group.

For each n, a fresh embedded broker and ``newsflow run --processes n`` (the supervisor and
its n children) take the same documents; printed per n: pages/s end to end, the ratio to
one process, the ratio to n x the single-core in-process stage rate (clean_document +
enrich on the same documents), each child's CPU share, and the broker's memory growth
per page (the figure compression changes).  The documents are spread over 48 sites,
so news.raw's site keys reach every partition.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.pipeline import (
    REPO,
    Sampler,
    cpu_seconds,
    open_store,
    probe_doc,
    proc_status,
    publish,
    stage_seconds,
    stop_worker,
    wait_stored,
)
from newsflow.records import RawDocument
from newsflow.replay import make_document
from newsflow.screening import not_an_article
from newsflow.stream.broker import EmbeddedBroker
from newsflow.stream.kafka import ensure_topics, producer
from newsflow.topics import TopicNames

SITES = 48


def spread(docs: list[RawDocument]) -> list[RawDocument]:
    """The same pages under ``SITES`` distinct hosts (news.raw is keyed by site); pages the
    stripper refuses as not articles (binary) are left out, as they are never stored."""
    docs = [d for d in docs if not_an_article(d.body) is None]
    return [make_document(d.body, content_type=d.content_type, title=d.title,
                          url=(d.url or f"https://bench.example/{i}").replace("://", f"://s{i % SITES}-", 1))
            for i, d in enumerate(docs)]


def children_of(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def descendants(pid: int) -> list[int]:
    """A process and all its descendants (a worker runs its CPU-bound stages in child processes)."""
    return [pid, *(d for child in children_of(pid) for d in descendants(child))]


class TreeSampler(Sampler):
    """CPU seconds of each named process together with its stage children."""

    def sample(self) -> None:
        for name, pid in self.pids.items():
            self.cpu[name] = max(self.cpu.get(name, 0.0), sum(cpu_seconds(p) for p in descendants(pid)))
        self.history.append((time.time(), dict(self.cpu)))


def start_group(bootstrap: str, folder: Path, sink_spec: str, n: int) -> subprocess.Popen:
    env = {**os.environ, "NEWSFLOW_SINK_MAX_DELAY": "0.2"}  # NEWSFLOW_COMPRESSION set by bench.pipeline
    cmd = [sys.executable, "-m", "newsflow.cli", "run", "--broker", bootstrap, "--data-dir", str(folder),
           "--sink", sink_spec, "--processes", str(n), "--log-level", "warning", "--quiet"]
    with open(folder / "worker.log", "wb") as log:
        return subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)


async def ready(client, store, group: subprocess.Popen, n: int) -> list[int]:
    """Two rounds of probes over every site stored: the group has joined and settled."""
    for _ in range(2):
        probes = spread([probe_doc("Readiness probe") for _ in range(SITES)])
        sent = await publish(client, probes)
        await wait_stored(store, set(sent), group, timeout=180)
    pids = children_of(group.pid) if n > 1 else [group.pid]  # one process runs the worker itself
    if len(pids) != n:
        raise RuntimeError(f"expected {n} worker processes, found {len(pids)}")
    return pids


async def timed_run(bootstrap: str, store, group: subprocess.Popen, docs, n: int, broker_pid: int) -> dict:
    await ensure_topics(bootstrap, TopicNames(), 12)
    client = producer(bootstrap, os.environ.get("NEWSFLOW_COMPRESSION", "zstd"))
    await client.start()
    try:
        pids = await ready(client, store, group, n)
        broker_before = proc_status(broker_pid).get("VmRSS", 0)
        sampler = TreeSampler({**{f"worker{i}": p for i, p in enumerate(pids)}, "broker": broker_pid})
        with sampler:
            sent = await publish(client, docs)
            stored = await wait_stored(store, set(sent), group, timeout=max(180.0, len(docs)))
    finally:
        await client.stop()
    start, end = min(sent.values()), max(stored.values())
    return {"rate": len(docs) / (end - start), "busy": [sampler.busy(f"worker{i}", start, end) for i in range(n)],
            "broker_kib": proc_status(broker_pid).get("VmRSS", 0) - broker_before}


def run_group(docs: list[RawDocument], n: int, sink: str, postgres_url: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="newsflow-scale-") as tmp, EmbeddedBroker() as broker:
        folder = Path(tmp)
        store = open_store(sink, folder, postgres_url)
        group = start_group(broker.bootstrap, folder, store.spec, n)
        try:
            return asyncio.run(timed_run(broker.bootstrap, store, group, docs, n, broker.process.pid))
        except (RuntimeError, TimeoutError) as exc:
            tail = (folder / "worker.log").read_text(errors="replace")[-3000:]
            raise SystemExit(f"bench failed with {n} processes: {exc}\n--- log ---\n{tail}") from None
        finally:
            stop_worker(group)
            store.close()


def main(docs: list[RawDocument], max_processes: int, sink: str, postgres_url: str, compression: str) -> int:
    docs = spread(docs)
    load = os.getloadavg()
    print(f"processes 1..{max_processes}, compression {compression}, load average before "
          f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} cores\n")
    results = {n: run_group(docs, n, sink, postgres_url) for n in range(1, max_processes + 1)}
    strip, enrich = stage_seconds(docs)
    in_process = len(docs) / (sum(strip) + sum(enrich))
    print(f"in-process stage rate (clean_document + enrich, one core): {in_process:.1f} pages/s\n")
    print(f"{'processes':>9} {'pages/s':>8} {'vs 1':>6} {'vs n x in-process':>18} {'vs busy cores':>14} "
          f"{'CPU per process (core)':>24} {'broker KiB/page':>16}")
    for n, r in results.items():
        busy = sum(r["busy"]) or 1e-9
        print(f"{n:>9} {r['rate']:>8.1f} {r['rate'] / results[1]['rate']:>5.2f}x "
              f"{r['rate'] / (n * in_process):>17.2f}x {r['rate'] / (busy * in_process):>13.2f}x "
              f"{' '.join(f'{b:.0%}' for b in r['busy']):>24} {r['broker_kib'] / len(docs):>16.1f}")
    load = os.getloadavg()
    print(f"\nload average after {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (other engineers' work included)")
    return 0

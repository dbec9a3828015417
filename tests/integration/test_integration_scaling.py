"""Several worker processes in one consumer group: a supervised group, and losing a worker mid-stream.

"Exactly once" here is what at-least-once delivery with upserting sinks can promise:
SQLite holds one row per id (upsert by primary key) and every published id is there;
each worker appends to its own JSONL file and dedups by content hash, so within one file
an id appears once (the articles have no line a site repeats, so a redelivery strips to the
same content); across the two files an id may appear twice only when the killed worker
stored it but died before committing the offset and the survivor processed it again,
and then both lines carry the same content.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import orjson
import pytest

from newsflow import codec
from newsflow.replay import make_document
from newsflow.stream.kafka import ensure_topics, producer, raw_key
from newsflow.topics import TopicNames
from tests.conftest import REPO, run_cli, wait_for

pytestmark = pytest.mark.integration

SITES = 24  # news.raw is keyed by site: enough sites to land on most of the 12 partitions


def article(run: str, batch: str, n: int):
    # Every line unique: a line a site repeats would be learnt as its boilerplate, and a
    # redelivered article could then be stripped differently (a new version, not a repeat).
    site, tag = f"site{n % SITES}.{run}.example", uuid.uuid4().hex[:12]
    text = (f"Bridge {batch}-{n} opens in {site}\n\nBridge {tag} opened on Tuesday, the city said.\n\n"
            f'"It will cut commutes by {tag}," director Mia Holm told reporters.\n')
    return make_document(text, content_type="text/plain", url=f"https://{site}/{batch}/{n}",
                         title=f"Bridge {batch}-{n}")


def publish(bootstrap: str, prefix: str, docs) -> None:
    async def send():
        await ensure_topics(bootstrap, TopicNames(prefix), 12)  # before a broker auto-creates them with 4
        client = producer(bootstrap)
        await client.start()
        try:
            futures = [await client.send(f"{prefix}news.raw", value=codec.encode(d), key=raw_key(d)) for d in docs]
            await asyncio.gather(*futures)
        finally:
            await client.stop()
    asyncio.run(send())


def sqlite_rows(path: Path) -> list[tuple[str, str]]:
    if not path.exists():
        return []
    try:
        with sqlite3.connect(path) as conn:
            return conn.execute("SELECT id, first_seen FROM articles").fetchall()
    except sqlite3.OperationalError:  # tables not created yet
        return []


def jsonl_records(path: Path) -> list[dict]:
    """Complete lines only: a SIGKILLed writer may leave a torn last line."""
    if not path.exists():
        return []
    lines = path.read_bytes().split(b"\n")
    return [orjson.loads(line)["article"] for line in lines[:-1] if line.strip()]


def start_worker(broker, folder: Path, name: str, env: dict) -> subprocess.Popen:
    # Info level: Faust's rebalance and table-recovery lines, the evidence if the survivor ever stalls.
    cmd = [sys.executable, "-m", "newsflow.cli", "run", "--broker", broker.bootstrap, "--data-dir",
           str(folder / name), "--sink", f"sqlite:{folder / 'shared.sqlite3'}",
           "--sink", f"jsonl:{folder / f'{name}.jsonl'}", "--quiet", "--log-level", "info",
           "--verbose-internals"]
    log = open(folder / f"{name}.log", "wb")
    return subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)


def test_survivor_takes_over_a_killed_workers_partitions_and_nothing_is_lost(broker, tmp_path):
    run = uuid.uuid4().hex[:8]
    prefix = f"rb{run}."
    env = {**os.environ, "NEWSFLOW_TOPIC_PREFIX": prefix, "NEWSFLOW_APP_ID": f"rebalance-{run}",
           "NEWSFLOW_SINK_MAX_DELAY": "0.2", "NEWSFLOW_PARTITIONS": "12"}
    workers = {name: start_worker(broker, tmp_path, name, env) for name in ("a", "b")}
    files = {name: tmp_path / f"{name}.jsonl" for name in workers}
    published: dict[str, object] = {}

    def send(batch: str, count: int) -> list:
        docs = [article(run, batch, n) for n in range(count)]
        published.update({d.id: d for d in docs})
        publish(broker.bootstrap, prefix, docs)
        return docs

    def stored_ids() -> set[str]:
        for name, process in workers.items():
            if name != "b" or not killed:
                assert process.poll() is None, (tmp_path / f"{name}.log").read_text()[-3000:]
        return {i for i, _ in sqlite_rows(tmp_path / "shared.sqlite3")}

    killed = False
    try:
        # Until both workers share the partitions, keep sending small batches.
        def both_store():
            send(f"join{time.monotonic_ns()}", SITES)
            return all(jsonl_records(f) for f in files.values())
        wait_for(both_store, timeout=120, interval=3, what="both workers storing")
        owners = send("owners", SITES)
        wait_for(lambda: {d.id for d in owners} <= stored_ids(), timeout=60, what="the owners batch")
        b_ids = {r["id"] for r in jsonl_records(files["b"])}
        b_sites = {d.url.split("/")[2] for d in owners if d.id in b_ids}
        assert b_sites and len(b_sites) < SITES, "each worker owns some sites"

        stream = send("before", 300)
        wait_for(lambda: {r["id"] for r in jsonl_records(files["b"])} & {d.id for d in stream},
                 timeout=60, interval=0.05, what="worker b inside the stream")
        workers["b"].send_signal(signal.SIGKILL)
        workers["b"].wait()
        killed, killed_at = True, time.time()
        after = send("after", 120)
        wait_for(lambda: set(published) <= stored_ids(), timeout=90,
                 what=f"every document in SQLite (worker a's log: {tmp_path / 'a.log'})")
    finally:
        for process in workers.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)

    rows = sqlite_rows(tmp_path / "shared.sqlite3")
    ids = [i for i, _ in rows]
    assert len(ids) == len(set(ids)) and set(published) <= set(ids)
    # The loss this test once caught: offsets dropped around the survivor's seek, then committed as done.
    assert "never reached a stream" not in (tmp_path / "a.log").read_text()
    a_lines, b_lines = jsonl_records(files["a"]), jsonl_records(files["b"])
    for lines in (a_lines, b_lines):
        assert len(lines) == len({r["id"] for r in lines})  # one line per id within a file
    a_ids, b_ids = {r["id"] for r in a_lines}, {r["id"] for r in b_lines}
    assert set(published) <= a_ids | b_ids
    twice = a_ids & b_ids
    body = {r["id"]: r["body"] for r in b_lines}
    assert all(r["body"] == body[r["id"]] for r in a_lines if r["id"] in twice)
    streamed = {d.id for d in stream + after}
    assert all(published[i].url.split("/")[2] in b_sites for i in twice & streamed)  # the dead worker's sites
    # The survivor took over: documents keyed to the dead worker's sites, sent after the kill, are its.
    taken_over = [d for d in after if d.url.split("/")[2] in b_sites]
    assert taken_over and all(d.id in a_ids and d.id not in b_ids for d in taken_over)
    first_seen = dict(rows)
    assert all(first_seen[d.id] >= time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(killed_at - 1))
               for d in taken_over)


def test_supervised_group_replays_and_exits_when_idle(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(30):
        (folder / f"{n}.txt").write_text(f"Harbour story {n} {uuid.uuid4().hex[:6]}\n\n"
                                         f'"Ships are back," harbour master Ole Dahl said on day {n}.\n')
    result = run_cli("run", "--processes", "2", "--data-dir", str(tmp_path / "data"), "--replay", str(folder),
                     "--exit-when-idle", timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "2 worker processes" in result.stderr and "idle: 30 document(s) in every sink" in result.stderr
    assert len(sqlite_rows(tmp_path / "data" / "newsflow.sqlite3")) == 30
    assert sorted(p.name for p in (tmp_path / "data" / "tables").iterdir()) == ["worker-0", "worker-1"]
    assert not (tmp_path / "data" / "broker.address").exists()  # the embedded broker was stopped

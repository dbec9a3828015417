"""Reliability tier: real broker, real worker processes, real stores, hostile input.

* kill -9 of the worker, twice, in the middle of a 1,000-document replay: every document
  stored exactly once in SQLite and JSONL;
* a generated hostile corpus (binary files, empty ones, invalid JSON, schema-invalid
  messages, oversize documents, a CPU bomb that never finishes, deep nesting, attribute
  soup) through replay and the worker: no crash, the good documents stored, each bad one
  dead-lettered with its reason, nothing junk stored, exit code 3;
* a store that is away (SQLite locked by another connection) for 30 s: nothing
  dead-lettered, no offset committed meanwhile, everything stored once it is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import orjson
import pytest
from aiokafka import AIOKafkaConsumer

from bench.pipeline import stop_worker as stop
from newsflow.records import url_id
from newsflow.replay import iter_documents
from newsflow.urls import canonical_url
from tests.conftest import REPO, run_cli, wait_for
from tests.integration.test_integration import produce
from tests.stage_helpers import HANG_MARKER

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def broker(tmp_path_factory):
    """This module's own broker, separately started: its kill -9 runs do not share a group coordinator
    with the rest of the suite's workers (once, in a full run on the shared broker, the worker restarted
    after the second kill stopped short of the last 69 documents; alone it never did)."""
    from newsflow.stream.broker import EmbeddedBroker

    with EmbeddedBroker(log_path=tmp_path_factory.mktemp("reliability-broker") / "tansu.log") as running:
        yield running


def start_worker(broker, folder: Path, prefix: str, *extra: str, module: str = "newsflow.cli") -> subprocess.Popen:
    """A continuous ``newsflow run`` on its own topics (prefix), group and sinks."""
    env = {**os.environ, "NEWSFLOW_SINK_MAX_DELAY": "0.2", "NEWSFLOW_APP_ID": f"{prefix}app"}
    cmd = [sys.executable, "-m", module, "run", "--broker", broker.bootstrap, "--topic-prefix", prefix,
           "--partitions", "2", "--data-dir", str(folder), "--sink", f"jsonl:{folder / 'out.jsonl'}",
           "--sink", f"sqlite:{folder / 'store.sqlite3'}", "--log-level", "info", *extra]
    log = open(folder / "worker.log", "ab")
    return subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)


def sqlite_ids(path: Path) -> list[str]:
    try:
        with sqlite3.connect(path, timeout=0.5) as conn:
            return [row[0] for row in conn.execute("SELECT id FROM articles")]
    except sqlite3.OperationalError:  # not created yet, or locked by the test itself
        return []


def jsonl_ids(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [orjson.loads(line)["article"]["id"] for line in path.read_bytes().splitlines() if line.strip()]


def read_topic(bootstrap: str, topic: str, idle: float = 3.0) -> list[dict]:
    """Every message of a topic, as JSON, until nothing arrives for ``idle`` seconds."""
    async def read():
        consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                                    enable_auto_commit=False, fetch_max_bytes=8 * 1024 * 1024)
        await consumer.start()
        try:
            values = []
            while batches := await consumer.getmany(timeout_ms=int(idle * 1000)):
                values += [orjson.loads(m.value) for ms in batches.values() for m in ms]
            return values
        finally:
            await consumer.stop()
    return asyncio.run(read())


def story(run: str, i: int) -> dict:
    return {"url": f"https://reliable.example/{run}/story-{i}",
            "text": f"Story {i} of run {run}\n\nThe council met on day {i}, the clerk said.\n\n"
                    f'"We are on schedule," council chair Lena Park said.'}


def test_kill_9_twice_during_a_replay_loses_and_duplicates_nothing(broker, tmp_path):
    run, prefix = uuid.uuid4().hex[:8], f"kill{uuid.uuid4().hex[:6]}."
    records = [story(run, i) for i in range(1000)]
    path = tmp_path / "thousand.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in records))
    ids = {url_id(canonical_url(r["url"])) for r in records}
    sqlite_path, jsonl_path = tmp_path / "store.sqlite3", tmp_path / "out.jsonl"
    worker = start_worker(broker, tmp_path, prefix)
    try:
        result = run_cli("replay", "--broker", broker.bootstrap, "--topic-prefix", prefix, "--partitions", "2",
                         str(path))
        assert result.returncode == 0, result.stderr
        for at_least in (150, 500):  # kill -9 in the middle, twice, each time with more stored
            wait_for(lambda n=at_least, w=worker: w.poll() is None and len(sqlite_ids(sqlite_path)) >= n, 180,
                     interval=0.1, what=f"{at_least} articles stored")
            assert len(sqlite_ids(sqlite_path)) < 1000, "the replay finished before the kill"
            stage_children = children_of(worker.pid)
            assert len(stage_children) == 2  # the stripper's and the attributor's
            worker.kill()
            worker.wait()
            wait_for(lambda kids=stage_children: not any(Path(f"/proc/{pid}").exists() for pid in kids), 30,
                     what="the stage processes dying with the worker")
            worker = start_worker(broker, tmp_path, prefix)
        wait_for(lambda: len(set(sqlite_ids(sqlite_path)) & ids) == 1000 and len(set(jsonl_ids(jsonl_path)) & ids) == 1000,
                 240, interval=0.5, what=f"all 1000 articles in SQLite and JSONL (see {tmp_path / 'worker.log'})")
    finally:
        stop(worker)
    stored = sqlite_ids(sqlite_path)
    assert len(stored) == len(set(stored)) == 1000  # the primary key would refuse a duplicate anyway
    lines = jsonl_ids(jsonl_path)
    assert sorted(lines) == sorted(ids)  # each exactly once, although redelivered after each kill


def children_of(pid: int) -> list[int]:
    """Stage child processes of ``pid`` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid and \
                    b"stage_child" in (stat.parent / "cmdline").read_bytes():
                found.append(int(stat.parent.name))
    return found


def test_sigterm_before_idle_exits_130_and_says_how_many_were_stored(broker, tmp_path):
    run, prefix = uuid.uuid4().hex[:8], f"term{uuid.uuid4().hex[:6]}."
    path = tmp_path / "many.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(story(run, i)) for i in range(1000)))
    sqlite_path = tmp_path / "store.sqlite3"
    process = subprocess.Popen(
        [sys.executable, "-m", "newsflow.cli", "run", "--broker", broker.bootstrap, "--topic-prefix", prefix,
         "--partitions", "2", "--data-dir", str(tmp_path), "--sink", f"sqlite:{sqlite_path}", "--replay", str(path),
         "--exit-when-idle"], cwd=REPO, env={**os.environ, "NEWSFLOW_APP_ID": f"{prefix}app"},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: process.poll() is None and len(sqlite_ids(sqlite_path)) >= 50, 180, interval=0.1,
                 what="some articles stored")
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, err[-3000:]
    assert re.search(r"interrupted: \d+ of 1000 document\(s\) in every sink", err), err[-3000:]


def hostile_corpus(folder: Path, run: str) -> tuple[dict[str, Path], dict[str, str], list[Path]]:
    """Write the corpus; returns good documents (id -> path), junk (path -> expected reason)
    and the inputs that may go either way (stored, or dead-lettered with a reason)."""
    folder.mkdir()
    good: dict[str, Path] = {}
    junk: dict[str, str] = {}

    def write(name: str, data: bytes | str) -> Path:
        path = folder / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
        return path

    elf = b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 400
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(20_000)
    for i in range(30):  # good documents interleaved (sorted by name) with everything else
        path = write(f"{i:03d}-a-good.txt", f"Good story {i} {run}\n\nThe mayor said on day {i} that the bridge "
                                            f"would reopen, and the council agreed.\n")
        good[next(iter_documents([path])).id] = path
        junk[str(write(f"{i:03d}-b-binary.html", elf + str(i).encode()))] = "binary (ELF)"
        junk[str(write(f"{i:03d}-c-image.html", png))] = "binary (PNG)"
        junk[str(write(f"{i:03d}-d-empty.html", b""))] = "empty"
        junk[str(write(f"{i:03d}-e-blank.txt", " \n\t \n" * (i + 1)))] = "empty"
        junk[str(write(f"{i:03d}-f-no-text.html", f"<html><head><script>var x={i};</script></head>"
                                                   "<body><nav><a href='/'>Home</a></nav></body></html>"))] = \
            "no article text"
        nul = write(f"{i:03d}-g-nul.txt", f"NUL story {i} {run}\n\nThe mayor\x00 said the bridge\x00 would "
                                          f"reopen on day {i}, and the\x07 council agreed.\n")
        good[next(iter_documents([nul])).id] = nul
    write("100-empty-text.jsonl", b"\n".join(orjson.dumps({"url": f"https://hostile.example/{run}/empty-{i}",
                                                            "text": ""}) for i in range(20)))
    write("101-invalid.jsonl", b"\n".join(b'{"url": "https://hostile.example/' + str(i).encode() + b'", "text": '
                                          for i in range(20)))
    for i in range(2):  # over the broker's 8 MB limit
        write(f"102-oversize-{i}.txt", f"Oversize {i} {run}\n\n" + "The report ran long. " * 450_000)
    bomb = write("103-bomb.txt", f"Bomb {run}\n\n" + "said the minister " * 58_000)
    hang = write("104-hang.txt", f"Hang {run}\n\nThe mayor said {HANG_MARKER} and the council agreed.\n")
    nested = write("105-nested.html", "<html><body>" + "<div>" * 20_000 + f"<p>Deep story {run}, the mayor said.</p>"
                   + "</div>" * 20_000 + "</body></html>")
    soup = write("106-soup.html", "<html><body><p " + " ".join(f'a{i}="{"x" * 50}"' for i in range(40_000))
                 + f">Soup story {run}, the mayor said.</p></body></html>")
    return good, junk, [bomb, hang, nested, soup]


def test_a_hostile_corpus_is_dead_lettered_with_reasons_and_the_good_documents_stored(broker, tmp_path):
    run, prefix = uuid.uuid4().hex[:8], f"hostile{uuid.uuid4().hex[:6]}."
    good, junk, either = hostile_corpus(tmp_path / "corpus", run)
    hang = next(p for p in either if "hang" in p.name)
    # Schema-invalid messages straight to news.raw, before the worker starts (one partition: in order).
    from newsflow.stream.kafka import ensure_topics
    from newsflow.topics import TopicNames
    asyncio.run(ensure_topics(broker.bootstrap, TopicNames(prefix), 1))
    invalid = [orjson.dumps({"id": f"{run}-invalid-{i}", "body": i, "content_type": "text/plain",
                             "schema_version": 1}) for i in range(20)] + [b"\xff\xfe not JSON " + run.encode()] * 10
    produce(broker.bootstrap, f"{prefix}news.raw", invalid, key=b"hostile.example")
    data = tmp_path / "data"
    env = {"NEWSFLOW_APP_ID": f"{prefix}app", "NEWSFLOW_SINK_MAX_DELAY": "0.2"}
    result = subprocess.run(
        [sys.executable, "-m", "tests.hanging_worker", "run", "--broker", broker.bootstrap, "--topic-prefix", prefix,
         "--partitions", "1", "--data-dir", str(data), "--sink", f"sqlite:{data / 'store.sqlite3'}",
         "--sink", f"jsonl:{data / 'out.jsonl'}", "--stage-timeout", "3", "--replay", str(tmp_path / "corpus"),
         "--exit-when-idle", "--quiet"],
        cwd=REPO, env={**os.environ, **env}, capture_output=True, text=True, timeout=600)
    assert result.returncode == 3, result.stderr[-4000:]  # no crash; some documents dead-lettered
    assert "not-an-article" in result.stderr and "timeout" in result.stderr, result.stderr[-2000:]

    stored = set(sqlite_ids(data / "store.sqlite3"))
    assert set(good) <= stored  # every good document, NUL-laden ones included, made it
    assert set(jsonl_ids(data / "out.jsonl")) == stored
    letters = read_topic(broker.bootstrap, f"{prefix}news.dlq")
    by_source: dict[str, list[dict]] = {}
    by_id: dict[str, list[dict]] = {}
    for letter in letters:
        source = letter["topic"]
        if letter["stage"] != "replay":
            with contextlib.suppress(orjson.JSONDecodeError, AttributeError, TypeError):
                # A truncated letter names the side file with the whole original (read back here).
                whole = Path(letter["payload_file"]).read_bytes() if letter.get("payload_truncated") else None
                value = orjson.loads(whole or letter["payload"])
                source = value.get("source_path") or source
                by_id.setdefault(value["id"], []).append(letter)
        by_source.setdefault(source, []).append(letter)
    for path, reason in junk.items():  # each bad file: one letter with its reason, nothing stored
        (letter,) = by_source.get(path, [None])
        assert letter is not None, f"no dead letter for {path}"
        assert letter["reason"] == "not-an-article" and letter["error"] == reason, letter
    for kind in ("100-empty-text.jsonl", "101-invalid.jsonl"):  # by replay or by the stripper: 20 each
        mine = [letter for source, some in by_source.items() if source.endswith(kind) for letter in some]
        assert len(mine) == 20 and all(letter.get("reason") for letter in mine), mine[:2]
    oversize = [letter for letter in letters if "102-oversize" in letter["topic"]]
    assert len(oversize) == 2 and {letter["reason"] for letter in oversize} == {"oversize"}
    schema = [letter for letter in letters if f"{run}-invalid-" in letter["payload"]
              or f"not JSON {run}" in letter["payload"]]
    assert sorted(letter["reason"] for letter in schema) == ["decode"] * 10 + ["schema"] * 20
    (timed_out,) = [letter for letter in letters if HANG_MARKER in letter["payload"]]
    assert timed_out["reason"] == "timeout" and timed_out["stage"] == "attributor"
    by_source.setdefault(str(hang), []).append(timed_out)  # news.clean records do not carry the path
    for path in either:  # stored, or dead-lettered with a reason: exactly one of the two
        doc = next(iter_documents([path]))
        assert (doc.id in stored) != bool(by_id.get(doc.id)), path
        assert all(letter.get("reason") for letter in by_id.get(doc.id, []))
    junk_ids = {doc.id for doc in iter_documents(list(junk)) if hasattr(doc, "id")}
    assert not junk_ids & stored  # nothing junk is stored
    with sqlite3.connect(data / "store.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM articles WHERE instr(body, char(0)) > 0").fetchone()[0] == 0


def test_a_store_away_for_30_seconds_loses_nothing_and_dead_letters_nothing(broker, tmp_path):
    run, prefix = uuid.uuid4().hex[:8], f"away{uuid.uuid4().hex[:6]}."
    sqlite_path, jsonl_path = tmp_path / "store.sqlite3", tmp_path / "out.jsonl"
    worker = start_worker(broker, tmp_path, prefix)
    try:
        probe = tmp_path / "probe.jsonl"
        probe.write_bytes(orjson.dumps(story(run, -1)))
        assert run_cli("replay", "--broker", broker.bootstrap, "--topic-prefix", prefix, "--partitions", "2",
                       str(probe)).returncode == 0
        wait_for(lambda: worker.poll() is None and len(sqlite_ids(sqlite_path)) == 1, 120, what="the probe stored")
        records = [story(run, i) for i in range(200)]
        ids = {url_id(canonical_url(r["url"])) for r in records}
        path = tmp_path / "batch.jsonl"
        path.write_bytes(b"\n".join(orjson.dumps(r) for r in records))
        lock = sqlite3.connect(sqlite_path, isolation_level=None)
        lock.execute("BEGIN EXCLUSIVE")  # the store is away: every write meets "database is locked"
        locked_at = time.monotonic()
        try:
            assert run_cli("replay", "--broker", broker.bootstrap, "--topic-prefix", prefix, "--partitions", "2",
                           str(path)).returncode == 0
            log = tmp_path / "worker.log"
            wait_for(lambda: "database is locked" in log.read_text(errors="replace")
                     and "retrying" in log.read_text(errors="replace"), 60, what="the sink saying it retries")
            time.sleep(max(0.0, 30 - (time.monotonic() - locked_at)))  # the outage itself, not a condition
            assert worker.poll() is None
        finally:
            lock.execute("ROLLBACK")
            lock.close()
        wait_for(lambda: len(set(sqlite_ids(sqlite_path)) & ids) == 200, 120, interval=0.5,
                 what="every article stored once SQLite is back")
        wait_for(lambda: len(set(jsonl_ids(jsonl_path)) & ids) == 200, 60, what="every article in JSONL")
    finally:
        stop(worker)
    assert sorted(i for i in jsonl_ids(jsonl_path) if i in ids) == sorted(ids)  # once each
    assert read_topic(broker.bootstrap, f"{prefix}news.dlq", idle=2.0) == []  # nothing dead-lettered

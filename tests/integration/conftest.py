"""Integration fixtures: ONE embedded broker and ONE real worker process per test session
(a worker needs seconds to join its group); each test sends its own uniquely named
documents through them.  The worker stores in SQLite and JSONL only, so the tier does not
need PostgreSQL; ``pg_worker`` is a second worker, on its own topics, that also writes to
PostgreSQL, started only by the tests that ask for it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from newsflow.stream.broker import free_port
from tests.conftest import POSTGRES_URL, REPO, doc_id, run_cli, wait_for


@dataclass
class Worker:
    """A running ``newsflow run`` process and where it stores things."""

    bootstrap: str
    sqlite_path: Path
    jsonl_path: Path
    process: subprocess.Popen
    log_path: Path
    metrics_port: int
    topic_prefix: str = ""
    postgres_url: str | None = None

    def replay(self, *paths: str | Path) -> subprocess.CompletedProcess:
        """``newsflow replay`` into this worker's topics."""
        return run_cli("replay", "--broker", self.bootstrap, "--topic-prefix", self.topic_prefix,
                       *map(str, paths))

    def stored(self, article_id: str) -> dict | None:
        """The enriched record the SQLite sink holds for ``article_id``."""
        import orjson

        if not self.sqlite_path.exists():
            return None
        try:
            with sqlite3.connect(self.sqlite_path) as conn:
                row = conn.execute("SELECT record FROM articles WHERE id = ?", (article_id,)).fetchone()
        except sqlite3.OperationalError:  # the sink is still creating its tables
            return None
        return orjson.loads(row[0]) if row else None

    def wait_stored(self, article_id: str, timeout: float = 60.0) -> dict:
        return wait_for(lambda: self.alive() and self.stored(article_id), timeout,
                        what=f"article {article_id} in SQLite")

    def alive(self) -> bool:
        """True while the worker runs; a dead worker fails the test at once, with its log."""
        if self.process.poll() is not None:
            pytest.fail(f"worker exited with {self.process.returncode}: {self.log_path.read_text()[-3000:]}")
        return True


@pytest.fixture(scope="session")
def broker():
    from newsflow.stream.broker import EmbeddedBroker

    with EmbeddedBroker() as running:
        yield running


def start_worker(bootstrap: str, folder: Path, *, topic_prefix: str = "", app_id: str = "newsflow",
                 postgres_url: str | None = None) -> Iterator[Worker]:
    """Start a worker with SQLite and JSONL sinks (and PostgreSQL when given), wait until a
    probe document is stored, yield it, stop it."""
    sqlite_path, jsonl_path, log_path = folder / "store.sqlite3", folder / "out.jsonl", folder / "worker.log"
    metrics_port = free_port()
    env = {**os.environ, "NEWSFLOW_SINK_MAX_DELAY": "0.2", "NEWSFLOW_VALIDATE_OUTPUT": "true",
           "NEWSFLOW_APP_ID": app_id}
    sinks = ["--sink", f"sqlite:{sqlite_path}", "--sink", f"jsonl:{jsonl_path}"]
    if postgres_url:
        sinks += ["--sink", postgres_url]
    cmd = [sys.executable, "-m", "newsflow.cli", "run", "--broker", bootstrap, "--data-dir", str(folder),
           "--topic-prefix", topic_prefix, *sinks, "--log-level", "info", "--metrics-port", str(metrics_port)]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    running = Worker(bootstrap, sqlite_path, jsonl_path, process, log_path, metrics_port, topic_prefix,
                     postgres_url)
    try:
        probe = folder / "probe.txt"
        probe.write_text(f"Readiness probe {uuid.uuid4()}\n\nThe worker is ready when this is stored.\n")
        result = running.replay(probe)
        assert result.returncode == 0, result.stderr
        running.wait_stored(doc_id(probe), timeout=120)
        yield running
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def worker(broker, tmp_path_factory) -> Iterator[Worker]:
    """One real worker for the whole session, with SQLite and JSONL sinks."""
    yield from start_worker(broker.bootstrap, tmp_path_factory.mktemp("worker"))


@pytest.fixture(scope="session")
def postgres_schema():
    """A fresh PostgreSQL schema for the PostgreSQL worker; fails (never skips) without a server."""
    import psycopg

    schema = f"newsflow_it_{uuid.uuid4().hex[:10]}"
    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {POSTGRES_URL} is unreachable (set NEWSFLOW_TEST_POSTGRES_URL): {exc}")
    yield schema
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(scope="session")
def pg_worker(broker, postgres_schema, tmp_path_factory) -> Iterator[Worker]:
    """A second worker, in its own consumer group on its own topics, that also writes to PostgreSQL."""
    yield from start_worker(broker.bootstrap, tmp_path_factory.mktemp("pg-worker"), topic_prefix="pg.",
                            app_id="newsflow-pg", postgres_url=f"{POSTGRES_URL}?schema={postgres_schema}")

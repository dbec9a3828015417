"""Stores and downstream consumers through the real broker and worker: volume, exactly-once
storage, PostgreSQL, the read-side commands, the DLQ tools and the README's consumer example."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import uuid

import orjson
import psycopg
import pytest

from newsflow.records import url_id
from newsflow.urls import canonical_url
from tests.conftest import POSTGRES_URL, REPO, run_cli, wait_for

pytestmark = pytest.mark.integration


def sqlite_count(worker, ids: set[str]) -> int:
    try:
        with sqlite3.connect(worker.sqlite_path) as conn:
            stored = {row[0] for row in conn.execute("SELECT id FROM articles")}
    except sqlite3.OperationalError:
        return 0
    return len(stored & ids)


def postgres_rows(schema: str, ids: set[str]) -> list[tuple]:
    with psycopg.connect(POSTGRES_URL) as conn:
        rows = conn.execute(f'SELECT id, title FROM "{schema}".articles WHERE id = ANY(%s)', (list(ids),))
        return rows.fetchall()


@pytest.mark.postgres
def test_a_thousand_replayed_articles_all_arrive_once_in_every_store(pg_worker, postgres_schema, tmp_path):
    worker = pg_worker
    run = uuid.uuid4().hex[:8]
    records = [{"url": f"https://news.example/{run}/story-{i}",
                "text": f"Story {i} of run {run}\n\nThe council met on day {i}, the clerk said.\n\n"
                        f'"We are on schedule," council chair Lena Park said.'} for i in range(1000)]
    path = tmp_path / "thousand.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in records))
    ids = {url_id(canonical_url(r["url"])) for r in records}
    for _ in range(2):  # delivered twice: still stored once
        result = worker.replay(path)
        assert result.returncode == 0 and "replayed 1000" in result.stderr, result.stderr
    wait_for(lambda: sqlite_count(worker, ids) == 1000, 240, interval=1, what="1000 articles in SQLite")
    wait_for(lambda: len(postgres_rows(postgres_schema, ids)) == 1000, 120, interval=1,
             what="1000 articles in PostgreSQL")
    jsonl_ids = [orjson.loads(l)["article"]["id"] for l in worker.jsonl_path.read_bytes().splitlines()]
    assert sorted(i for i in jsonl_ids if i in ids) == sorted(ids)  # each once
    with psycopg.connect(POSTGRES_URL) as conn:
        speakers = conn.execute(f'SELECT count(*) FROM "{postgres_schema}".attributions '
                                f"WHERE article_id = ANY(%s) AND speaker = 'Lena Park'",
                                (list(ids),)).fetchone()[0]
    assert speakers == 1000


def test_search_and_quotes_read_the_sqlite_store(worker, unique_article):
    path, article_id, title = unique_article()
    assert run_cli("replay", "--broker", worker.bootstrap, str(path)).returncode == 0
    worker.wait_stored(article_id)
    word = title.split()[-1]  # the unique hex suffix
    found = run_cli("search", word, "--db", str(worker.sqlite_path))
    assert found.returncode == 0 and article_id in found.stdout
    quotes = run_cli("quotes", "--speaker", "ana ruiz", "--db", str(worker.sqlite_path))
    assert quotes.returncode == 0 and "This is a good day for the city" in quotes.stdout
    assert "Ana Ruiz [Mayor] (told, direct)" in quotes.stdout, quotes.stdout
    assert run_cli("quotes", "--speaker", "an", "--db", str(worker.sqlite_path)).stdout == "no quotes\n"
    speakers = run_cli("speakers", "RUIZ", "--db", str(worker.sqlite_path))
    assert speakers.returncode == 0 and re.match(r"Ana Ruiz \(Mayor\): \d+ quotes, \d+ mentions in \d+ articles\n",
                                                 speakers.stdout), speakers.stdout


def test_dlq_list_and_replay_republish_to_the_source_topic(worker):
    from tests.integration.test_integration import produce, read_dlq

    marker = uuid.uuid4().hex
    bad = orjson.dumps({"id": marker, "body": None, "content_type": "text/plain", "schema_version": 1})
    produce(worker.bootstrap, "news.raw", [bad])
    wait_for(lambda: [l for l in read_dlq(worker.bootstrap) if marker in l["payload"]], 30, what="first letter")
    listed = run_cli("dlq", "list", "--broker", worker.bootstrap, "--stage", "stripper")
    assert listed.returncode == 0 and "stripper from news.raw" in listed.stdout
    replayed = run_cli("dlq", "replay", "--broker", worker.bootstrap)
    assert replayed.returncode == 0 and "re-published" in replayed.stderr
    # Still broken, so it fails again: a second letter proves it went back through news.raw.
    wait_for(lambda: len([l for l in read_dlq(worker.bootstrap) if marker in l["payload"]]) == 2, 30,
             what="the re-published message failing again")
    again = run_cli("dlq", "replay", "--broker", worker.bootstrap)  # its own group: no double sending
    assert re.search(r"re-published [1-9]\d* dead letter", again.stderr)  # only the new letter(s)


def readme_consumer() -> str:
    readme = (REPO / "README.md").read_text()
    block = re.search(r"<!-- consumer-example -->\s*```python\n(.*?)```", readme, re.S)
    assert block, "README lost its downstream consumer example"
    return block.group(1)


def test_readme_consumer_example_receives_enriched_articles(worker, unique_article, tmp_path):
    code = readme_consumer()
    assert "import pipeline" not in code and "from pipeline" not in code  # plain aiokafka only
    path, article_id, _ = unique_article()
    assert run_cli("replay", "--broker", worker.bootstrap, str(path)).returncode == 0
    worker.wait_stored(article_id)
    script = tmp_path / "consumer.py"
    script.write_text(code)
    process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                               env={"KAFKA_BOOTSTRAP": worker.bootstrap, "PATH": "/usr/bin:/bin",
                                    "CONSUMER_GROUP": f"readme-{uuid.uuid4().hex[:6]}"}, cwd=tmp_path)
    try:
        seen = []
        for line in process.stdout:
            seen.append(line)
            if article_id in line:
                break
    finally:
        process.terminate()
        process.wait(10)
    assert any(article_id in line for line in seen)

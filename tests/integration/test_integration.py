"""End to end through the real embedded broker and a real worker process."""

from __future__ import annotations

import asyncio
import uuid

import orjson
import pytest
from aiokafka import AIOKafkaProducer

from newsflow import codec
from newsflow.records import RawDocument
from newsflow.replay import iter_documents
from newsflow.stream.kafka import raw_key
from tests.conftest import SEEDS, doc_id, run_cli, wait_for

pytestmark = pytest.mark.integration

SEED = next(SEEDS.glob("*.txt"))


def seed_doc() -> RawDocument:
    (document,) = list(iter_documents([SEED]))
    return document


def read_dlq(bootstrap: str) -> list[dict]:
    result = run_cli("tail", "--broker", bootstrap, "news.dlq")
    assert result.returncode == 0, result.stderr
    return [orjson.loads(line) for line in result.stdout.splitlines() if line.strip()]


def produce(bootstrap: str, topic: str, values: list[bytes], key: bytes | None = None) -> None:
    async def send():
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False)
        await producer.start()
        try:
            for value in values:
                await producer.send_and_wait(topic, value=value, key=key)
        finally:
            await producer.stop()
    asyncio.run(send())


def test_seed_is_stored_clean_and_attributed(worker):
    result = run_cli("replay", "--broker", worker.bootstrap, str(SEEDS))
    assert result.returncode == 0, result.stderr
    record = worker.wait_stored(doc_id(SEED))
    article = record["article"]
    assert article["title"].startswith("Senior defense official")
    body = article["body"]
    assert "Most Popular" not in body and "Load more" not in body and "See all Video" not in body
    assert "AP/Vadim Zamirovsky" not in body and "Tags" not in body
    assert "A Ukrainian Army soldier inspects" not in body
    assert article["credits"] == ["AP/Vadim Zamirovsky"]
    assert article["captions"][0].startswith("A Ukrainian Army soldier inspects")
    assert "Vladimir Putin" in article["tags"]
    assert body.count("\n\n") + 1 == len(article["paragraphs"]) == 11  # every article paragraph
    speakers = {a["speaker"] for a in record["attributions"]}
    assert "a senior U.S. defense official" in speakers
    for a in record["attributions"]:
        where = article["title"] if a["where"] == "title" else body  # a headline's spans index the title
        assert where[a["content_span"][0]:a["content_span"][1]] == a["content"]
    assert record["attributions"][0]["where"] == "title"  # "Senior defense official: No sign yet ..."
    assert record["speakers"][0]["name"] == "a senior U.S. defense official"


def test_seed_also_reaches_jsonl_sink_once(worker):
    seed_id = doc_id(SEED)
    for _ in range(2):  # replaying twice must not duplicate the stored article
        assert run_cli("replay", "--broker", worker.bootstrap, str(SEED)).returncode == 0
    worker.wait_stored(seed_id)
    def lines_with_seed():
        lines = worker.jsonl_path.read_bytes().splitlines() if worker.jsonl_path.exists() else []
        return [l for l in lines if orjson.loads(l)["article"]["id"] == seed_id]
    wait_for(lines_with_seed, 30, what="seed in the JSONL sink")
    # A sentinel with the seed's key follows it through the same partition of every topic, and
    # each agent handles a partition in order: once the sentinel is stored, a duplicate would be too.
    sentinel = RawDocument(id=f"sha1:{uuid.uuid4().hex}", body=f"Sentinel {uuid.uuid4()}\n\nAfter the seed.",
                           content_type="text/plain", title="Sentinel")
    produce(worker.bootstrap, "news.raw", [codec.encode(sentinel)], key=raw_key(seed_doc()))
    worker.wait_stored(sentinel.id)
    wait_for(lambda: any(orjson.loads(l)["article"]["id"] == sentinel.id
                         for l in worker.jsonl_path.read_bytes().splitlines()), 30, what="sentinel in JSONL")
    assert len(lines_with_seed()) == 1


def test_poison_message_goes_to_dlq_and_worker_keeps_going(worker, unique_article):
    poison = b"\xff\xfe this is not JSON " + uuid.uuid4().hex.encode()
    produce(worker.bootstrap, "news.raw", [poison])
    path, article_id, title = unique_article()
    assert run_cli("replay", "--broker", worker.bootstrap, str(path)).returncode == 0
    assert worker.wait_stored(article_id)["article"]["title"] == title
    letters = wait_for(lambda: [l for l in read_dlq(worker.bootstrap) if poison.decode("utf-8", "replace") == l["payload"]],
                       30, what="the poison message in news.dlq")
    letter = letters[0]
    assert letter["stage"] == "stripper" and letter["topic"] == "news.raw"
    assert "not JSON" in letter["error"] and letter["payload_b64"]  # exact bytes kept


def test_schema_invalid_message_goes_to_dlq(worker):
    marker = uuid.uuid4().hex
    invalid = orjson.dumps({"id": marker, "body": 42, "content_type": "text/plain", "schema_version": 1})
    produce(worker.bootstrap, "news.raw", [invalid])
    letters = wait_for(lambda: [l for l in read_dlq(worker.bootstrap) if marker in l["payload"]], 30,
                       what="the invalid message in news.dlq")
    assert "schema" in letters[0]["error"] and "body" in letters[0]["error"]


def test_unreadable_replay_record_is_dead_lettered_not_lost(worker, tmp_path, unique_article):
    marker = uuid.uuid4().hex
    good_path, good_id, _ = unique_article()
    records = tmp_path / "batch.jsonl"
    good = {"url": f"https://example.org/news/{marker}", "text": good_path.read_text()}
    huge = {"url": f"https://example.org/huge/{marker}", "text": marker + " " + "word " * 2_000_000}
    typed = {"url": 5, "text": f"wrong type {marker}"}
    records.write_text("\n".join([orjson.dumps(good).decode(), "{broken json " + marker,
                                  orjson.dumps(huge).decode(), orjson.dumps(typed).decode()]) + "\n")
    result = run_cli("replay", "--broker", worker.bootstrap, str(records))
    assert result.returncode == 3, result.stderr  # something was dead-lettered, and it says so
    assert "replayed 1 document(s); 3 dead-lettered (bad-record 1, not-json 1, oversize 1)" in result.stderr
    def mine():
        found = [l for l in read_dlq(worker.bootstrap) if marker in l["payload"]]
        return found if len(found) == 3 else None
    letters = wait_for(mine, 30, what="the three bad records in news.dlq")
    by_type = {letter["error_type"]: letter for letter in letters}
    assert set(by_type) == {"not-json", "oversize", "bad-record"} and all(l["stage"] == "replay" for l in letters)
    assert "line 2" in by_type["not-json"]["error"] and by_type["oversize"]["offset"] == 3
    from newsflow.records import url_id
    from newsflow.urls import canonical_url
    worker.wait_stored(url_id(canonical_url(good["url"])))


def test_tail_shows_enriched_messages_for_downstream(worker, unique_article):
    path, article_id, _ = unique_article()
    assert run_cli("replay", "--broker", worker.bootstrap, str(path)).returncode == 0
    worker.wait_stored(article_id)
    result = run_cli("tail", "--broker", worker.bootstrap, "news.enriched")
    ids = [orjson.loads(line)["article"]["id"] for line in result.stdout.splitlines()]
    assert article_id in ids


def test_run_exit_when_idle_with_embedded_broker(tmp_path):
    out = tmp_path / "out.jsonl"
    result = run_cli("run", "--replay", str(SEEDS), "--exit-when-idle", "--sink", f"jsonl:{out}",
                      "--data-dir", str(tmp_path / "data"), timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    (line,) = out.read_bytes().splitlines()
    record = orjson.loads(line)
    assert record["article"]["id"] == doc_id(SEED)
    assert "Most Popular" not in record["article"]["body"]
    assert "a senior U.S. defense official" in {a["speaker"] for a in record["attributions"]}
    assert "embedded tansu broker" in result.stderr
    assert not (tmp_path / "data" / "broker.address").exists()  # cleaned up on exit


def test_stripper_learns_a_sites_recurring_lines_and_keeps_them_in_its_table(worker, tmp_path):
    run = uuid.uuid4().hex[:8]
    furniture = f"Riverside Ledger {run} is delivered to homes across the valley every weekday morning."
    records = []
    for i in range(30):
        paragraphs = [f"The water board voted {i} times on the reservoir plan this spring, members said.",
                      f"Residents of district {i} asked for a public hearing before any new levy.",
                      furniture]
        html = ("<html><head><title>Story</title></head><body><article><h1>Reservoir vote " + str(i) + "</h1>"
                + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article></body></html>")
        records.append({"url": f"https://ledger-{run}.example/news/{i}", "html": html})
    path = tmp_path / "site.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in records))
    assert run_cli("replay", "--broker", worker.bootstrap, str(path)).returncode == 0
    from newsflow.records import url_id
    from newsflow.urls import canonical_url
    ids = [url_id(canonical_url(r["url"])) for r in records]
    first, last = worker.wait_stored(ids[0]), worker.wait_stored(ids[-1])
    assert furniture in first["article"]["body"]  # warm-up: early articles are not gutted
    assert furniture not in last["article"]["body"]
    assert {"text": furniture, "reason": "site-recurring"} in last["article"]["removed"]
    changelog = run_cli("tail", "--broker", worker.bootstrap, "newsflow-site-boilerplate-changelog")
    assert changelog.returncode == 0 and changelog.stdout.strip()  # the per-site state is persisted


def test_worker_exposes_prometheus_metrics(worker, unique_article):
    import urllib.request

    path, article_id, _ = unique_article()
    assert run_cli("replay", "--broker", worker.bootstrap, str(path)).returncode == 0
    worker.wait_stored(article_id)
    text = urllib.request.urlopen(f"http://127.0.0.1:{worker.metrics_port}/metrics", timeout=10).read().decode()
    def value(line_start: str) -> float:
        return sum(float(l.rsplit(" ", 1)[1]) for l in text.splitlines() if l.startswith(line_start))
    assert value('newsflow_messages_processed_total{stage="stripper"}') >= 1
    assert value('newsflow_messages_processed_total{stage="attributor"}') >= 1
    assert value('newsflow_articles_stored_total{sink="sqlite:') >= 1
    assert value('newsflow_stage_seconds_count{stage="stripper"}') >= 1


def test_a_page_over_a_megabyte_flows_through(worker, tmp_path):
    run = uuid.uuid4().hex[:8]
    paragraphs = "".join(f"<p>Witness {i} told the inquiry about the flood defences on street {i}. " * 8 + "</p>"
                         for i in range(2000))
    record = {"url": f"https://news.example/{run}/flood", "html": f"<html><body><article><h1>Flood inquiry {run}</h1>"
              + paragraphs + "</article></body></html>"}
    path = tmp_path / "big.json"
    path.write_bytes(orjson.dumps(record))
    assert path.stat().st_size > 1_000_000
    assert run_cli("replay", "--broker", worker.bootstrap, str(path)).returncode == 0
    from newsflow.records import url_id
    from newsflow.urls import canonical_url
    stored = worker.wait_stored(url_id(canonical_url(record["url"])), timeout=120)
    assert len(stored["article"]["paragraphs"]) > 1000


def test_run_with_an_unreachable_store_fails_fast_and_clearly(tmp_path):
    result = run_cli("run", "--replay", str(SEEDS), "--exit-when-idle", "--sink", "postgresql://u:secret@127.0.0.1:1/x",
                      "--data-dir", str(tmp_path), timeout=60)
    assert result.returncode == 1
    assert "could not be set up" in result.stderr and "secret" not in result.stderr  # password masked

"""Delivery semantics in memory: dead letters that fit, poison vs unavailable stores,
not-an-article detection, control characters, the killable stage runner, exit codes."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
from collections import Counter
from types import SimpleNamespace

import orjson
import psycopg
import pytest

from newsflow import codec
from newsflow.deadletter import PAYLOAD_LIMIT, dead_letter, original_bytes
from newsflow.delivery import backoff, is_rejection, retry_until_done
from newsflow.monitor import Monitor
from newsflow.processing import clean_document, clean_with_site_state
from newsflow.progress import Progress
from newsflow.records import RawDocument
from newsflow.screening import NotAnArticle, blank_controls, not_an_article, scrub
from newsflow.stream.kafka import MAX_MESSAGE_BYTES
from tests import stage_helpers

# --- dead letters always fit ---------------------------------------------------------------


def test_an_oversize_payload_is_truncated_and_kept_whole_in_a_side_file(tmp_path):
    raw = ("\x00" + "é" * 10).encode() * 800_000  # ~17 MB, JSON-escaping inflates the NULs 6x
    letter = dead_letter("stripper", ValueError("too big"), topic="news.raw", payload=raw, reason="oversize",
                         side_dir=tmp_path / "dead-letters")
    encoded = codec.encode(letter, base_topic="news.dlq")
    assert len(encoded) < MAX_MESSAGE_BYTES // 4
    assert letter.payload_truncated and letter.payload_size == len(raw)
    assert letter.payload_sha256 == hashlib.sha256(raw).hexdigest()
    assert letter.payload_file == str(tmp_path / "dead-letters" / letter.payload_sha256)
    assert original_bytes(orjson.loads(encoded)) == raw  # what dlq replay re-publishes


def test_a_small_payload_is_kept_in_the_letter_and_a_lost_side_file_is_reported(tmp_path):
    letter = dead_letter("sink", "bad", topic="news.enriched", payload=b"{}", side_dir=tmp_path)
    assert not letter.payload_truncated and letter.payload == "{}" and not list(tmp_path.iterdir())
    big = dead_letter("sink", "bad", topic="news.enriched", payload=b"x" * (PAYLOAD_LIMIT + 1), side_dir=tmp_path)
    (tmp_path / big.payload_sha256).unlink()
    assert original_bytes(big.to_dict()) is None


def test_a_huge_error_message_is_cut():
    letter = dead_letter("attributor", ValueError("x" * 100_000), topic="news.clean", payload=b"{}")
    assert len(letter.error) <= 2000


# --- poison or unavailable -----------------------------------------------------------------


@pytest.mark.parametrize("exc, rejected", [
    (sqlite3.IntegrityError("UNIQUE constraint failed"), True),
    (sqlite3.OperationalError("database is locked"), False),
    (psycopg.DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes"), True),
    (psycopg.errors.UniqueViolation("duplicate key"), True),
    (psycopg.OperationalError("connection refused"), False),
    (ValueError("bad value"), True),
    (ConnectionResetError("peer went away"), False),
    (TimeoutError(), False),
    (RuntimeError("setup() was not called"), False),
])
def test_rejections_are_told_apart_from_unavailable_stores(exc, rejected):
    assert is_rejection(exc) is rejected


def test_backoff_doubles_and_is_capped():
    assert [backoff(i) for i in range(4)] == [0.5, 1.0, 2.0, 4.0]
    assert backoff(50) == 30.0


def test_retry_until_done_waits_out_failures_and_hands_back_rejections():
    slept, calls = [], []

    async def sleep(seconds):
        slept.append(seconds)

    async def flaky():
        calls.append(1)
        if len(calls) < 4:
            raise sqlite3.OperationalError("database is locked")
        return "done"

    async def rejects():
        raise sqlite3.IntegrityError("constraint")

    import logging
    log = logging.getLogger("test")
    assert asyncio.run(retry_until_done(flaky, "flush", log, sleep=sleep)) == "done"
    assert slept == [0.5, 1.0, 2.0]
    with pytest.raises(sqlite3.IntegrityError):
        asyncio.run(retry_until_done(rejects, "flush", log, give_up=is_rejection, sleep=sleep))


class FlakySink:
    """A sink that is away for ``away`` flushes, and rejects the article ids in ``bad``."""

    def __init__(self, away: int = 0, bad: frozenset = frozenset()) -> None:
        self.name, self.away, self.bad = "flaky", away, bad
        self.pending, self.stored = {}, {}

    async def add(self, item):
        self.pending[item.id] = item

    async def flush(self):
        if self.away:
            self.away -= 1
            raise sqlite3.OperationalError("database is locked")
        if self.bad & set(self.pending):
            raise sqlite3.IntegrityError("constraint failed")
        self.stored.update(self.pending)
        ids, self.pending = list(self.pending), {}
        return ids

    async def discard_pending(self):
        self.pending = {}


def fake_pipeline(tmp_path, sinks):
    letters = []

    async def send_dead_letter(letter, doc_id):
        letters.append(letter)

    progress = Progress(sink_names=tuple(s.name for s in sinks))
    metrics = SimpleNamespace(stored=SimpleNamespace(labels=lambda **kw: SimpleNamespace(inc=lambda n=1: None)))
    return SimpleNamespace(sinks=sinks, progress=progress, metrics=metrics, send_dead_letter=send_dead_letter,
                           app=SimpleNamespace(should_stop=False),
                           monitor=Monitor(),
                           names=SimpleNamespace(enriched="news.enriched"),
                           config=SimpleNamespace(data_dir=tmp_path)), letters


def enriched(n: int):
    from newsflow.processing import enrich
    from newsflow.stripping import strip_boilerplate
    return [enrich(strip_boilerplate(f"Story {i}\n\nThe mayor said the bridge opens on day {i}.", id=f"a{i}"))
            for i in range(n)]


def test_a_store_that_is_away_is_waited_out_without_dead_letters(tmp_path, monkeypatch):
    from newsflow.agents import sink as sink_agent

    monkeypatch.setattr("newsflow.delivery.BACKOFF_BASE", 0.001)
    store = FlakySink(away=5)
    pipeline, letters = fake_pipeline(tmp_path, [store])
    items = enriched(3)
    asyncio.run(sink_agent.store_in(pipeline, store, items))
    assert sorted(store.stored) == ["a0", "a1", "a2"] and letters == []
    assert pipeline.progress.stored["flaky"] == {"a0", "a1", "a2"}


def test_only_the_article_a_store_rejects_is_dead_lettered(tmp_path):
    from newsflow.agents import sink as sink_agent

    store = FlakySink(bad=frozenset({"a1"}))
    pipeline, letters = fake_pipeline(tmp_path, [store])
    asyncio.run(sink_agent.store_in(pipeline, store, enriched(3)))
    assert sorted(store.stored) == ["a0", "a2"]
    assert [(letter.key, letter.reason, letter.stage) for letter in letters] == [("a1", "rejected", "sink:flaky")]


# --- not an article; control characters ----------------------------------------------------


@pytest.mark.parametrize("body, detected", [
    ("", "empty"), (" \n\t ", "empty"),
    (b"\x7fELF\x02\x01\x01\x00".decode("latin-1") + "\x00" * 500, "binary (ELF)"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".decode("utf-8", "replace"), "binary (PNG)"),
    ("%PDF-1.7 ...", "binary (PDF)"),
    ("ab\x00\x01\x02" * 400, "binary (NUL bytes)"),
    ("ab\x01\x02\x03" * 400, "binary (control characters)"),
])
def test_binary_and_empty_documents_are_named(body, detected):
    assert not_an_article(body) == detected


def test_text_with_a_few_nul_bytes_is_an_article_once_scrubbed():
    text = "The council met on Tuesday.\x00 The mayor said\x07 the budget passed.\r\n\tEnd."
    assert not_an_article(text) is None
    assert scrub(text) == "The council met on Tuesday. The mayor said the budget passed.\r\n\tEnd."


def test_clean_document_refuses_what_is_not_an_article_and_scrubs_the_rest():
    for body, detected in [("", "empty"), ("<html><body><script>x()</script></body></html>", "no article text")]:
        with pytest.raises(NotAnArticle, match=detected):
            clean_document(RawDocument(id="x", body=body, content_type="text/html"))
    raw = RawDocument(id="y", body="Title\x00 here\n\nThe mayor\x00 said the bridge opens.", content_type="text/plain",
                      title="Title\x00 here", authors=["Ann\x01 Lee"])
    article = clean_document(raw)
    assert "\x00" not in article.body and article.title == "Title here" and article.authors == ["Ann Lee"]


def test_blank_controls_keeps_spans_valid():
    record = enriched(1)[0]
    dirty = blank_controls(type(record)(article=record.article.__class__(**{**record.article.__dict__,
                                                                             "body": "a\x00b"}),
                                        attributions=[], attributor_version="v"))
    assert dirty.article.body == "a b"


def test_site_state_goes_in_and_comes_back():
    raw = RawDocument(id="z", body="Story\n\nThe mayor said the bridge opens.\n\nSubscribe now.", content_type="text/plain",
                      url="https://site.example/a")
    article, state = clean_with_site_state(raw, "site.example", None, {})
    assert state["articles"] == 1 and article.body
    _, again = clean_with_site_state(raw, "site.example", state, {})
    assert again["articles"] == 2


# --- the killable stage runner -------------------------------------------------------------


def test_stage_runner_kills_a_stage_over_budget_and_goes_on():
    from newsflow.stream.stage_runner import StageCrashed, StageRunner, StageTimeout

    async def scenario():
        runner = StageRunner(stage_helpers.spin_on_marker, timeout=1.0)
        try:
            assert await runner.call("first") == "first"
            with pytest.raises(StageTimeout):
                await runner.call(stage_helpers.HANG_MARKER)
            assert await runner.call("after") == "after" and runner.restarts == 1
        finally:
            runner.stop()
        failing, dying = StageRunner(stage_helpers.fail, 5.0), StageRunner(stage_helpers.die, 5.0)
        try:
            with pytest.raises(ValueError, match="cannot handle"):
                await failing.call(1)
            with pytest.raises(StageCrashed):
                await dying.call(1)
        finally:
            failing.stop()
            dying.stop()

    asyncio.run(scenario())


def test_a_stage_that_cannot_start_is_unavailable_not_poison(monkeypatch):
    from newsflow.stream import stage_runner

    monkeypatch.setattr(stage_runner, "START_TIMEOUT", 10.0)
    runner = stage_runner.StageRunner(stage_helpers.echo, 5.0)
    runner.func = SimpleNamespace(__module__="tests.no_such_module", __qualname__="echo")  # does not import

    async def call():
        with pytest.raises(stage_runner.StageUnavailable):
            await runner.call("x")

    asyncio.run(call())


# --- exit codes ------------------------------------------------------------------------------


def test_lost_documents_are_counted_by_reason():
    progress = Progress(sink_names=("a",))
    for i in range(4):
        progress.expect(f"d{i}")
    progress.stored_in("a", ["d0"])
    progress.dead("d1", "timeout")
    progress.dead("d2", "not-an-article")
    progress.dead("d3", "not-an-article")
    progress.gave_up("fetch failed")
    assert progress.idle is False or progress.replay_done is False
    assert progress.lost() == Counter({"not-an-article": 2, "timeout": 1, "fetch failed": 1})
    assert progress.stored_everywhere() == 1


def test_exit_code_never_hides_a_crash_and_says_interrupted():
    import signal

    from newsflow.stream.worker import RunOptions, exit_code

    pipeline = SimpleNamespace(crash=None, progress=Progress(sink_names=("a",)))
    worker = SimpleNamespace(stopped_by=None, crash_reason=None)
    quiet, idle_run = RunOptions(quiet=True), RunOptions(exit_when_idle=True, quiet=True)
    assert exit_code(pipeline, worker, idle_run, {"code": 3}, 0) == 3
    assert exit_code(pipeline, worker, idle_run, {"code": 0}, 1) == 1  # mode's SystemExit(1): a crash
    assert exit_code(SimpleNamespace(crash=RuntimeError("x"), progress=pipeline.progress), worker, quiet, {}, 0) == 1
    worker.stopped_by = signal.SIGINT
    assert exit_code(pipeline, worker, quiet, {}, 0) == 130
    worker.stopped_by = signal.SIGTERM
    assert exit_code(pipeline, worker, idle_run, {}, 0) == 130  # SIGTERM before idle
    assert exit_code(pipeline, worker, quiet, {}, 0) == 0  # a continuous worker asked to stop


def test_the_time_budget_grows_with_the_input_by_started_megabyte():
    from newsflow.delivery import stage_budget

    assert stage_budget(10, 0) == stage_budget(10, 54_000) == 10
    assert stage_budget(10, 1_174_299) == 20 and stage_budget(2.5, 3_000_000) == 7.5

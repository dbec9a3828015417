"""Sinks and the store read side: JSONL and SQLite, no broker, no server."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

import orjson
import pytest

from newsflow import store_queries
from newsflow.records import Attribution, CleanArticle, EnrichedArticle, Removal, Speaker
from newsflow.sinks import (
    BatchingSink,
    JsonlSink,
    SinkSpecError,
    SqliteSink,
    content_hash,
    open_sink,
)
from newsflow.sinks.sqlite import MIGRATIONS

STORE_V1 = Path(__file__).parent / "fixtures" / "stores" / "store_v1.sqlite3"  # see make_store_v1.py

BODY = "Rain fell on Tuesday. The mayor said the bridge would reopen. Traffic was light."


def quote(speaker: str, content: str = "the bridge would reopen", cue: str = "said") -> Attribution:
    """A small attribution; spans are plausible, not checked by the sinks."""
    return Attribution(source="The mayor", cue=cue, content=content, source_span=(22, 31),
                       cue_span=(32, 36), content_span=(37, 60), kind="indirect", speaker=speaker)


def make_article(n: int = 1, body: str = BODY, speakers: tuple[str, ...] = ("Anna Berg",),
                 title: str | None = None, published: str | None = "2026-11-01",
                 listed: tuple[Speaker, ...] = ()) -> EnrichedArticle:
    """A synthetic enriched article with one attribution per speaker (``listed``: its speakers list)."""
    clean = CleanArticle(id=f"url:test{n}", title=title or f"Bridge news {n}", body=body,
                         paragraphs=body.split(". "), tags=["local"], authors=["Reporter"],
                         published=published, language="en", url=f"https://example.org/{n}",
                         stripper_version="strip-1", removed=[Removal("Share this", "social")])
    return EnrichedArticle(article=clean, attributions=[quote(s) for s in speakers],
                           attributor_version="attr-1", speakers=list(listed))


def berg(titles: tuple[str, ...], mentions: int = 3, quotes: int = 1, name: str = "Anna Berg") -> Speaker:
    return Speaker(name=name, titles=list(titles), mentions=mentions, quotes=quotes)


SPEAKER_COLUMNS = "SELECT name, quote_count, article_count, mention_count, titles FROM speakers ORDER BY name"


async def deliver(sink, *items: EnrichedArticle, flush_each: bool = True) -> None:
    """Add items as the sink agent would, flushing after each when asked."""
    for item in items:
        await sink.add(item)
        if flush_each:
            await sink.flush()
    await sink.flush()


def rows(db: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


# --- BatchingSink ----------------------------------------------------------------------------


class MemorySink(BatchingSink):
    """Records each write; fails when told to."""

    name = "memory"

    def __init__(self, **kw):
        super().__init__(**kw)
        self.batches: list[list[str]] = []
        self.fail = False

    async def write(self, batch):
        await asyncio.sleep(0)  # yield, as a real store's I/O would
        if self.fail:
            raise OSError("disk full")
        self.batches.append([i.id for i in batch])


async def test_batch_dedups_by_id_last_wins():
    sink = MemorySink()
    changed = make_article(1, body="Another body.")
    await deliver(sink, make_article(1), make_article(2), changed, flush_each=False)
    assert sink.batches == [["url:test1", "url:test2"]]
    assert await sink.flush() == []


async def test_failed_write_keeps_the_batch():
    sink = MemorySink()
    await sink.add(make_article(1))
    sink.fail = True
    with pytest.raises(OSError):
        await sink.flush()
    assert len(sink) == 1
    sink.fail = False
    assert await sink.flush() == ["url:test1"]


async def test_concurrent_flushes_write_in_order():
    sink = MemorySink()
    await sink.add(make_article(1))
    first = asyncio.ensure_future(sink.flush())
    await asyncio.sleep(0)
    await sink.add(make_article(2))
    assert await asyncio.gather(first, sink.flush()) == [["url:test1"], ["url:test2"]]
    assert sink.batches == [["url:test1"], ["url:test2"]]


def test_content_hash_ignores_json_round_trip():
    item = make_article(1)
    again = EnrichedArticle.from_dict(orjson.loads(orjson.dumps(item.to_dict())))
    assert content_hash(again) == content_hash(item)
    assert content_hash(make_article(1, body="x")) != content_hash(item)


# --- spec parsing and names ------------------------------------------------------------------


@pytest.mark.parametrize("spec", ["kafka://x", "mysql://u:pw@h/db", "just-a-path.db", "jsonl:"])
def test_bad_specs(spec):
    with pytest.raises(SinkSpecError, match="valid forms: jsonl:PATH"):
        open_sink(spec)


def test_bad_spec_message_masks_password():
    with pytest.raises(SinkSpecError) as info:
        open_sink("mysql://u:hunter2@h/db")
    assert "hunter2" not in str(info.value)


def test_specs_pick_the_store(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert isinstance(open_sink(f"jsonl:{tmp_path}/a.jsonl"), JsonlSink)
    sink = open_sink("sqlite:")
    assert isinstance(sink, SqliteSink) and sink.path == Path("data/newsflow.sqlite3")
    assert open_sink("sqlite:x.db").name == "sqlite:x.db"


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_postgres_name_masks_password(scheme):
    sink = open_sink(f"{scheme}://newsflow:s3cret@db.example:5432/news?schema=s1")
    assert sink.name == f"{scheme}://newsflow:***@db.example:5432/news?schema=s1"
    assert "s3cret" not in repr(sink)
    assert sink.schema == "s1" and "schema" not in sink.conninfo



def test_postgres_bad_schema_name():
    with pytest.raises(SinkSpecError, match="invalid schema name"):
        open_sink("postgresql://h/db?schema=x;drop")


# --- JSONL -----------------------------------------------------------------------------------


def read_jsonl(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


async def test_jsonl_same_article_three_times_stored_once(tmp_path):
    path = tmp_path / "out" / "articles.jsonl"
    async with JsonlSink(path) as sink:
        await deliver(sink, make_article(1), make_article(1), make_article(1))
    async with JsonlSink(path) as sink:  # a restart re-reads the ids
        await deliver(sink, make_article(1))
    lines = read_jsonl(path)
    assert len(lines) == 1
    assert EnrichedArticle.from_dict(lines[0]) == make_article(1)
    assert sink.stats.unchanged == 1


async def test_jsonl_changed_article_appends_new_version(tmp_path):
    path = tmp_path / "a.jsonl"
    async with JsonlSink(path) as sink:
        await deliver(sink, make_article(1), make_article(2), make_article(1, body="Updated."))
        await deliver(sink, make_article(1, body="Updated."))
    lines = read_jsonl(path)
    assert [line["article"]["id"] for line in lines] == ["url:test1", "url:test2", "url:test1"]
    assert lines[-1]["article"]["body"] == "Updated."  # readers take the last line per id
    assert (sink.stats.inserted, sink.stats.updated, sink.stats.unchanged) == (2, 1, 1)


async def test_jsonl_survives_a_torn_last_line(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(orjson.dumps(make_article(1).to_dict()) + b"\n" + b'{"article": {"id"')
    async with JsonlSink(path) as sink:
        await deliver(sink, make_article(1), make_article(2))
    lines = path.read_bytes().splitlines()
    assert len(lines) == 3 and orjson.loads(lines[2])["article"]["id"] == "url:test2"


# --- SQLite ----------------------------------------------------------------------------------


@pytest.fixture
async def sqlite_db(tmp_path):
    """A set-up SQLite sink and its path; closed after the test."""
    db = tmp_path / "news.sqlite3"
    sink = SqliteSink(db)
    await sink.setup()
    yield sink, db
    await sink.close()


async def test_sqlite_same_article_three_times_stored_once(sqlite_db):
    sink, db = sqlite_db
    await deliver(sink, make_article(1), make_article(1), make_article(1))
    await deliver(sink, make_article(1), make_article(1), flush_each=False)
    assert rows(db, "SELECT count(*) FROM articles") == [(1,)]
    assert rows(db, "SELECT count(*) FROM attributions") == [(1,)]
    assert rows(db, "SELECT count(*) FROM article_history") == [(0,)]
    assert (sink.stats.inserted, sink.stats.unchanged) == (1, 3)


async def test_sqlite_changed_article_replaced_with_history(sqlite_db):
    sink, db = sqlite_db
    await deliver(sink, make_article(1))
    first_hash = content_hash(make_article(1))
    changed = make_article(1, body="The mayor said the bridge stays shut.", speakers=("Carl Ode", "Anna Berg"))
    await deliver(sink, changed, changed)
    assert rows(db, "SELECT body, content_hash FROM articles") == [(changed.article.body, content_hash(changed))]
    history = rows(db, "SELECT article_id, content_hash, record FROM article_history")
    assert [(h[0], h[1]) for h in history] == [("url:test1", first_hash)]
    assert EnrichedArticle.from_dict(orjson.loads(history[0][2])) == make_article(1)
    assert rows(db, "SELECT speaker FROM attributions ORDER BY idx") == [("Carl Ode",), ("Anna Berg",)]
    assert sink.stats.updated == 1


async def test_sqlite_columns_and_record(sqlite_db):
    sink, db = sqlite_db
    await deliver(sink, make_article(1))
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    row = conn.execute("SELECT * FROM articles").fetchone()
    assert (row["url"], row["language"], row["stripper_version"], row["attributor_version"]) == \
        ("https://example.org/1", "en", "strip-1", "attr-1")
    assert orjson.loads(row["tags"]) == ["local"] and row["first_seen"] == row["updated_at"]
    assert EnrichedArticle.from_dict(orjson.loads(row["record"])) == make_article(1)
    attribution = conn.execute("SELECT * FROM attributions").fetchone()
    assert (attribution["speaker"], attribution["cue"], attribution["speech"]) == ("Anna Berg", "said", 1)
    assert (attribution["content_start"], attribution["content_end"]) == (37, 60)
    conn.close()


async def test_sqlite_speakers_are_recounted(sqlite_db):
    sink, db = sqlite_db
    await deliver(sink, make_article(1, speakers=("Anna Berg", "Anna Berg", "Carl Ode")),
                  make_article(2, speakers=("Anna Berg",)), flush_each=False)
    assert rows(db, "SELECT * FROM speakers ORDER BY name")[0][:3] == ("Anna Berg", 3, 2)
    await deliver(sink, make_article(1, body="Rewritten.", speakers=("Anna Berg",)))
    assert [r[:3] for r in rows(db, "SELECT * FROM speakers ORDER BY name")] == [("Anna Berg", 2, 2)]


async def test_sqlite_speakers_carry_titles_and_mentions(sqlite_db):
    sink, db = sqlite_db
    one = make_article(1, listed=(berg(("Mayor",), mentions=4, quotes=2), berg((), 1, 1, "Carl Ode")))
    two = make_article(2, listed=(berg(("Mayor", "Chair of the board"), mentions=2),))
    three = make_article(3, listed=(berg(("Chair of the board", "a former judge"), mentions=1),))
    await deliver(sink, one, two, three, flush_each=False)
    assert rows(db, SPEAKER_COLUMNS) == [
        ("Anna Berg", 4, 3, 7, '["Chair of the board","Mayor","a former judge"]'),  # most seen, then by name
        ("Carl Ode", 1, 1, 1, "[]")]
    assert rows(db, "SELECT article_id, titles, mentions, quotes FROM article_speakers WHERE name = 'Carl Ode'") \
        == [("url:test1", "[]", 1, 1)]
    await deliver(sink, make_article(1, body="Rewritten.", listed=(berg(("Mayor",), mentions=1),)))
    assert rows(db, SPEAKER_COLUMNS) == [  # Carl Ode's only article no longer names him
        ("Anna Berg", 3, 3, 4, '["Chair of the board","Mayor","a former judge"]')]
    await deliver(sink, make_article(2, body="Rewritten too.", listed=()), make_article(3, body="Again.", listed=()))
    assert rows(db, SPEAKER_COLUMNS)[0][1:] == (3, 3, 3, '["Mayor"]')  # lists derived from the attributions


async def test_sqlite_store_of_the_previous_version_is_migrated_on_open(tmp_path):
    db = tmp_path / "old.sqlite3"
    shutil.copy(STORE_V1, db)
    assert rows(db, "PRAGMA user_version") == [(1,)]
    assert ("he", 1, 1) in [r[:3] for r in rows(db, "SELECT * FROM speakers")]
    async with SqliteSink(db) as sink:
        assert rows(db, "PRAGMA user_version") == [(2,)]
        assert rows(db, SPEAKER_COLUMNS) == [  # backfilled from the stored records; "he" is no name
            ("Anna Berg", 1, 1, 2, "[]"), ("Kremlin", 1, 1, 2, "[]"), ("Reports", 1, 1, 1, "[]"),
            ("a senior U.S. defense official", 8, 1, 8, "[]")]
        await deliver(sink, make_article(9, listed=(berg(("Mayor",)),)))
    assert rows(db, SPEAKER_COLUMNS)[0] == ("Anna Berg", 2, 2, 5, '["Mayor"]')
    assert [q["article_id"] for q in store_queries.quotes(db, "Anna Berg")] == ["url:test9", "url:old1"]


def test_read_side_upgrades_a_store_of_the_previous_version(tmp_path):
    db = tmp_path / "old.sqlite3"
    shutil.copy(STORE_V1, db)
    found = store_queries.speakers(db, "anna")
    assert [(s["name"], s["titles"], s["mention_count"]) for s in found] == [("Anna Berg", [], 2)]
    assert rows(db, "PRAGMA user_version") == [(2,)]


async def test_sqlite_setup_is_idempotent_and_versioned(sqlite_db):
    sink, db = sqlite_db
    await deliver(sink, make_article(1))
    async with SqliteSink(db) as again:
        await deliver(again, make_article(1), make_article(2))
    assert rows(db, "PRAGMA user_version") == [(len(MIGRATIONS),)] == [(2,)]
    assert rows(db, "PRAGMA journal_mode") == [("wal",)]
    assert rows(db, "SELECT count(*) FROM articles") == [(2,)]


async def test_sqlite_write_before_setup_fails(tmp_path):
    sink = SqliteSink(tmp_path / "x.db")
    await sink.add(make_article(1))
    with pytest.raises(RuntimeError, match="setup"):
        await sink.flush()


# --- read side -------------------------------------------------------------------------------


async def test_search_finds_a_body_word_and_follows_updates(sqlite_db):
    sink, db = sqlite_db
    await deliver(sink, make_article(1), make_article(2, body="Markets rallied after the vote.", title="Markets"))
    hits = store_queries.search(db, "bridge")
    assert [h["id"] for h in hits] == ["url:test1"] and "[bridge]" in hits[0]["snippet"]
    assert store_queries.search(db, "RALLIED vote")[0]["id"] == "url:test2"
    assert store_queries.search(db, "news")[0]["id"] == "url:test1"  # title is indexed
    await deliver(sink, make_article(1, body="Nothing about it any more.", title="Weather"))
    assert store_queries.search(db, "bridge") == []
    assert store_queries.search(db, "weather")[0]["id"] == "url:test1"


async def test_search_tolerates_fts_syntax_in_input(sqlite_db):
    sink, db = sqlite_db
    await deliver(sink, make_article(1))
    assert store_queries.search(db, 'mayor" (bridge* NEAR:') == []  # NEAR is a word too
    assert store_queries.search(db, 'mayor" (bridge*')[0]["id"] == "url:test1"
    assert store_queries.search(db, "  ...  ") == []


async def test_quotes_by_speaker(sqlite_db):
    sink, db = sqlite_db
    await deliver(sink, make_article(1, speakers=("Anna Berg",), published="2026-01-01"),
                  make_article(2, speakers=("Anna Bergström", "Carl Ode"), published="2026-02-01"))
    found = store_queries.quotes(db, "anna berg")
    assert [(q["speaker"], q["article_id"]) for q in found] == [("Anna Berg", "url:test1")]  # whole words only
    assert found[0]["content"] == "the bridge would reopen" and found[0]["speech"] is True
    assert [q["speaker"] for q in store_queries.quotes(db, "anna")] == ["Anna Bergström", "Anna Berg"]  # newest
    assert [q["article_id"] for q in store_queries.quotes(db, "Ode")] == ["url:test2"]
    assert [q["speaker"] for q in store_queries.quotes(db, "BERGSTRÖM anna")] == ["Anna Bergström"]
    assert store_queries.quotes(db, "Berg") == store_queries.quotes(db, "anna berg")
    assert store_queries.quotes(db, "100%") == []
    assert store_queries.quotes(db, "  ") == []
    assert store_queries.speakers(db, limit=1) == [
        {"name": "Anna Berg", "titles": [], "quote_count": 1, "mention_count": 1, "article_count": 1}]


async def test_speakers_query_matches_whole_words_exact_name_first(sqlite_db):
    sink, db = sqlite_db
    await deliver(sink, make_article(1, speakers=("Joanne Park", "Ann Lee", "Ann", "Annette Ko", "Ann Lee"),
                                     listed=(berg(("Sen.",), 2, 2, "Ann Lee"), berg((), 1, 1, "Ann"),
                                             berg((), 1, 1, "Joanne Park"), berg((), 1, 1, "Annette Ko"))),
                  make_article(2, speakers=("Özil Strauß",), listed=(berg((), 1, 1, "Özil Strauß"),)))
    assert [s["name"] for s in store_queries.speakers(db, "ann")] == ["Ann", "Ann Lee"]  # exact first
    assert store_queries.speakers(db, "lee")[0]["titles"] == ["Sen."]
    assert store_queries.speakers(db, "Jo") == [] and store_queries.speakers(db, "nne") == []
    assert [s["name"] for s in store_queries.speakers(db)] == ["Ann Lee", "Ann", "Annette Ko", "Joanne Park",
                                                              "Özil Strauß"]  # most quoted, then by name
    assert [q["speaker"] for q in store_queries.quotes(db, "ÖZIL")] == ["Özil Strauß"]  # not ASCII-only case
    assert [q["speaker"] for q in store_queries.quotes(db, "strauss")] == ["Özil Strauß"]  # case-folded
    assert store_queries.quotes(db, "ann lee")[0]["titles"] == ["Sen."]


async def test_quotes_by_speaker_never_match_inside_a_word(sqlite_db):
    sink, db = sqlite_db
    await deliver(sink, make_article(1, speakers=("Joanne Park", "Ann Lee", "Annette Ko")))
    assert [q["speaker"] for q in store_queries.quotes(db, "Ann")] == ["Ann Lee"]
    assert [q["speaker"] for q in store_queries.quotes(db, "ann lee")] == ["Ann Lee"]
    assert store_queries.quotes(db, "Jo") == []
    assert store_queries.quotes(db, "Ann", limit=0) == []


def test_queries_on_a_missing_store(tmp_path):
    with pytest.raises(FileNotFoundError, match="no newsflow store"):
        store_queries.search(tmp_path / "none.sqlite3", "x")

"""PostgreSQL sink against the real server (127.0.0.1:5432, or $NEWSFLOW_TEST_POSTGRES_URL).

These tests FAIL when the server is unreachable: the store is part of the
product, so a missing server must not pass silently.  Each test run uses its
own schema (``?schema=``) and drops it afterwards.
"""

from __future__ import annotations

import os
import uuid

import psycopg
import pytest
from psycopg import sql

from newsflow.records import EnrichedArticle
from newsflow.sinks import content_hash, open_sink, postgres
from newsflow.sinks.postgres import PostgresSink
from newsflow.sinks.rows import article_row, attribution_rows
from tests.unit.test_sinks import berg, deliver, make_article

pytestmark = pytest.mark.postgres

DEFAULT_URL = "postgresql://127.0.0.1:5432/test"


@pytest.fixture(scope="module")
def pg_url():
    """Base server URL; fails the tests (never skips) if the server does not answer."""
    url = os.environ.get("NEWSFLOW_TEST_POSTGRES_URL", DEFAULT_URL)
    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {url} is unreachable (set NEWSFLOW_TEST_POSTGRES_URL): {exc}")
    return url


@pytest.fixture
def schema_url(pg_url):
    """A sink URL with a fresh schema; the schema is dropped after the test."""
    schema = f"newsflow_test_{uuid.uuid4().hex[:12]}"
    sep = "&" if "?" in pg_url else "?"
    yield f"{pg_url}{sep}schema={schema}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


@pytest.fixture
async def pg_sink(schema_url):
    sink = open_sink(schema_url)
    await sink.setup()
    yield sink
    await sink.close()


def query(sink: PostgresSink, text: str, *params) -> list[tuple]:
    """Run a query in the sink's schema with a separate, synchronous connection."""
    with psycopg.connect(sink.conninfo, options=f"-c search_path={sink.schema}") as conn:
        return conn.execute(text, params).fetchall()


async def test_same_article_three_times_stored_once(pg_sink):
    await deliver(pg_sink, make_article(1), make_article(1), make_article(1))
    await deliver(pg_sink, make_article(1), make_article(1), flush_each=False)
    assert query(pg_sink, "SELECT count(*) FROM articles") == [(1,)]
    assert query(pg_sink, "SELECT count(*) FROM attributions") == [(1,)]
    assert query(pg_sink, "SELECT count(*) FROM article_history") == [(0,)]
    assert (pg_sink.stats.inserted, pg_sink.stats.unchanged) == (1, 3)


async def test_changed_article_replaced_with_history(pg_sink):
    await deliver(pg_sink, make_article(1), make_article(2))
    changed = make_article(1, body="The mayor said the bridge stays shut.", speakers=("Carl Ode", "Anna Berg"))
    await deliver(pg_sink, changed, make_article(2))
    assert query(pg_sink, "SELECT body, content_hash FROM articles WHERE id = 'url:test1'") == [
        (changed.article.body, content_hash(changed))]
    history = query(pg_sink, "SELECT article_id, content_hash, record FROM article_history")
    assert [(h[0], h[1]) for h in history] == [("url:test1", content_hash(make_article(1)))]
    assert EnrichedArticle.from_dict(history[0][2]) == make_article(1)
    assert query(pg_sink, "SELECT speaker FROM attributions WHERE article_id = 'url:test1' ORDER BY idx") == [
        ("Carl Ode",), ("Anna Berg",)]
    assert (pg_sink.stats.inserted, pg_sink.stats.updated, pg_sink.stats.unchanged) == (2, 1, 1)


async def test_columns_record_and_speakers(pg_sink):
    await deliver(pg_sink, make_article(1, speakers=("Anna Berg", "Anna Berg", "Carl Ode")),
                  make_article(2, speakers=("Anna Berg",)), flush_each=False)
    row = query(pg_sink, "SELECT tags, attributor_version, record, first_seen = updated_at "
                         "FROM articles WHERE id = 'url:test1'")[0]
    assert row[0] == ["local"] and row[1] == "attr-1" and row[3]
    assert EnrichedArticle.from_dict(row[2]) == make_article(1, speakers=("Anna Berg", "Anna Berg", "Carl Ode"))
    assert query(pg_sink, "SELECT name, quote_count, article_count FROM speakers ORDER BY name") == [
        ("Anna Berg", 3, 2), ("Carl Ode", 1, 1)]
    await deliver(pg_sink, make_article(1, body="Rewritten.", speakers=("Anna Berg",)))
    assert query(pg_sink, "SELECT name, quote_count, article_count FROM speakers ORDER BY name") == [
        ("Anna Berg", 2, 2)]


SPEAKER_COLUMNS = "SELECT name, quote_count, article_count, mention_count, titles FROM speakers ORDER BY name"


async def test_speakers_carry_titles_and_mentions(pg_sink):
    one = make_article(1, listed=(berg(("Mayor",), mentions=4, quotes=2), berg((), 1, 1, "Carl Ode")))
    two = make_article(2, listed=(berg(("Mayor", "Chair of the board"), mentions=2),))
    three = make_article(3, listed=(berg(("Chair of the board", "a former judge"), mentions=1),))
    await deliver(pg_sink, one, two, three, flush_each=False)
    assert query(pg_sink, SPEAKER_COLUMNS) == [  # the same order as SQLite's: most seen, then by name
        ("Anna Berg", 4, 3, 7, ["Chair of the board", "Mayor", "a former judge"]), ("Carl Ode", 1, 1, 1, [])]
    await deliver(pg_sink, make_article(1, body="Rewritten.", listed=(berg(("Mayor",), mentions=1),)))
    assert query(pg_sink, SPEAKER_COLUMNS) == [
        ("Anna Berg", 3, 3, 4, ["Chair of the board", "Mayor", "a former judge"])]
    await deliver(pg_sink, make_article(2, body="Rewritten too.", listed=()), make_article(3, body="Again.", listed=()))
    assert query(pg_sink, SPEAKER_COLUMNS)[0][1:] == (3, 3, 3, ["Mayor"])  # lists derived from the attributions


async def test_store_of_the_previous_version_is_migrated_on_open(schema_url):
    """A schema laid out by version 1 (its tables, its speakers rows, a record without a
    ``speakers`` list) gains the speaker columns and their values when a sink opens it."""
    conninfo, schema = postgres.split_url(schema_url)
    old = make_article(1, speakers=("he", "Anna Berg", "Anna Berg"), body="Anna Berg said so. Berg again, Berg.")
    async with await psycopg.AsyncConnection.connect(conninfo) as conn, conn.transaction():
        await conn.execute(sql.SQL("CREATE SCHEMA {0}; SET search_path = {0}").format(sql.Identifier(schema)))
        await postgres.MIGRATIONS[0](conn)
        await conn.execute("CREATE TABLE schema_migrations (version integer PRIMARY KEY, "
                           "applied_at timestamptz NOT NULL DEFAULT now()); INSERT INTO schema_migrations VALUES (1)")
        await conn.execute(postgres.UPSERT_ARTICLE, article_row(old, content_hash(old)))
        for row in attribution_rows(old):
            await conn.execute(postgres.INSERT_ATTRIBUTION, row)
        await conn.execute("INSERT INTO speakers (name, quote_count, article_count) "  # version 1's recount
                           "SELECT speaker, count(*), count(DISTINCT article_id) FROM attributions GROUP BY speaker")
    async with open_sink(schema_url) as sink:
        assert query(sink, "SELECT version FROM schema_migrations ORDER BY version") == [(1,), (2,)]
        assert query(sink, SPEAKER_COLUMNS) == [("Anna Berg", 2, 1, 3, [])]  # "he" is no name
        await deliver(sink, make_article(2, listed=(berg(("Mayor",)),)))
        assert query(sink, SPEAKER_COLUMNS) == [("Anna Berg", 3, 2, 6, ["Mayor"])]


async def test_full_text_and_quotes_queries(pg_sink):
    await deliver(pg_sink, make_article(1), make_article(2, body="Markets rallied.", title="Markets"))
    hits = query(pg_sink, "SELECT id FROM articles WHERE tsv @@ plainto_tsquery('simple', %s)", "bridge")
    assert hits == [("url:test1",)]
    quotes = query(pg_sink, "SELECT article_id, content FROM attributions WHERE lower(speaker) = lower(%s)",
                   "anna berg")
    assert quotes == [("url:test1", "the bridge would reopen"), ("url:test2", "the bridge would reopen")]


async def test_setup_is_idempotent_and_versioned(pg_sink, schema_url):
    await deliver(pg_sink, make_article(1))
    async with open_sink(schema_url) as again:
        await deliver(again, make_article(1), make_article(2))
    assert query(pg_sink, "SELECT version FROM schema_migrations ORDER BY version") == [(1,), (2,)]
    assert query(pg_sink, "SELECT count(*) FROM articles") == [(2,)]


async def test_unreachable_server_fails_setup():
    sink = PostgresSink("postgresql://user:pw@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(psycopg.OperationalError):
        await sink.setup()
    assert "pw" not in sink.name

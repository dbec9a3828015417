"""PostgreSQL sink (psycopg 3 async, ``psycopg_pool.AsyncConnectionPool``).

Same tables as the SQLite store (see ``pipeline.sinks.sqlite``), with ``jsonb``
for list columns and the record, ``timestamptz`` times, and a generated
``tsv`` column with a GIN index for full-text search.  Migrations are
recorded in ``schema_migrations`` and applied under an advisory lock, so
several workers may start at once.

``?schema=NAME`` in the URL puts the tables in that schema (created if
missing) by setting each connection's ``search_path``.  One batch is one
transaction: changed rows are copied to ``article_history``, then
``INSERT ... ON CONFLICT (id) DO UPDATE ... WHERE content_hash differs``.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import sql
from psycopg_pool import AsyncConnectionPool

from newsflow.config import mask_secrets
from newsflow.records import EnrichedArticle
from newsflow.sinks.rows import (
    ARTICLE_COLUMNS,
    ARTICLE_SPEAKER_COLUMNS,
    ATTRIBUTION_COLUMNS,
    JSON_COLUMNS,
    MAX_TITLES,
    article_speaker_rows,
)
from newsflow.sinks.sql import Row, SqlSink, SqlTransaction

MIGRATION_LOCK = 0x6E657773  # advisory lock key ("news")
SCHEMA_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
BACKFILL_CHUNK = 500  # articles read per round trip when a migration backfills
log = logging.getLogger(__name__)

SCHEMA_1 = """
    CREATE TABLE articles (
        id text PRIMARY KEY, url text, title text, body text NOT NULL, published text,
        language text, authors jsonb, tags jsonb, captions jsonb, credits jsonb, removed jsonb,
        stripper_version text, attributor_version text, schema_version integer,
        content_hash text NOT NULL, first_seen timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(), record jsonb NOT NULL,
        tsv tsvector GENERATED ALWAYS AS
            (to_tsvector('simple', coalesce(title, '') || ' ' || body)) STORED
    );
    CREATE INDEX articles_tsv ON articles USING gin (tsv);
    CREATE INDEX articles_published ON articles (published);
    CREATE TABLE attributions (
        article_id text NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        idx integer NOT NULL, source text, speaker text, cue text, content text, kind text,
        speech boolean, source_start integer, source_end integer, cue_start integer,
        cue_end integer, content_start integer, content_end integer, content_spans jsonb,
        PRIMARY KEY (article_id, idx)
    );
    CREATE INDEX attributions_speaker ON attributions (lower(speaker));
    CREATE TABLE speakers (
        name text PRIMARY KEY, quote_count integer NOT NULL, article_count integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE article_history (
        id bigserial PRIMARY KEY, article_id text NOT NULL, content_hash text NOT NULL,
        record jsonb NOT NULL, valid_from timestamptz NOT NULL,
        replaced_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX article_history_article ON article_history (article_id);
    """
# Version 2: the speakers' titles and mentions (stores made by version 1 gain the columns on open).
SPEAKER_DETAILS = """
    CREATE TABLE article_speakers (
        article_id text NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        name text NOT NULL, titles jsonb NOT NULL, mentions integer NOT NULL, quotes integer NOT NULL,
        PRIMARY KEY (article_id, name)
    );
    CREATE INDEX article_speakers_name ON article_speakers (name);
    ALTER TABLE speakers ADD COLUMN IF NOT EXISTS mention_count integer NOT NULL DEFAULT 0;
    ALTER TABLE speakers ADD COLUMN IF NOT EXISTS titles jsonb NOT NULL DEFAULT '[]';
    """


def _placeholders(columns: tuple[str, ...]) -> str:
    """Named placeholders; JSON text columns are cast to jsonb by the server."""
    return ", ".join(f"%({c})s::jsonb" if c in JSON_COLUMNS else f"%({c})s" for c in columns)


_UPDATABLE = [c for c in ARTICLE_COLUMNS if c != "id"]
UPSERT_ARTICLE = (
    f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}) "
    f"VALUES ({_placeholders(ARTICLE_COLUMNS)}) "
    f"ON CONFLICT (id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in _UPDATABLE)}, "
    "updated_at = now() WHERE articles.content_hash IS DISTINCT FROM excluded.content_hash"
)
INSERT_ATTRIBUTION = (
    f"INSERT INTO attributions ({', '.join(ATTRIBUTION_COLUMNS)}) "
    f"VALUES ({_placeholders(ATTRIBUTION_COLUMNS)})"
)
COPY_TO_HISTORY = (
    "INSERT INTO article_history (article_id, content_hash, record, valid_from) "
    "SELECT id, content_hash, record, updated_at FROM articles WHERE id = ANY(%s)"
)
INSERT_ARTICLE_SPEAKER = (
    f"INSERT INTO article_speakers ({', '.join(ARTICLE_SPEAKER_COLUMNS)}) "
    f"VALUES ({_placeholders(ARTICLE_SPEAKER_COLUMNS)})"
)
COUNT_SPEAKERS = (
    "INSERT INTO speakers (name, quote_count, article_count, mention_count, titles) "
    "SELECT s.name, sum(s.quotes), count(*), sum(s.mentions), "
    "coalesce((SELECT jsonb_agg(title ORDER BY n DESC, title COLLATE \"C\") FROM (SELECT t AS title, count(*) AS n "
    "FROM article_speakers AS o, jsonb_array_elements_text(o.titles) AS t WHERE o.name = s.name "
    f"GROUP BY t ORDER BY n DESC, t COLLATE \"C\" LIMIT {MAX_TITLES}) AS top), '[]') "
    "FROM article_speakers AS s WHERE s.name = ANY(%s) GROUP BY s.name"
)


def split_url(url: str) -> tuple[str, str | None]:
    """Return the libpq URL without our ``schema`` parameter, and that schema."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schemas = [v for k, v in query if k == "schema"]
    rest = urlencode([(k, v) for k, v in query if k != "schema"])
    schema = schemas[-1] if schemas else None
    if schema is not None and not SCHEMA_NAME.match(schema):
        raise ValueError(f"invalid schema name {schema!r} (letters, digits, underscore)")
    return urlunsplit(parts._replace(query=rest)), schema


class PostgresTransaction(SqlTransaction):
    """The batch steps in PostgreSQL's dialect (``= ANY(%s)`` arrays, jsonb casts, ``now()``)."""

    def __init__(self, conn: psycopg.AsyncConnection) -> None:
        self.conn = conn

    async def stored_hashes(self, ids: list[str]) -> dict[str, str]:
        cur = await self.conn.execute("SELECT id, content_hash FROM articles WHERE id = ANY(%s) "
                                      "ORDER BY id FOR UPDATE", (ids,))
        return {r[0]: r[1] for r in await cur.fetchall()}

    async def copy_to_history(self, ids: list[str], now: str) -> None:
        await self.conn.execute(COPY_TO_HISTORY, (ids,))

    async def delete_attributions(self, ids: list[str]) -> None:
        await self.conn.execute("DELETE FROM attributions WHERE article_id = ANY(%s)", (ids,))

    async def delete_article_speakers(self, ids: list[str]) -> set[str]:
        cur = await self.conn.execute("DELETE FROM article_speakers WHERE article_id = ANY(%s) RETURNING name",
                                      (ids,))
        return {r[0] for r in await cur.fetchall()}

    async def upsert_articles(self, rows: list[Row], now: str) -> None:
        async with self.conn.cursor() as cur:
            await cur.executemany(UPSERT_ARTICLE, rows)

    async def insert_attributions(self, rows: list[Row]) -> None:
        async with self.conn.cursor() as cur:
            await cur.executemany(INSERT_ATTRIBUTION, rows)

    async def insert_article_speakers(self, rows: list[Row]) -> None:
        async with self.conn.cursor() as cur:
            await cur.executemany(INSERT_ARTICLE_SPEAKER, rows)

    async def recount_speakers(self, names: list[str], now: str) -> None:
        await self.conn.execute("DELETE FROM speakers WHERE name = ANY(%s)", (names,))
        await self.conn.execute(COUNT_SPEAKERS, (names,))


class PostgresSink(SqlSink):
    """Upsert enriched articles into PostgreSQL through a small async pool."""

    def __init__(self, url: str, pool_size: int = 2) -> None:
        super().__init__()
        self.conninfo, self.schema = split_url(url)
        self.name = mask_secrets(url)
        self.pool_size = pool_size
        self._pool: AsyncConnectionPool | None = None

    def _connect_kwargs(self) -> dict[str, Any]:
        """Per-connection settings: the schema goes first on the search path."""
        return {"options": f"-c search_path={self.schema}"} if self.schema else {}

    async def setup(self) -> None:
        """Called once by the sink agent: migrate (surfacing connection errors), then open the pool."""
        if self._pool is not None:
            return
        async with await psycopg.AsyncConnection.connect(self.conninfo, **self._connect_kwargs()) as conn:
            await migrate(conn, self.schema)
        pool = AsyncConnectionPool(self.conninfo, kwargs=self._connect_kwargs(), min_size=1,
                                   max_size=self.pool_size, open=False, name=self.name)
        await pool.open(wait=True, timeout=10)
        self._pool = pool

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[PostgresTransaction]:
        """Called by ``write``: a pooled connection in one transaction."""
        if self._pool is None:
            raise RuntimeError(f"{self.name}: setup() was not called")
        async with self._pool.connection() as conn, conn.transaction():
            yield PostgresTransaction(conn)

    async def close(self) -> None:
        """Called by the sink agent on shutdown: flush, then close the pool."""
        try:
            await self.flush()
        finally:
            if self._pool is not None:
                pool, self._pool = self._pool, None
                await pool.close()


async def backfill_speakers(conn: psycopg.AsyncConnection) -> None:
    """Fill ``article_speakers`` from the stored records, then recount every speaker."""
    tx = PostgresTransaction(conn)
    async with conn.cursor(name="newsflow_backfill") as cur:  # server side: a chunk at a time
        await cur.execute("SELECT id, record FROM articles")
        while chunk := await cur.fetchmany(BACKFILL_CHUNK):
            rows = []
            for article_id, record in chunk:
                try:
                    rows += article_speaker_rows(EnrichedArticle.from_dict(record))
                except (ValueError, TypeError) as exc:  # kept as stored; its next delivery fills it
                    log.warning("speakers of %s not backfilled: %s", article_id, exc)
            await tx.insert_article_speakers(rows)
    cur2 = await conn.execute("SELECT DISTINCT name FROM article_speakers")
    names = [r[0] for r in await cur2.fetchall()]
    await conn.execute("DELETE FROM speakers")  # version 1 also counted bare pronouns ("he")
    await conn.execute(COUNT_SPEAKERS, (names,))


async def _speaker_details(conn: psycopg.AsyncConnection) -> None:
    await conn.execute(SPEAKER_DETAILS)
    await backfill_speakers(conn)


async def _schema_1(conn: psycopg.AsyncConnection) -> None:
    await conn.execute(SCHEMA_1)


MIGRATIONS: list[Callable[[psycopg.AsyncConnection], Awaitable[None]]] = [_schema_1, _speaker_details]


async def migrate(conn: psycopg.AsyncConnection, schema: str | None = None) -> int:
    """Create ``schema`` if given and apply pending migrations; return the version."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        if schema:
            await conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
        await conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                           "(version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
        cur = await conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations")
        row = await cur.fetchone()
        version = row[0] if row else 0
        for number, step in enumerate(MIGRATIONS[version:], version + 1):
            await step(conn)
            await conn.execute("INSERT INTO schema_migrations (version) VALUES (%s)", (number,))
    return len(MIGRATIONS)

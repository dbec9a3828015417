"""SQLite sink: the default store (stdlib ``sqlite3``, WAL mode, FTS5).

Tables (created and migrated on ``setup``; version in ``PRAGMA user_version``):

* ``articles``: one row per id, current version; list columns as JSON text,
  ``record`` is the full topic JSON, ``content_hash`` decides whether a
  redelivery changes anything.
* ``attributions``: one row per attribution (``article_id``, ``idx``), with the
  resolved ``speaker`` and character spans; replaced with their article.
* ``article_speakers``: the article's ``speakers`` list, one row per canonical
  name (``titles`` as JSON, ``mentions``, ``quotes``); replaced with its article.
* ``speakers``: per canonical name, aggregated over ``article_speakers``:
  ``quote_count``, ``article_count``, ``mention_count`` and ``titles`` (JSON,
  most seen first), recomputed for the speakers a batch touched.
* ``article_history``: previous versions of an article whose content changed.
* ``articles_fts``: FTS5 index over title and body, kept in sync by triggers.

Blocking calls run in a worker thread; one batch is one transaction, committed
with ``synchronous=FULL`` so a returned ``flush`` is durable.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import orjson

from newsflow.clock import now_iso
from newsflow.codec import json_text
from newsflow.records import EnrichedArticle
from newsflow.sinks.rows import (
    ARTICLE_COLUMNS,
    ARTICLE_SPEAKER_COLUMNS,
    ATTRIBUTION_COLUMNS,
    MAX_TITLES,
    article_speaker_rows,
)
from newsflow.sinks.sql import Row, SqlSink, SqlTransaction

DEFAULT_PATH = Path("data") / "newsflow.sqlite3"
log = logging.getLogger(__name__)

SCHEMA_1 = """
    CREATE TABLE articles (
        id TEXT PRIMARY KEY, url TEXT, title TEXT, body TEXT NOT NULL, published TEXT,
        language TEXT, authors TEXT, tags TEXT, captions TEXT, credits TEXT, removed TEXT,
        stripper_version TEXT, attributor_version TEXT, schema_version INTEGER,
        content_hash TEXT NOT NULL, first_seen TEXT NOT NULL, updated_at TEXT NOT NULL,
        record TEXT NOT NULL
    );
    CREATE INDEX articles_published ON articles (published);
    CREATE TABLE attributions (
        article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        idx INTEGER NOT NULL, source TEXT, speaker TEXT, cue TEXT, content TEXT, kind TEXT,
        speech INTEGER, source_start INTEGER, source_end INTEGER, cue_start INTEGER,
        cue_end INTEGER, content_start INTEGER, content_end INTEGER, content_spans TEXT,
        PRIMARY KEY (article_id, idx)
    );
    CREATE INDEX attributions_speaker ON attributions (speaker COLLATE NOCASE);
    CREATE TABLE speakers (
        name TEXT PRIMARY KEY, quote_count INTEGER NOT NULL, article_count INTEGER NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE article_history (
        id INTEGER PRIMARY KEY, article_id TEXT NOT NULL, content_hash TEXT NOT NULL,
        record TEXT NOT NULL, valid_from TEXT NOT NULL, replaced_at TEXT NOT NULL
    );
    CREATE INDEX article_history_article ON article_history (article_id);
    CREATE VIRTUAL TABLE articles_fts USING fts5 (
        title, body, content='articles', content_rowid='rowid',
        tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts (rowid, title, body) VALUES (new.rowid, new.title, new.body);
    END;
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, body)
        VALUES ('delete', old.rowid, old.title, old.body);
    END;
    CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, body)
        VALUES ('delete', old.rowid, old.title, old.body);
        INSERT INTO articles_fts (rowid, title, body) VALUES (new.rowid, new.title, new.body);
    END;
    """
# Version 2: the speakers' titles and mentions (stores made by version 1 gain the columns on open).
SPEAKER_DETAILS = """
    CREATE TABLE article_speakers (
        article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        name TEXT NOT NULL, titles TEXT NOT NULL, mentions INTEGER NOT NULL, quotes INTEGER NOT NULL,
        PRIMARY KEY (article_id, name)
    );
    CREATE INDEX article_speakers_name ON article_speakers (name);
    ALTER TABLE speakers ADD COLUMN mention_count INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE speakers ADD COLUMN titles TEXT NOT NULL DEFAULT '[]';
    """

_UPDATABLE = [c for c in ARTICLE_COLUMNS if c != "id"]
UPSERT_ARTICLE = (
    f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}, first_seen, updated_at) "
    f"VALUES ({', '.join(':' + c for c in ARTICLE_COLUMNS)}, :now, :now) "
    f"ON CONFLICT (id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in _UPDATABLE)}, "
    "updated_at = excluded.updated_at WHERE articles.content_hash != excluded.content_hash"
)
INSERT_ATTRIBUTION = (
    f"INSERT INTO attributions ({', '.join(ATTRIBUTION_COLUMNS)}) "
    f"VALUES ({', '.join(':' + c for c in ATTRIBUTION_COLUMNS)})"
)
IN_IDS = "IN (SELECT value FROM json_each(?))"  # one JSON-array parameter: no variable limit
INSERT_ARTICLE_SPEAKER = (
    f"INSERT INTO article_speakers ({', '.join(ARTICLE_SPEAKER_COLUMNS)}) "
    f"VALUES ({', '.join(':' + c for c in ARTICLE_SPEAKER_COLUMNS)})"
)
DELETE_SPEAKERS = f"DELETE FROM speakers WHERE name {IN_IDS}"
# SQLite before 3.44 has no ORDER BY inside an aggregate; json_group_array keeps the
# order of the ordered subquery it reads (tests/unit/test_sinks.py checks the order).
COUNT_SPEAKERS = (
    "INSERT INTO speakers (name, quote_count, article_count, mention_count, titles, updated_at) "
    "SELECT s.name, sum(s.quotes), count(*), sum(s.mentions), "
    "(SELECT json_group_array(title) FROM (SELECT t.value AS title "
    "FROM article_speakers AS o, json_each(o.titles) AS t WHERE o.name = s.name "
    f"GROUP BY t.value ORDER BY count(*) DESC, t.value LIMIT {MAX_TITLES})), ? "
    f"FROM article_speakers AS s WHERE s.name {IN_IDS} GROUP BY s.name"
)


def connect(path: str | os.PathLike, readonly: bool = False) -> sqlite3.Connection:
    """Open the store with the settings every connection needs (also used by the read side)."""
    if readonly:
        conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    else:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout = 5000")  # another process may hold the write lock
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


class SqliteTransaction(SqlTransaction):
    """The batch steps in SQLite's dialect; each runs in a thread (flush writes one batch at a time)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    async def _run(self, sql: str, params: Any = ()) -> list[sqlite3.Row]:
        return await asyncio.to_thread(lambda: self.conn.execute(sql, params).fetchall())

    async def stored_hashes(self, ids: list[str]) -> dict[str, str]:
        rows = await self._run(f"SELECT id, content_hash FROM articles WHERE id {IN_IDS}", (json_text(ids),))
        return {r[0]: r[1] for r in rows}

    async def copy_to_history(self, ids: list[str], now: str) -> None:
        await self._run("INSERT INTO article_history (article_id, content_hash, record, valid_from, replaced_at) "
                        f"SELECT id, content_hash, record, updated_at, ? FROM articles WHERE id {IN_IDS}",
                        (now, json_text(ids)))

    async def delete_attributions(self, ids: list[str]) -> None:
        await self._run(f"DELETE FROM attributions WHERE article_id {IN_IDS}", (json_text(ids),))

    async def delete_article_speakers(self, ids: list[str]) -> set[str]:
        rows = await self._run(f"DELETE FROM article_speakers WHERE article_id {IN_IDS} RETURNING name",
                               (json_text(ids),))
        return {r[0] for r in rows}

    async def upsert_articles(self, rows: list[Row], now: str) -> None:
        await asyncio.to_thread(self.conn.executemany, UPSERT_ARTICLE, [{**row, "now": now} for row in rows])

    async def insert_attributions(self, rows: list[Row]) -> None:
        await asyncio.to_thread(self.conn.executemany, INSERT_ATTRIBUTION, rows)

    async def insert_article_speakers(self, rows: list[Row]) -> None:
        await asyncio.to_thread(self.conn.executemany, INSERT_ARTICLE_SPEAKER, rows)

    async def recount_speakers(self, names: list[str], now: str) -> None:
        await asyncio.to_thread(recount_speakers, self.conn, names, now)


def recount_speakers(conn: sqlite3.Connection, names: list[str], now: str) -> None:
    """Recompute the ``speakers`` rows of ``names`` (see ``SqlTransaction.recount_speakers``)."""
    conn.execute(DELETE_SPEAKERS, (json_text(names),))
    conn.execute(COUNT_SPEAKERS, (now, json_text(names)))


class SqliteSink(SqlSink):
    """Upsert enriched articles into a SQLite file (see the module docstring for tables)."""

    def __init__(self, path: str | os.PathLike = DEFAULT_PATH) -> None:
        super().__init__()
        self.path = Path(path).expanduser()
        self.name = f"sqlite:{self.path}"
        self._conn: sqlite3.Connection | None = None

    async def setup(self) -> None:
        """Called once by the sink agent: open the file (WAL) and apply pending migrations."""
        if self._conn is None:
            self._conn = await asyncio.to_thread(self._open)

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = connect(self.path)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")  # flush() promises durability
        migrate(conn)
        return conn

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqliteTransaction]:
        """Called by ``write``: BEGIN IMMEDIATE; COMMIT on exit, ROLLBACK on error."""
        if self._conn is None:
            raise RuntimeError(f"{self.name}: setup() was not called")
        conn = self._conn
        await asyncio.to_thread(conn.execute, "BEGIN IMMEDIATE")
        try:
            yield SqliteTransaction(conn)
        except BaseException:
            await asyncio.to_thread(conn.execute, "ROLLBACK")
            raise
        await asyncio.to_thread(conn.execute, "COMMIT")

    async def close(self) -> None:
        """Called by the sink agent on shutdown: flush, then close the connection."""
        try:
            await self.flush()
        finally:
            if self._conn is not None:
                conn, self._conn = self._conn, None
                await asyncio.to_thread(conn.close)


def backfill_speakers(conn: sqlite3.Connection) -> None:
    """Fill ``article_speakers`` from the stored records, then recount every speaker."""
    articles = conn.execute("SELECT id, record FROM articles")
    while chunk := articles.fetchmany(500):  # a chunk at a time: a store may be large
        rows = []
        for article_id, record in chunk:
            try:
                rows += article_speaker_rows(EnrichedArticle.from_dict(orjson.loads(record)))
            except (ValueError, TypeError) as exc:  # kept as stored; its next delivery fills it
                log.warning("speakers of %s not backfilled: %s", article_id, exc)
        conn.executemany(INSERT_ARTICLE_SPEAKER, rows)
    names = [r[0] for r in conn.execute("SELECT DISTINCT name FROM article_speakers")]
    conn.execute("DELETE FROM speakers")  # version 1 also counted bare pronouns ("he")
    recount_speakers(conn, names, now_iso())


def _speaker_details(conn: sqlite3.Connection) -> None:
    _script(conn, SPEAKER_DETAILS)
    backfill_speakers(conn)


def _script(conn: sqlite3.Connection, script: str) -> None:
    for statement in _statements(script):
        conn.execute(statement)


Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[Migration] = [
    lambda conn: _script(conn, SCHEMA_1),
    _speaker_details,
]


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the migrations newer than ``user_version`` in one transaction; return the version."""
    conn.execute("BEGIN IMMEDIATE")  # serialise concurrent first starts
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for number, step in enumerate(MIGRATIONS[version:], version + 1):
            step(conn)
            conn.execute(f"PRAGMA user_version = {number}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return len(MIGRATIONS)


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (triggers contain inner semicolons)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return [s for s in statements if s]

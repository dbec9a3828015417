"""SQLite sink: the default store (stdlib ``sqlite3``, WAL mode, FTS5).

Tables (created and migrated on ``setup``; version in ``PRAGMA user_version``):

* ``articles``: one row per id, current version; list columns as JSON text,
  ``record`` is the full topic JSON, ``content_hash`` decides whether a
  redelivery changes anything.
* ``attributions``: one row per attribution (``article_id``, ``idx``), with the
  resolved ``speaker`` and character spans; replaced with their article.
* ``speakers``: ``name`` with ``quote_count`` and ``article_count``,
  recomputed for the speakers a batch touched.
* ``article_history``: previous versions of an article whose content changed.
* ``articles_fts``: FTS5 index over title and body, kept in sync by triggers.

Blocking calls run in a worker thread; one batch is one transaction, committed
with ``synchronous=FULL`` so a returned ``flush`` is durable.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from pathlib import Path

from newsflow.clock import now_iso
from newsflow.codec import json_text
from newsflow.records import EnrichedArticle
from newsflow.sinks.base import BatchingSink, content_hash
from newsflow.sinks.rows import (
    ARTICLE_COLUMNS,
    ATTRIBUTION_COLUMNS,
    article_row,
    attribution_rows,
    speakers_of,
)

DEFAULT_PATH = Path("data") / "newsflow.sqlite3"

MIGRATIONS = [
    """
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
    """,
]

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
DELETE_SPEAKERS = f"DELETE FROM speakers WHERE name {IN_IDS}"
COUNT_SPEAKERS = (
    "INSERT INTO speakers (name, quote_count, article_count, updated_at) "
    f"SELECT speaker, count(*), count(DISTINCT article_id), ? FROM attributions WHERE speaker {IN_IDS} "
    "GROUP BY speaker"
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


class SqliteSink(BatchingSink):
    """Upsert enriched articles into a SQLite file (see the module docstring for tables)."""

    def __init__(self, path: str | os.PathLike = DEFAULT_PATH, **batching) -> None:
        super().__init__(**batching)
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

    async def write(self, batch: list[EnrichedArticle]) -> None:
        """Called by ``flush``: upsert the batch in one transaction."""
        if self._conn is None:
            raise RuntimeError(f"{self.name}: setup() was not called")
        await asyncio.to_thread(self._write, batch)  # flush() runs one write at a time

    def _write(self, batch: list[EnrichedArticle]) -> None:
        conn = self._conn
        assert conn is not None  # write() checked
        digests = {item.id: content_hash(item) for item in batch}
        conn.execute("BEGIN IMMEDIATE")
        try:
            known = dict(conn.execute(f"SELECT id, content_hash FROM articles WHERE id {IN_IDS}",
                                      (json_text(list(digests)),)).fetchall())
            todo = [item for item in batch if known.get(item.id) != digests[item.id]]
            changed = [item.id for item in todo if item.id in known]
            self._store(conn, todo, digests, changed)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        self.stats.inserted += len(todo) - len(changed)
        self.stats.updated += len(changed)
        self.stats.unchanged += len(batch) - len(todo)

    def _store(self, conn: sqlite3.Connection, todo: list[EnrichedArticle],
               digests: dict[str, str], changed: list[str]) -> None:
        """Write new and changed articles: history, article rows, attributions, speakers."""
        if not todo:
            return
        now, ids = now_iso(), json_text([item.id for item in todo])
        conn.execute("INSERT INTO article_history (article_id, content_hash, record, valid_from, replaced_at) "
                     f"SELECT id, content_hash, record, updated_at, ? FROM articles WHERE id {IN_IDS}",
                     (now, json_text(changed)))
        touched = {r[0] for r in conn.execute(
            f"SELECT DISTINCT speaker FROM attributions WHERE article_id {IN_IDS}", (ids,))}
        conn.execute(f"DELETE FROM attributions WHERE article_id {IN_IDS}", (ids,))
        conn.executemany(UPSERT_ARTICLE, [
            {**article_row(item, digests[item.id]), "now": now} for item in todo])
        rows = [r for item in todo for r in attribution_rows(item)]
        conn.executemany(INSERT_ATTRIBUTION, rows)
        names = json_text(sorted(touched | speakers_of(rows)))
        conn.execute(DELETE_SPEAKERS, (names,))  # recount the touched speakers from scratch
        conn.execute(COUNT_SPEAKERS, (now, names))

    async def close(self) -> None:
        """Called by the sink agent on shutdown: flush, then close the connection."""
        try:
            await self.flush()
        finally:
            if self._conn is not None:
                conn, self._conn = self._conn, None
                await asyncio.to_thread(conn.close)


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the migrations newer than ``user_version`` in one transaction; return the version."""
    conn.execute("BEGIN IMMEDIATE")  # serialise concurrent first starts
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(MIGRATIONS[version:], version + 1):
            for statement in _statements(script):
                conn.execute(statement)
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

"""Read side of the SQLite store, for the CLI (``newsflow search`` / ``newsflow quotes``).

Plain synchronous functions over a read-only connection: each takes the
database path and returns a list of dicts ready to print or dump as JSON.
A store made by an older newsflow is migrated first, as the sink would on start.

Speakers are found by canonical name (the ``speakers`` table): the exact name or
one that holds every word asked for as a whole word, ignoring case, so "Ann"
finds "Ann Lee" and never "Joanne Park".
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from newsflow.codec import json_text
from newsflow.sinks.sqlite import MIGRATIONS, connect, migrate

SEARCH = """
    SELECT a.id, a.title, a.url, a.published, a.language,
           snippet(articles_fts, 1, '[', ']', '…', 16) AS snippet,
           bm25(articles_fts, 5.0, 1.0) AS rank
    FROM articles_fts JOIN articles AS a ON a.rowid = articles_fts.rowid
    WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?
"""
QUOTES = """
    SELECT q.speaker, s.titles, q.source, q.cue, q.content, q.kind, q.speech,
           q.article_id, a.title, a.url, a.published
    FROM attributions AS q JOIN articles AS a ON a.id = q.article_id
         LEFT JOIN speakers AS s ON s.name = q.speaker
    WHERE q.speaker COLLATE NOCASE IN (SELECT value FROM json_each(?)) AND q.speaker IN (SELECT value FROM json_each(?))
    ORDER BY q.speaker = ? COLLATE NOCASE DESC, a.published IS NULL, a.published DESC,
             q.article_id, q.idx
    LIMIT ?
"""
SPEAKERS = """
    SELECT name, titles, quote_count, mention_count, article_count FROM speakers
    WHERE ? IS NULL OR name IN (SELECT value FROM json_each(?))
    ORDER BY name = ? COLLATE NOCASE DESC, quote_count DESC, name LIMIT ?
"""
_WORD = re.compile(r"\w+(?:['’-]\w+)*")


@contextmanager
def _open(db_path: str | os.PathLike) -> Iterator[sqlite3.Connection]:
    """Open the store read-only; a missing file is an error, not a new empty store."""
    if not Path(db_path).is_file():
        raise FileNotFoundError(f"no newsflow store at {db_path} (run the pipeline with a sqlite: sink first)")
    _upgrade(db_path)
    conn = connect(db_path, readonly=True)
    try:
        yield conn
    finally:
        conn.close()


def _upgrade(db_path: str | os.PathLike) -> None:
    """Apply pending migrations to a store an older newsflow made (adds the speaker columns)."""
    conn = connect(db_path, readonly=True)
    try:
        current = conn.execute("PRAGMA user_version").fetchone()[0] >= len(MIGRATIONS)
    finally:
        conn.close()
    if not current:
        conn = connect(db_path)
        try:
            migrate(conn)
        finally:
            conn.close()


def fts_query(text: str) -> str:
    """Turn free text into a safe FTS5 query: every word must occur (quoted, so
    punctuation and FTS operators in user input cannot cause syntax errors)."""
    words = _WORD.findall(text)
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


def search(db_path: str | os.PathLike, query: str, limit: int = 10) -> list[dict[str, Any]]:
    """Articles whose title or body contain all words of ``query``, best first.

    Each dict has ``id``, ``title``, ``url``, ``published``, ``language``,
    ``snippet`` (matches in [brackets]) and ``rank`` (bm25, lower is better;
    title matches weigh five times body matches).  Matching ignores case and accents.
    """
    match = fts_query(query)
    if not match:
        return []
    with _open(db_path) as conn:
        return [dict(row) for row in conn.execute(SEARCH, (match, limit))]


def name_tokens(name: str) -> list[str]:
    """Case-folded word tokens of a speaker name ("Sen. Ann Lee" -> ["sen", "ann", "lee"])."""
    return [w.casefold() for w in _WORD.findall(name)]


def matches_name(wanted: list[str], name: str) -> bool:
    """True when ``name`` holds every token of ``wanted`` as a whole word (case-folded)."""
    return bool(wanted) and set(wanted) <= set(name_tokens(name))


def _speaker_names(conn: sqlite3.Connection, query: str) -> list[str]:
    """The canonical names in the ``speakers`` table that ``query`` matches (see the module docstring)."""
    wanted = name_tokens(query)
    return [name for (name,) in conn.execute("SELECT name FROM speakers") if matches_name(wanted, name)]


def quotes(db_path: str | os.PathLike, speaker: str, limit: int = 20) -> list[dict[str, Any]]:
    """Attributions whose canonical speaker is ``speaker`` or holds all its words as whole words.

    Case-insensitive; "Ann" finds "Ann Lee", never "Joanne Park".  Exact name
    matches come first, then newest articles.  Each dict has ``speaker``,
    ``titles`` (the speaker's titles and roles, most seen first), ``source``,
    ``cue``, ``content``, ``kind``, ``speech`` (bool), ``article_id``, ``title``,
    ``url`` and ``published``.
    """
    with _open(db_path) as conn:
        names = json_text(_speaker_names(conn, speaker))
        found = conn.execute(QUOTES, (names, names, speaker.strip(), limit)).fetchall()
    return [dict(row, speech=bool(row["speech"]), titles=orjson.loads(row["titles"] or "[]")) for row in found]


def speakers(db_path: str | os.PathLike, name: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """Speakers with the most quotes, or those ``name`` matches (exact name first).

    Each dict has ``name``, ``titles`` (most seen first), ``quote_count``,
    ``mention_count`` and ``article_count``, summed over the stored articles.
    """
    with _open(db_path) as conn:
        names = None if name is None else json_text(_speaker_names(conn, name))
        found = conn.execute(SPEAKERS, (names, names, (name or "").strip(), limit)).fetchall()
    return [dict(row, titles=orjson.loads(row["titles"])) for row in found]


def latest_articles(db_path: str | os.PathLike, limit: int = 10) -> list[dict[str, Any]]:
    """The most recently stored articles, as enriched records (``news.enriched`` values)."""
    with _open(db_path) as conn:
        rows = conn.execute("SELECT record FROM articles ORDER BY updated_at DESC, id LIMIT ?", (limit,))
        return [orjson.loads(row[0]) for row in rows]

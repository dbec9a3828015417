"""Read side of the SQLite store, for the CLI (``newsflow search`` / ``newsflow quotes``).

Plain synchronous functions over a read-only connection: each takes the
database path and returns a list of dicts ready to print or dump as JSON.
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

from newsflow.sinks.sqlite import connect

SEARCH = """
    SELECT a.id, a.title, a.url, a.published, a.language,
           snippet(articles_fts, 1, '[', ']', '…', 16) AS snippet,
           bm25(articles_fts, 5.0, 1.0) AS rank
    FROM articles_fts JOIN articles AS a ON a.rowid = articles_fts.rowid
    WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?
"""
QUOTES = r"""
    SELECT q.speaker, q.source, q.cue, q.content, q.kind, q.speech,
           q.article_id, a.title, a.url, a.published
    FROM attributions AS q JOIN articles AS a ON a.id = q.article_id
    WHERE q.speaker LIKE ? ESCAPE '\'
    ORDER BY q.speaker = ? COLLATE NOCASE DESC, a.published IS NULL, a.published DESC,
             q.article_id, q.idx
"""
TOP_SPEAKERS = "SELECT name, quote_count, article_count FROM speakers ORDER BY quote_count DESC, name LIMIT ?"
_WORD = re.compile(r"\w+(?:['’-]\w+)*")


@contextmanager
def _open(db_path: str | os.PathLike) -> Iterator[sqlite3.Connection]:
    """Open the store read-only; a missing file is an error, not a new empty store."""
    if not Path(db_path).is_file():
        raise FileNotFoundError(f"no newsflow store at {db_path} (run the pipeline with a sqlite: sink first)")
    conn = connect(db_path, readonly=True)
    try:
        yield conn
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


def quotes(db_path: str | os.PathLike, speaker: str, limit: int = 20) -> list[dict[str, Any]]:
    """Attributions whose canonical speaker is ``speaker`` or holds all its words as whole words.

    Case-insensitive; "Ann" finds "Ann Lee", never "Joanne Park".  Exact name
    matches come first, then newest articles.  Each dict has ``speaker``,
    ``source``, ``cue``, ``content``, ``kind``, ``speech`` (bool), ``article_id``,
    ``title``, ``url`` and ``published``.
    """
    wanted = name_tokens(speaker)
    if not wanted:
        return []
    longest = max(wanted, key=len)  # an SQL pre-filter; the token test below decides
    pattern = "%" + re.sub(r"([\\%_])", r"\\\1", longest) + "%"
    rows: list[dict[str, Any]] = []
    with _open(db_path) as conn:
        for row in conn.execute(QUOTES, (pattern, speaker.strip())):
            if len(rows) >= limit:
                break
            if set(wanted) <= set(name_tokens(row["speaker"] or "")):
                rows.append(dict(row, speech=bool(row["speech"])))
    return rows


def top_speakers(db_path: str | os.PathLike, limit: int = 20) -> list[dict[str, Any]]:
    """Speakers with the most attributions: ``name``, ``quote_count``, ``article_count``."""
    with _open(db_path) as conn:
        return [dict(row) for row in conn.execute(TOP_SPEAKERS, (limit,))]


def latest_articles(db_path: str | os.PathLike, limit: int = 10) -> list[dict[str, Any]]:
    """The most recently stored articles, as enriched records (``news.enriched`` values)."""
    with _open(db_path) as conn:
        rows = conn.execute("SELECT record FROM articles ORDER BY updated_at DESC, id LIMIT ?", (limit,))
        return [orjson.loads(row[0]) for row in rows]

"""Speakers in the SQLite store: titles and roles seen, quote, mention and article counts."""

from __future__ import annotations

from newsflow.cli import positive_int
from newsflow.cli.summary import sqlite_path
from newsflow.store_queries import speakers

OPTIONS = ("data_dir",)  # for the default SQLite store


def add_arguments(parser) -> None:
    parser.add_argument("name", nargs="?", help="the canonical name or whole words of it (default: the most quoted)")
    parser.add_argument("--limit", type=positive_int, default=20, help="at most this many (default 20)")
    parser.add_argument("--db", help="SQLite file (default: the configured sqlite sink)")


def run(args, config) -> int:
    rows = speakers(sqlite_path(args.db, config), args.name, args.limit)
    for row in rows:
        titles = f" ({'; '.join(row['titles'])})" if row["titles"] else ""
        print(f"{row['name']}{titles}: {row['quote_count']} quotes, {row['mention_count']} mentions "
              f"in {row['article_count']} articles")
    if not rows:
        print("no speakers")
    return 0

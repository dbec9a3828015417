"""Full-text search over the SQLite store (FTS5): articles containing all the words."""

from __future__ import annotations

from newsflow.cli import positive_int
from newsflow.cli.summary import sqlite_path
from newsflow.store_queries import search

OPTIONS = ("data_dir",)  # for the default SQLite store

def add_arguments(parser) -> None:
    parser.add_argument("query")
    parser.add_argument("--limit", type=positive_int, default=10, help="at most this many (default 10)")
    parser.add_argument("--db", help="SQLite file (default: the configured sqlite sink)")


def run(args, config) -> int:
    rows = search(sqlite_path(args.db, config), args.query, args.limit)
    for row in rows:
        print(f"{row['id']}  {row['title'] or '(no title)'}\n    {row['snippet']}")
    if not rows:
        print("no match")
    return 0

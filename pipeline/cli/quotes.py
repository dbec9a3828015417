"""Attributions by speaker from the SQLite store (canonical name, exact or whole-word match)."""

from __future__ import annotations

from newsflow.cli import positive_int
from newsflow.cli.summary import sqlite_path
from newsflow.store_queries import quotes

OPTIONS = ("data_dir",)  # for the default SQLite store

def add_arguments(parser) -> None:
    parser.add_argument("--speaker", required=True)
    parser.add_argument("--limit", type=positive_int, default=20, help="at most this many (default 20)")
    parser.add_argument("--db", help="SQLite file (default: the configured sqlite sink)")


def run(args, config) -> int:
    rows = quotes(sqlite_path(args.db, config), args.speaker, args.limit)
    for row in rows:
        titles = f" [{'; '.join(row['titles'])}]" if row["titles"] else ""
        print(f"{row['speaker']}{titles} ({row['cue']}, {row['kind']}): {row['content']}\n    in: {row['title']}")
    if not rows:
        print("no quotes")
    return 0

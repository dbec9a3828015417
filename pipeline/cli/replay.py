"""Publish saved files (txt, html, json, jsonl, warc) into news.raw.

Nothing aborts a replay but the broker: an unreadable file, a bad record, a damaged WARC or a
document over the broker's message limit goes to news.dlq with its reason, the rest is
published, and the counts are printed.  Exit code 3 when something was dead-lettered.
"""

from __future__ import annotations

import asyncio
import sys

from newsflow.stream.kafka import replay_files

EXIT_DEAD_LETTERS = 3


def add_arguments(parser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")


def run(args, config) -> int:
    report = asyncio.run(replay_files(config, args.paths))
    print(report.describe() + (" (see `newsflow dlq list`)" if report.dead_lettered else ""), file=sys.stderr)
    return EXIT_DEAD_LETTERS if report.dead_lettered else 0

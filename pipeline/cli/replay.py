"""Publish saved files (txt, html, json, jsonl, warc) into news.raw.

Unreadable records go to news.dlq with the reason; the rest is published.
"""

from __future__ import annotations

import asyncio
import sys

from newsflow.stream.kafka import replay_files


def add_arguments(parser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")


def run(args, config) -> int:
    sent, problems = asyncio.run(replay_files(config, args.paths))
    print(f"replayed {sent} document(s)" + (f"; {problems} unreadable record(s) sent to the DLQ" if problems else ""),
          file=sys.stderr)
    return 1 if problems and not sent else 0

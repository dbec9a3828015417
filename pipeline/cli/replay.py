"""Publish saved files (txt, html, json, jsonl, warc) into news.raw.

Nothing aborts a replay but the broker: an unreadable file, a bad record, a damaged WARC or a
document over the broker's message limit goes to news.dlq with its reason, the rest is
published, and the counts are printed.  Exit code 3 when something was dead-lettered.  A progress bar
shows on a terminal (a plain line every few seconds otherwise; --quiet for none).
"""

from __future__ import annotations

import asyncio
import sys

from newsflow.monitor import Monitor
from newsflow.progress_display import ProgressDisplay
from newsflow.replay import ReplayReport, find_files
from newsflow.stream.kafka import replay_files

EXIT_DEAD_LETTERS = 3
OPTIONS = ("broker", "topic_prefix", "partitions", "data_dir", "log_level", "log_format")
ONE_DOCUMENT_SUFFIXES = (".txt", ".html", ".htm")


def add_arguments(parser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or lines")


def expected_documents(paths) -> int | None:
    """How many documents the files hold, when every file holds one (else unknown: no ETA)."""
    files = find_files(paths)
    return len(files) if all(f.name.lower().endswith(ONE_DOCUMENT_SUFFIXES) for f in files) else None


def run(args, config) -> int:
    monitor, total = Monitor(), expected_documents(args.paths)
    report = asyncio.run(replay(config, args.paths, monitor, total, args.quiet))
    print(report.describe() + (" (see `newsflow dlq list`)" if report.dead_lettered else ""), file=sys.stderr)
    return EXIT_DEAD_LETTERS if report.dead_lettered else 0


async def replay(config, paths, monitor: Monitor, total: int | None, quiet: bool) -> ReplayReport:
    if quiet:
        return await replay_files(config, paths, monitor)
    display = ProgressDisplay(lambda: {"published": monitor.totals["given"], "dead": monitor.totals["dead"],
                                       "total": total},
                              count=lambda f: f["published"] + f["dead"])
    ticker = asyncio.ensure_future(display.run())
    try:
        return await replay_files(config, paths, monitor)
    finally:
        ticker.cancel()
        display.close()

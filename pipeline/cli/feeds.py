"""Manage the feed list that `newsflow run --feeds FILE` polls: add, list, remove.

The file is plain text (one URL per line) or, when it ends in .toml, [[feed]] tables
with per-feed options (interval in seconds pins the poll interval; tags).
A running worker re-reads the list on every poll, so edits apply without a restart.
"""

from __future__ import annotations

from pathlib import Path

OPTIONS: tuple[str, ...] = ()

def add_arguments(parser) -> None:
    parser.add_argument("action", choices=["add", "list", "remove"])
    parser.add_argument("url", nargs="?", help="feed URL (add, remove)")
    parser.add_argument("--file", help="the feed list (default: --feeds / NEWSFLOW_FEEDS, else feeds.txt)")
    parser.add_argument("--interval", type=float, help="add: fixed poll interval in seconds (TOML lists only)")


def run(args, config) -> int:
    from newsflow.fetching import add_feed, list_feeds, load_feeds, remove_feed

    path = Path(args.file) if args.file else (config.feeds or Path("feeds.txt"))
    if args.action == "list":
        for url in list_feeds(path):
            print(url)
        return 0
    if not args.url:
        raise ValueError(f"feeds {args.action} needs a URL")
    if args.action == "add":
        known = any(spec.url == args.url for spec in load_feeds(path)) if path.exists() else False
        add_feed(path, args.url, interval=args.interval)
        print(f"{args.url} was already in {path}" + (" (interval updated)" if known and args.interval else "")
              if known else f"added {args.url} to {path}")
        return 0
    if remove_feed(path, args.url):
        print(f"removed {args.url} from {path}")
        return 0
    print(f"{args.url} is not in {path}")
    return 1

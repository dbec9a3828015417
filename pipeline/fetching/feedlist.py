"""The feed list file, and the helpers behind ``newsflow feeds add/list/remove``.

Two formats, chosen by extension:

* plain text (any name but ``*.toml``): one URL per line, ``#`` comments;
* TOML, for per-feed options::

      [[feed]]
      url = "https://example.org/rss.xml"
      interval = 600          # seconds; pins the poll interval (omit: adaptive)
      tags = ["uk", "politics"]
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

_OPTIONS = {"url", "interval", "tags"}


@dataclass(frozen=True)
class FeedSpec:
    """One configured feed."""

    url: str
    interval: float | None = None
    tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"feed URL must be http(s): {self.url!r}")
        if self.interval is not None and (isinstance(self.interval, bool) or self.interval <= 0):
            raise ValueError(f"interval must be a positive number of seconds: {self.url}")


def load_feeds(path: str | os.PathLike[str]) -> list[FeedSpec]:
    """Read a feed list; a missing file is an empty list."""
    path = Path(path)
    if not path.exists():
        return []
    if path.suffix == ".toml":
        return _from_toml(tomllib.loads(path.read_text("utf-8")), path)
    lines = (line.split("#", 1)[0].strip() for line in path.read_text("utf-8").splitlines())
    return [FeedSpec(line) for line in lines if line]


def _from_toml(data: dict[str, Any], path: Path) -> list[FeedSpec]:
    """``[[feed]]`` tables to specs; unknown keys are an error, not ignored."""
    unknown_top = set(data) - {"feed"}
    if unknown_top:
        raise ValueError(f"{path}: unknown top-level keys {sorted(unknown_top)}")
    specs = []
    for table in data.get("feed", []):
        unknown = set(table) - _OPTIONS
        if unknown:
            raise ValueError(f"{path}: feed {table.get('url')!r} has unknown keys {sorted(unknown)}")
        interval = table.get("interval")
        specs.append(FeedSpec(table["url"], float(interval) if interval is not None else None,
                              tuple(table.get("tags", ()))))
    return specs


def save_feeds(path: str | os.PathLike[str], feeds: list[FeedSpec]) -> None:
    """Write the list atomically in the format the file name asks for."""
    path = Path(path)
    text = _to_toml(feeds) if path.suffix == ".toml" else "".join(f"{f.url}\n" for f in feeds)
    if path.suffix != ".toml" and any(f.interval or f.tags for f in feeds):
        raise ValueError("per-feed interval/tags need a .toml feed list")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, "utf-8")
    tmp.replace(path)  # never leave a half-written list behind


def _to_toml(feeds: list[FeedSpec]) -> str:
    """Serialise specs as ``[[feed]]`` tables (JSON strings are valid TOML strings)."""
    blocks = []
    for feed in feeds:
        lines = ["[[feed]]", f"url = {json.dumps(feed.url)}"]
        if feed.interval is not None:
            lines.append(f"interval = {feed.interval:g}")
        if feed.tags:
            lines.append(f"tags = [{', '.join(json.dumps(t) for t in feed.tags)}]")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def add_feed(path: str | os.PathLike[str], url: str, interval: float | None = None,
             tags: tuple[str, ...] = ()) -> FeedSpec:
    """Add (or replace the options of) one feed; returns the stored spec."""
    spec = FeedSpec(url, interval, tuple(tags))
    feeds = [f for f in load_feeds(path) if f.url != url]
    save_feeds(path, feeds + [spec])
    return spec


def remove_feed(path: str | os.PathLike[str], url: str) -> bool:
    """Remove a feed; False when it was not listed."""
    feeds = load_feeds(path)
    kept = [f for f in feeds if f.url != url]
    if len(kept) != len(feeds):
        save_feeds(path, kept)
    return len(kept) != len(feeds)


def list_feeds(path: str | os.PathLike[str]) -> list[str]:
    """Human-readable lines for ``newsflow feeds list``."""
    lines = []
    for feed in load_feeds(path):
        extra = [f"every {feed.interval:g}s"] if feed.interval else []
        extra += [f"tags={','.join(feed.tags)}"] if feed.tags else []
        lines.append(" ".join([feed.url, *extra]))
    return lines

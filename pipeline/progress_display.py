"""Progress of long work on stderr: a tqdm bar on a terminal, a plain line every few seconds elsewhere.

``figures()`` returns the counts so far (``published``, ``stripped``, ``enriched``,
``stored``, ``dead``) and ``total`` (documents expected, or None while unknown);
a document is done once stored or dead-lettered.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import time
from collections.abc import Callable
from typing import IO, Any

from tqdm import tqdm

Figures = Callable[[], dict[str, Any]]
PLAIN_EVERY = 5.0  # seconds between plain lines (CI logs, files)
BAR_EVERY = 0.5


def write_line(text: str, stream: IO[str] | None = None) -> None:
    """Print a line on stderr; above the progress bar when one is showing, so neither is mangled."""
    stream = stream or sys.stderr
    if getattr(tqdm, "_instances", None):
        tqdm.write(text, file=stream)
    else:
        print(text, file=stream, flush=True)


def done(figures: dict[str, Any]) -> int:
    return figures.get("stored", 0) + figures.get("dead", 0)


def counts_text(figures: dict[str, Any]) -> str:
    names = (("published", "published"), ("stripped", "stripped"), ("enriched", "enriched"),
             ("stored", "stored"), ("dead", "dead-lettered"))
    return ", ".join(f"{figures[k]} {label}" for k, label in names if k in figures)


def plain_line(figures: dict[str, Any], elapsed: float, count: Callable[[dict[str, Any]], int] = done) -> str:
    """``progress: 120/990 done (…); 24.0/s; ETA 36 s`` (rate and ETA once there is a rate)."""
    finished, total = count(figures), figures.get("total")
    head = f"{finished}/{total} done" if total else f"{finished} done"
    rate = finished / elapsed if elapsed > 0 else 0.0
    line = f"progress: {head} ({counts_text(figures)}); {rate:.1f}/s"
    if total and rate > 0 and finished < total:
        line += f"; ETA {format_seconds((total - finished) / rate)}"
    return line


def format_seconds(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds} s" if seconds < 90 else f"{seconds // 60} min {seconds % 60:02d} s"


class ProgressDisplay:
    """Call ``update()`` as often as you like (it throttles itself), ``close()`` at the end."""

    def __init__(self, figures: Figures, *, unit: str = "doc", stream: IO[str] | None = None,
                 tty: bool | None = None, count: Callable[[dict[str, Any]], int] = done) -> None:
        self.figures = figures
        self.count = count
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.started = time.monotonic()
        self.last_line = self.started
        # A terminal that reports 0 columns (some multiplexers, `script`) would get an empty bar.
        width = shutil.get_terminal_size((100, 20)).columns
        self.bar = tqdm(total=None, unit=unit, file=self.stream, ncols=width, mininterval=BAR_EVERY,
                        smoothing=0.1) if self.tty else None
        self.every = BAR_EVERY if self.tty else PLAIN_EVERY

    def update(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last_line < self.every:
            return
        self.last_line = now
        figures = self.figures()
        if self.bar is not None:
            self.bar.total = figures.get("total") or None
            self.bar.n = self.count(figures)
            self.bar.set_postfix_str(counts_text(figures), refresh=False)
            self.bar.refresh()
        else:
            print(plain_line(figures, now - self.started, self.count), file=self.stream, flush=True)

    async def run(self) -> None:
        """Update until cancelled."""
        while True:
            await asyncio.sleep(self.every)
            self.update()

    def close(self) -> None:
        """The bar's final state stays on screen; plain mode prints nothing more."""
        if self.bar is not None:
            self.update(force=True)
            self.bar.close()
            self.bar = None

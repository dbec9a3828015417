"""JSON Lines sink: one enriched article per line, append-only.

A file cannot upsert, so the sink keeps an index ``id -> content_hash`` of
the latest line per id (rebuilt from the file on ``setup``) and appends only:

* a new id: appended;
* a redelivery of the same version (same hash): skipped, never duplicated;
* a changed version (updated at source, or re-enriched): appended as a new
  line.  Readers take the LAST line per id as current; earlier lines are its
  history.

Each line is the JSON of ``EnrichedArticle.to_dict()`` (keys sorted).  One writer per file.
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path

import orjson

from newsflow.records import EnrichedArticle
from newsflow.sinks.base import BatchingSink, content_hash, record_json

log = logging.getLogger(__name__)


class JsonlSink(BatchingSink):
    """Append enriched articles to ``path``, each version once."""

    def __init__(self, path: str | os.PathLike) -> None:
        super().__init__()
        self.path = Path(path).expanduser()
        self.name = f"jsonl:{self.path}"
        self._index: dict[str, str] = {}  # id -> content hash of its latest line

    async def setup(self) -> None:
        """Called once by the sink agent: create the directory and index the existing file."""
        await asyncio.to_thread(self._load_index)

    def _load_index(self) -> None:
        """Read the file's ids and hashes; isolate a torn last line left by a crash."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            return
        with self.path.open("rb+") as fh:
            for lineno, line in enumerate(fh, 1):
                self._index_line(line, lineno)
            if fh.tell() and not line.endswith(b"\n"):
                fh.write(b"\n")  # so the next append starts a fresh line

    def _index_line(self, line: bytes, lineno: int) -> None:
        """Add one stored line to the index; log and skip one that does not parse."""
        if not line.strip():
            return
        try:
            item = EnrichedArticle.from_dict(orjson.loads(line))
        except (orjson.JSONDecodeError, TypeError, ValueError, KeyError) as exc:
            log.warning("%s: skipping unreadable line %d: %s", self.name, lineno, exc)
            return
        self._index[item.id] = content_hash(item)

    async def write(self, batch: list[EnrichedArticle]) -> None:
        """Called by ``flush``: append new or changed articles, then fsync."""
        lines, hashes = [], {}
        for item in batch:
            digest = content_hash(item)
            if self._index.get(item.id) != digest:
                lines.append(record_json(item) + b"\n")
                hashes[item.id] = digest
        if lines:
            await asyncio.to_thread(self._append, lines)
        self.stats.count(len(batch), len(hashes), sum(1 for id_ in hashes if id_ in self._index))
        self._index.update(hashes)  # only after the bytes are on disk

    def _append(self, lines: list[bytes]) -> None:
        """Append and fsync, so a returned ``flush`` survives a crash."""
        with self.path.open("ab") as fh:
            fh.write(b"".join(lines))
            fh.flush()
            os.fsync(fh.fileno())

"""The write path the SQL stores share: one transaction per batch, upsert by content hash.

:class:`SqlSink.write` is the whole algorithm, the same for SQLite and PostgreSQL:
read the stored hashes of the batch's ids (locking the rows), skip redeliveries,
copy changed articles to ``article_history``, replace their attributions and
``article_speakers`` rows, upsert the article rows and recount the ``speakers`` they
touch (before or after the change).  A store supplies only a
:class:`SqlTransaction`: those steps in its own SQL dialect.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractAsyncContextManager
from typing import Any

from newsflow.clock import now_iso
from newsflow.records import EnrichedArticle
from newsflow.sinks.base import BatchingSink, content_hash
from newsflow.sinks.rows import article_row, article_speaker_rows, attribution_rows, speakers_of

Row = dict[str, Any]


class SqlTransaction(ABC):
    """The steps of one batch inside one database transaction, called by ``SqlSink.write``
    in this order; ``now`` is the batch's ISO time (stores may use their own clock)."""

    @abstractmethod
    async def stored_hashes(self, ids: list[str]) -> dict[str, str]:
        """``id -> content_hash`` of the stored articles among ``ids``, locked for the update."""

    @abstractmethod
    async def copy_to_history(self, ids: list[str], now: str) -> None:
        """Copy the current rows of ``ids`` (known articles whose content changed) to history."""

    @abstractmethod
    async def delete_attributions(self, ids: list[str]) -> None:
        """Delete the attributions of ``ids``."""

    @abstractmethod
    async def delete_article_speakers(self, ids: list[str]) -> set[str]:
        """Delete the ``article_speakers`` rows of ``ids``; return their names."""

    @abstractmethod
    async def upsert_articles(self, rows: list[Row], now: str) -> None:
        """Insert or update article rows (``newsflow.sinks.rows.article_row``)."""

    @abstractmethod
    async def insert_attributions(self, rows: list[Row]) -> None:
        """Insert attribution rows (``newsflow.sinks.rows.attribution_rows``)."""

    @abstractmethod
    async def insert_article_speakers(self, rows: list[Row]) -> None:
        """Insert ``article_speakers`` rows (``newsflow.sinks.rows.article_speaker_rows``)."""

    @abstractmethod
    async def recount_speakers(self, names: list[str], now: str) -> None:
        """Recompute the ``speakers`` rows of ``names`` from ``article_speakers``: quotes and
        mentions summed, articles counted, titles most seen first (at most ``MAX_TITLES``);
        a name no article holds any more loses its row."""


class SqlSink(BatchingSink):
    """A batching sink over a SQL database; subclasses open a :class:`SqlTransaction`."""

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[SqlTransaction]:
        """Called by ``write`` once per batch: begin; commit on exit, roll back on error."""

    async def write(self, batch: list[EnrichedArticle]) -> None:
        """Called by ``flush``: upsert the batch in one transaction (see the module docstring)."""
        digests = {item.id: content_hash(item) for item in batch}
        async with self.transaction() as tx:
            known = await tx.stored_hashes(list(digests))
            todo = [item for item in batch if known.get(item.id) != digests[item.id]]
            changed = [item.id for item in todo if item.id in known]
            if todo:
                await self._store(tx, todo, digests, changed)
        self.stats.count(len(batch), len(todo), len(changed))

    @staticmethod
    async def _store(tx: SqlTransaction, todo: list[EnrichedArticle], digests: dict[str, str],
                     changed: list[str]) -> None:
        now = now_iso()
        if changed:
            await tx.copy_to_history(changed, now)
        ids = [item.id for item in todo]
        await tx.delete_attributions(ids)
        touched = await tx.delete_article_speakers(ids)
        await tx.upsert_articles([article_row(item, digests[item.id]) for item in todo], now)
        await tx.insert_attributions([row for item in todo for row in attribution_rows(item)])
        speakers = [row for item in todo for row in article_speaker_rows(item)]
        await tx.insert_article_speakers(speakers)
        await tx.recount_speakers(sorted(touched | speakers_of(speakers)), now)

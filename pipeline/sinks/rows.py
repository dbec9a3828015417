"""Flatten an ``EnrichedArticle`` into table rows, shared by the SQL sinks.

List and record columns (``JSON_COLUMNS``) come out as JSON text, encoded by
orjson straight from the dataclasses; SQLite stores the text, PostgreSQL
casts it to ``jsonb``.
"""

from __future__ import annotations

from typing import Any

from newsflow.attribution.names import speaker_list
from newsflow.codec import json_text
from newsflow.records import EnrichedArticle
from newsflow.sinks.base import record_json

ARTICLE_COLUMNS = (
    "id", "url", "title", "body", "published", "language", "authors", "tags", "captions",
    "credits", "removed", "stripper_version", "attributor_version", "schema_version",
    "content_hash", "record",
)
ATTRIBUTION_COLUMNS = (
    "article_id", "idx", "source", "speaker", "cue", "content", "kind", "speech",
    "source_start", "source_end", "cue_start", "cue_end", "content_start", "content_end",
    "content_spans",
)
ARTICLE_SPEAKER_COLUMNS = ("article_id", "name", "titles", "mentions", "quotes")
JSON_COLUMNS = frozenset({"authors", "tags", "captions", "credits", "removed", "record", "content_spans", "titles"})
MAX_TITLES = 20  # titles kept per speaker in the ``speakers`` table, most seen first


def article_row(item: EnrichedArticle, digest: str) -> dict[str, Any]:
    """The ``articles`` row for ``item``; ``record`` is the full topic JSON."""
    art = item.article
    return {
        "id": art.id, "url": art.url, "title": art.title, "body": art.body,
        "published": art.published, "language": art.language, "authors": json_text(art.authors),
        "tags": json_text(art.tags), "captions": json_text(art.captions), "credits": json_text(art.credits),
        "removed": json_text(art.removed), "stripper_version": art.stripper_version,
        "attributor_version": item.attributor_version, "schema_version": item.schema_version,
        "content_hash": digest, "record": record_json(item).decode(),
    }


def attribution_rows(item: EnrichedArticle) -> list[dict[str, Any]]:
    """One ``attributions`` row per attribution, numbered by position (``idx``)."""
    return [
        {
            "article_id": item.id, "idx": idx, "source": a.source, "speaker": a.speaker,
            "cue": a.cue, "content": a.content, "kind": a.kind, "speech": a.speech,
            "source_start": a.source_span[0], "source_end": a.source_span[1],
            "cue_start": a.cue_span[0], "cue_end": a.cue_span[1],
            "content_start": a.content_span[0], "content_end": a.content_span[1],
            "content_spans": json_text(a.content_spans),
        }
        for idx, a in enumerate(item.attributions)
    ]


def speakers_of(rows: list[dict[str, Any]]) -> set[str]:
    """Distinct speaker names in ``article_speakers`` rows."""
    return {r["name"] for r in rows}


def article_speaker_rows(item: EnrichedArticle) -> list[dict[str, Any]]:
    """One ``article_speakers`` row per canonical speaker of ``item``.

    The article's ``speakers`` list decides; a record without one (written before
    the attributor made it) gets the list the attributor would derive from its
    attributions.  A name listed twice is merged, so the row key stays unique.
    """
    listed = item.speakers or speaker_list(item.article.body, item.attributions)
    merged: dict[str, dict[str, Any]] = {}
    for s in listed:
        row = merged.setdefault(s.name, {"article_id": item.id, "name": s.name, "titles": [],
                                         "mentions": 0, "quotes": 0})
        row["titles"] += [t for t in s.titles if t not in row["titles"]]
        row["mentions"] += s.mentions
        row["quotes"] += s.quotes
    return [{**row, "titles": json_text(row["titles"])} for row in merged.values() if row["name"]]

"""Records that travel on the topics.

Each record is a frozen dataclass whose ``to_dict()`` is exactly the JSON value
described by the topic's schema in ``schemas/`` (see ``newsflow.schemas``), and
whose ``from_dict()`` reads it back.  The records are the contract; agents and
sinks never pass loose dicts around.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Any, ClassVar

SCHEMA_VERSION = 1

Span = tuple[int, int]


def _plain(value: Any) -> Any:
    """Turn tuples (spans) into lists and nested records into dicts, for JSON."""
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


class Record:
    """Mixin: ``to_dict``/``from_dict`` for the dataclasses below."""

    nested: ClassVar[dict[str, type[Record]]] = {}

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"{cls.__name__}: unknown fields {sorted(unknown)}")
        kwargs = {}
        for key, value in data.items():
            sub = cls.nested.get(key)
            if sub is not None and value is not None:
                value = [sub.from_dict(v) for v in value] if isinstance(value, list) else sub.from_dict(value)
            elif isinstance(value, list) and key.endswith("_span"):
                value = tuple(value)
            kwargs[key] = value
        return cls(**kwargs)


def content_id(text: str) -> str:
    """Stable id for a document with no URL: a hash of its normalised content."""
    normalised = " ".join(text.split())
    return "sha1:" + hashlib.sha1(normalised.encode("utf-8")).hexdigest()[:20]


def url_id(canonical_url: str) -> str:
    """Stable id for a document with a URL: a hash of its canonical form."""
    return "url:" + hashlib.sha1(canonical_url.encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True)
class RawDocument(Record):
    """A fetched or replayed document, before any cleaning (topic ``news.raw``)."""

    id: str
    body: str
    content_type: str  # "text/html" or "text/plain"
    url: str | None = None
    canonical_url: str | None = None
    title: str | None = None
    origin: str = "replay"  # "replay" or "feed"
    source_path: str | None = None
    fetched_at: str | None = None
    published: str | None = None
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    feed_url: str | None = None
    feed_title: str | None = None
    fingerprint: str | None = None
    duplicate_of: str | None = None  # id of an earlier near-duplicate (e.g. syndicated wire copy)
    schema_version: int = SCHEMA_VERSION


@dataclass(frozen=True)
class Link(Record):
    """An article link a feed announced, to be fetched by the worker owning its host (``news.links``)."""

    url: str
    feed_url: str | None = None
    feed_title: str | None = None
    title: str | None = None
    published: str | None = None
    updated: str | None = None
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    entry_id: str | None = None
    attempt: int = 0  # how often a transient failure sent it round again
    schema_version: int = SCHEMA_VERSION


@dataclass(frozen=True)
class Removal(Record):
    """One piece of text the stripper kept out of the body, and why."""

    text: str
    reason: str


@dataclass(frozen=True)
class CleanArticle(Record):
    """A stripped article (topic ``news.clean``)."""

    id: str
    title: str | None
    body: str
    paragraphs: list[str]
    captions: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    language: str | None = None
    url: str | None = None
    feed_url: str | None = None
    feed_title: str | None = None
    duplicate_of: str | None = None
    removed: list[Removal] = field(default_factory=list)
    stripper_version: str = ""
    schema_version: int = SCHEMA_VERSION

    nested: ClassVar[dict[str, type]] = {"removed": Removal}


@dataclass(frozen=True)
class Attribution(Record):
    """Who said what: one attribution relation with character spans into the body."""

    source: str
    cue: str
    content: str
    source_span: Span
    cue_span: Span
    content_span: Span
    kind: str  # "direct", "mixed" or "indirect"
    speaker: str  # the source resolved to its full mention
    speech: bool = True  # False for thinks/believes/wants/found/shows
    content_spans: list[Span] = field(default_factory=list)  # fragments of a split quote
    where: str = "body"  # "title": a headline attribution, its spans index the article's title

    def __post_init__(self):
        # Spans arrive as lists from JSON; keep them as tuples so records compare equal.
        for name in ("source_span", "cue_span", "content_span"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "content_spans", [tuple(s) for s in self.content_spans])


@dataclass(frozen=True)
class Speaker(Record):
    """One speaker of an article: the canonical name its attributions carry as ``speaker``."""

    name: str
    titles: list[str] = field(default_factory=list)  # titles and roles seen with the name
    mentions: int = 0  # times the name (its surname) occurs in the body, at least ``quotes``
    quotes: int = 0  # attributions with this speaker


@dataclass(frozen=True)
class EnrichedArticle(Record):
    """A clean article with its attributions (topic ``news.enriched``)."""

    article: CleanArticle
    attributions: list[Attribution]
    attributor_version: str = ""
    schema_version: int = SCHEMA_VERSION
    speakers: list[Speaker] = field(default_factory=list)

    nested: ClassVar[dict[str, type]] = {"article": CleanArticle, "attributions": Attribution, "speakers": Speaker}

    @property
    def id(self) -> str:
        return self.article.id


@dataclass(frozen=True)
class DeadLetter(Record):
    """A message a stage could not process (topic ``news.dlq``)."""

    stage: str
    error: str
    error_type: str
    topic: str
    payload: str  # the original value, decoded as UTF-8 with replacement
    payload_b64: str | None = None  # the exact bytes, when they were not valid UTF-8
    key: str | None = None
    partition: int | None = None
    offset: int | None = None
    failed_at: str | None = None
    schema_version: int = SCHEMA_VERSION
    # Added compatibly (all optional): why, and where the whole payload is when it was cut.
    reason: str | None = None  # decode, schema, timeout, not-an-article, oversize, stage-error, rejected, ...
    payload_size: int | None = None  # bytes of the original payload
    payload_sha256: str | None = None
    payload_truncated: bool = False  # payload holds only a prefix; the whole is in payload_file
    payload_file: str | None = None  # side file with the exact original bytes (data/dead-letters/<sha256>)

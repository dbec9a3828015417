"""Durable stores for enriched articles, chosen by a spec string.

Specs (``open_sink``):

* ``jsonl:PATH``: append-only JSON Lines file, each article version once;
* ``sqlite:PATH``: SQLite with full-text search (``sqlite:`` alone means
  ``data/newsflow.sqlite3`` under the working directory);
* ``postgresql://USER:PASSWORD@HOST:PORT/DB[?schema=NAME]`` (or ``postgres://``).
"""

from __future__ import annotations

from newsflow.config import mask_secrets
from newsflow.sinks.base import BatchingSink, Sink, SinkStats, content_hash
from newsflow.sinks.jsonl import JsonlSink
from newsflow.sinks.sqlite import DEFAULT_PATH as DEFAULT_SQLITE_PATH
from newsflow.sinks.sqlite import SqliteSink

__all__ = [
    "BatchingSink", "JsonlSink", "Sink", "SinkSpecError", "SinkStats", "SqliteSink",
    "content_hash", "open_sink", "VALID_SPECS",
]

VALID_SPECS = (
    "jsonl:PATH",
    "sqlite:PATH (or 'sqlite:' for data/newsflow.sqlite3)",
    "postgresql://USER[:PASSWORD]@HOST[:PORT]/DB[?schema=NAME] (or postgres://...)",
)


class SinkSpecError(ValueError):
    """A sink spec string that names no known store, or lacks a required part."""

    def __init__(self, spec: str, problem: str) -> None:
        super().__init__(f"invalid sink spec {mask_secrets(spec)!r}: {problem}; "
                         f"valid forms: {', '.join(VALID_SPECS)}")


def open_sink(spec: str) -> Sink:
    """Build (not yet set up) the sink a spec names.

    Raises ``SinkSpecError`` for an unknown scheme or a missing path.
    """
    scheme, sep, rest = spec.partition(":")
    if not sep:
        raise SinkSpecError(spec, "no scheme")
    if scheme == "jsonl":
        if not rest:
            raise SinkSpecError(spec, "jsonl needs a file path")
        return JsonlSink(rest)
    if scheme == "sqlite":
        return SqliteSink(rest or DEFAULT_SQLITE_PATH)
    if scheme in ("postgresql", "postgres"):
        from newsflow.sinks.postgres import PostgresSink  # psycopg loads only when used

        try:
            return PostgresSink(spec)
        except ValueError as exc:  # e.g. a bad ?schema= name
            raise SinkSpecError(spec, str(exc)) from None
    raise SinkSpecError(spec, f"unknown scheme {scheme!r}")

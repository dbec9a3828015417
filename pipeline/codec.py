"""orjson on the wire: records to bytes and back, with optional schema checks."""

from __future__ import annotations

import orjson

from newsflow import schemas
from newsflow.records import Record
from newsflow.topics import TOPIC_RECORDS


class DecodeError(ValueError):
    """A message value is not valid JSON, or not a valid record for its topic.

    ``reason`` (for the dead letter) is ``decode`` or ``schema``."""

    def __init__(self, message: str, reason: str = "decode") -> None:
        super().__init__(message)
        self.reason = reason


def json_text(value: object) -> str:
    """Any JSON-able value (dataclasses included) as compact JSON text, e.g. for a store column."""
    return orjson.dumps(value).decode()


def encode(record: Record, *, base_topic: str | None = None) -> bytes:
    """Serialise a record; with ``base_topic``, check it against that topic's schema first."""
    if base_topic is None:
        return orjson.dumps(record)  # orjson walks dataclasses natively, ~30x faster than to_dict()
    value = record.to_dict()
    schemas.validate(base_topic, value)
    return orjson.dumps(value)


def decode(data: bytes | str | None, base_topic: str) -> Record:
    """Parse and validate a value from ``base_topic`` into its record type."""
    if data is None:
        raise DecodeError("empty message value")
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise DecodeError(f"not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise DecodeError(f"expected a JSON object, got {type(value).__name__}")
    try:
        schemas.validate(base_topic, value)
    except schemas.SchemaError as exc:
        raise DecodeError(str(exc), reason="schema") from None
    try:
        return TOPIC_RECORDS[base_topic].from_dict(value)
    except (TypeError, ValueError) as exc:
        raise DecodeError(f"schema: {exc}", reason="schema") from None

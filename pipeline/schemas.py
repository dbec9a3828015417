"""The published JSON Schemas (``schemas/`` in the repository): loading and validation.

The files ship as package data (``newsflow.published_schemas``) and load with
``importlib.resources``, so a wheel install finds them.  They are the public contract for downstream consumers;
``newsflow.records`` produces exactly what they describe (a test keeps both in step).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator

from newsflow.topics import TOPIC_RECORDS

SCHEMA_PACKAGE = "newsflow.published_schemas"


class SchemaError(ValueError):
    """A message does not match its topic's schema."""


def schema_path(base_topic: str) -> Traversable:
    return resources.files(SCHEMA_PACKAGE) / f"{base_topic}.json"


@cache
def load_schema(base_topic: str) -> dict[str, Any]:
    """The schema of a topic's values, by base name (``news.raw``)."""
    if base_topic not in TOPIC_RECORDS:
        raise KeyError(f"no schema for topic {base_topic!r}; known: {', '.join(TOPIC_RECORDS)}")
    return json.loads(schema_path(base_topic).read_text(encoding="utf-8"))


@cache
def validator(base_topic: str) -> Draft202012Validator:
    """The reference validator, for readable error messages."""
    return Draft202012Validator(load_schema(base_topic))


@cache
def fast_validator(base_topic: str):
    """A compiled validator (Rust): every message is checked, so the check must be cheap
    (the pure-Python one cost more than stripping and attribution on short articles)."""
    return jsonschema_rs.validator_for(load_schema(base_topic))


def validate(base_topic: str, value: dict[str, Any]) -> None:
    """Raise SchemaError naming the first mismatch, if any."""
    if fast_validator(base_topic).is_valid(value):
        return
    error = next(iter(validator(base_topic).iter_errors(value)), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        raise SchemaError(f"{base_topic} schema: {where}: {error.message}")


def all_schemas() -> dict[str, dict[str, Any]]:
    return {name: load_schema(name) for name in TOPIC_RECORDS}

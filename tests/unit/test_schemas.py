"""schemas/ is the public contract: records produce exactly it, and it only changes compatibly.

A published version is frozen in tests/schema_snapshots/<topic>.v<N>.json.  Removing
or retyping a field, or making a new one required, without bumping ``x-version``
(and adding a new snapshot) fails here.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from newsflow import codec, schemas
from newsflow.records import (
    Attribution,
    CleanArticle,
    DeadLetter,
    EnrichedArticle,
    Link,
    RawDocument,
    Removal,
    Speaker,
)
from newsflow.topics import TOPIC_RECORDS

SNAPSHOTS = Path(__file__).parent / "schema_snapshots"


def sample_records():
    clean = CleanArticle(id="sha1:1", title="T", body="He said hi.", paragraphs=["He said hi."],
                         captions=["c"], credits=["AP"], tags=["x"], removed=[Removal("Load more", "call-to-action")],
                         stripper_version="s1")
    attribution = Attribution("He", "said", "hi", (0, 2), (3, 7), (8, 10), "indirect", "He", True, [(8, 10)])
    return {
        "news.raw": RawDocument(id="sha1:1", body="<p>x</p>", content_type="text/html", url="https://a.b/c"),
        "news.clean": clean,
        "news.enriched": EnrichedArticle(clean, [attribution], "a1", speakers=[Speaker("He", ["Sen."], 1, 1)]),
        "news.dlq": DeadLetter("stripper", "boom", "ValueError", "news.raw", "{}"),
        "news.links": Link("https://a.b/c", feed_url="https://a.b/rss", authors=["Ann"], attempt=1),
    }


@pytest.mark.parametrize("topic", list(TOPIC_RECORDS))
def test_record_serialises_to_valid_schema_value(topic):
    record = sample_records()[topic]
    schemas.validate(topic, record.to_dict())
    assert codec.encode(record) == codec.encode(record, base_topic=topic)  # fast path, same bytes
    assert type(record).from_dict(json.loads(json.dumps(record.to_dict()))) == record


@pytest.mark.parametrize("topic", list(TOPIC_RECORDS))
def test_record_fields_are_the_schema_properties(topic):
    fields = {f.name for f in dataclasses.fields(TOPIC_RECORDS[topic])}
    assert fields == set(schemas.load_schema(topic)["properties"])


def test_nested_records_match_their_definitions():
    defs = schemas.load_schema("news.enriched")["$defs"]
    assert {f.name for f in dataclasses.fields(Attribution)} == set(defs["attribution"]["properties"])
    assert {f.name for f in dataclasses.fields(Removal)} == set(defs["removal"]["properties"])
    assert {f.name for f in dataclasses.fields(Speaker)} == set(defs["speaker"]["properties"])
    assert {f.name for f in dataclasses.fields(CleanArticle)} == set(defs["article"]["properties"])


def test_invalid_value_is_rejected_with_the_field_named():
    value = sample_records()["news.raw"].to_dict() | {"body": 42}
    with pytest.raises(schemas.SchemaError, match="body"):
        schemas.validate("news.raw", value)
    with pytest.raises(schemas.SchemaError, match="unexpected"):
        schemas.validate("news.raw", value | {"body": "x", "surprise": 1})


def breaking_changes(old: dict, new: dict, where: str = "") -> list[str]:
    """Ways in which ``new`` rejects values that ``old`` accepted (removed, retyped, newly required)."""
    problems = []
    for name, old_prop in old.get("properties", {}).items():
        new_prop = new.get("properties", {}).get(name)
        if new_prop is None:
            problems.append(f"{where}{name}: removed")
            continue
        if old_prop.get("type") != new_prop.get("type") or old_prop.get("$ref") != new_prop.get("$ref"):
            problems.append(f"{where}{name}: type changed")
        problems += breaking_changes(old_prop, new_prop, f"{where}{name}.")
        if "items" in old_prop:
            problems += breaking_changes(old_prop["items"], new_prop.get("items", {}), f"{where}{name}[].")
    for name in set(new.get("required", [])) - set(old.get("required", [])):
        problems.append(f"{where}{name}: newly required")
    for name, old_def in old.get("$defs", {}).items():
        problems += breaking_changes(old_def, new.get("$defs", {}).get(name, {}), f"{where}$defs.{name}.")
    return problems


@pytest.mark.parametrize("topic", list(TOPIC_RECORDS))
def test_schema_changes_are_backward_compatible_or_versioned(topic):
    current = schemas.load_schema(topic)
    version = current["x-version"]
    snapshot = SNAPSHOTS / f"{topic}.v{version}.json"
    assert snapshot.exists(), f"{topic} is at x-version {version}: freeze it as {snapshot.name}"
    problems = breaking_changes(json.loads(snapshot.read_text()), current)
    assert not problems, f"{topic} changed incompatibly without a version bump: {problems}"


def test_breaking_change_detector_catches_removal_retype_and_new_required():
    old = {"properties": {"a": {"type": "string"}, "b": {"type": "integer"}}, "required": ["a"]}
    new = {"properties": {"a": {"type": "integer"}, "c": {"type": "string"}}, "required": ["a", "c"]}
    assert sorted(breaking_changes(old, new)) == ["a: type changed", "b: removed", "c: newly required"]
    assert breaking_changes(old, old) == []

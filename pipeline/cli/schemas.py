"""Print the JSON Schemas of the topics' values (the downstream contract)."""

from __future__ import annotations

import orjson

from newsflow.schemas import all_schemas, load_schema
from newsflow.topics import TOPIC_RECORDS

OPTIONS: tuple[str, ...] = ()

def add_arguments(parser) -> None:
    parser.add_argument("topic", nargs="?", help="one topic base name (news.enriched); default: all")


def run(args, config) -> int:
    if args.topic and args.topic not in TOPIC_RECORDS:
        raise ValueError(f"no schema for topic {args.topic!r}; known: {', '.join(TOPIC_RECORDS)}")
    value = load_schema(args.topic) if args.topic else all_schemas()
    print(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode())
    return 0

"""Print the JSON Schemas of the topics' values (the downstream contract)."""

from __future__ import annotations

import orjson

from newsflow.schemas import all_schemas, load_schema


def add_arguments(parser) -> None:
    parser.add_argument("topic", nargs="?", help="one topic base name (news.enriched); default: all")


def run(args, config) -> int:
    value = load_schema(args.topic) if args.topic else all_schemas()
    print(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode())
    return 0

"""Human-readable views of stored articles, shared by ``run --exit-when-idle``, ``search`` and ``quotes``."""

from __future__ import annotations

from pathlib import Path

import orjson

from newsflow.config import Config
from newsflow.sinks.sqlite import DEFAULT_PATH as DEFAULT_SQLITE_PATH
from newsflow.store_queries import latest_articles


def sqlite_path(explicit: str | None, config: Config) -> Path:
    """``--db``, else the first configured ``sqlite:`` sink."""
    if explicit:
        return Path(explicit)
    spec = next((s for s in config.default_sinks if s.startswith("sqlite:")), None)
    if spec is None:
        raise ValueError("no sqlite: sink configured; pass --db PATH")
    return Path(spec.partition(":")[2] or DEFAULT_SQLITE_PATH)


def stored_records(spec: str, limit: int = 5) -> list[dict]:
    """The latest enriched records a sink holds (SQLite and JSONL; others are not read back)."""
    scheme, _, rest = spec.partition(":")
    if scheme == "sqlite":
        return latest_articles(rest or DEFAULT_SQLITE_PATH, limit)
    if scheme == "jsonl" and Path(rest).exists():
        lines = Path(rest).read_bytes().splitlines()
        return [orjson.loads(line) for line in lines[-limit:] if line.strip()]
    return []


def format_record(record: dict) -> str:
    article = record["article"]
    lines = [f"{article['title'] or '(no title)'}  [{article['id']}]",
             f"  {len(article['paragraphs'])} paragraphs, {len(article['body'])} characters; "
             f"captions {article['captions']}; credits {article['credits']}; tags {article['tags']}",
             f"  {len(record['attributions'])} attributions:"]
    for a in record["attributions"]:
        content = a["content"] if len(a["content"]) <= 90 else a["content"][:87] + "..."
        lines.append(f"    - {a['speaker']} ({a['cue']}, {a['kind']}): {content}")
    return "\n".join(lines)


def print_summary(specs) -> None:
    for spec in specs:
        records = stored_records(spec)
        if records:
            print(f"== {spec}: latest {len(records)} article(s)")
            print("\n\n".join(format_record(r) for r in records))

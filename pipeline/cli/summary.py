"""The end-of-run summary of ``run --exit-when-idle``, and the SQLite path ``search`` and ``quotes`` read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from newsflow.config import Config
from newsflow.sinks.sqlite import DEFAULT_PATH as DEFAULT_SQLITE_PATH

SQLITE_MAGIC = b"SQLite format 3\x00"


def sqlite_path(explicit: str | None, config: Config) -> Path:
    """``--db``, else the first configured ``sqlite:`` sink; it must be an existing SQLite file."""
    if explicit:
        path = Path(explicit)
    else:
        spec = next((s for s in config.default_sinks if s.startswith("sqlite:")), None)
        if spec is None:
            raise ValueError("no sqlite: sink configured; pass --db PATH")
        path = Path(spec.partition(":")[2] or DEFAULT_SQLITE_PATH)
    if not path.is_file():
        raise ValueError(f"no SQLite store at {path} (a `newsflow run` with a sqlite: sink creates it)")
    with path.open("rb") as fh:
        if fh.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise ValueError(f"{path} is not a SQLite database")
    return path


def format_run_summary(summary: dict[str, Any]) -> str:
    """What THIS run did: documents given, stored per sink (the sinks' own counts), duplicates,
    dead letters by reason, and a few of the articles it stored."""
    lines = [f"== this run: {summary['given']} document(s) given"
             + (f", {summary['duplicates']} of them a duplicate id" if summary.get("duplicates") else "")]
    for name, stats in summary["sinks"].items():
        lines.append(f"  {name}: {stats['inserted']} new, {stats['updated']} updated, "
                     f"{stats['unchanged']} unchanged")
    if not summary["sinks"]:  # several processes: the sinks' own counts stay in the children
        lines += [f"  {name}: {count} stored" for name, count in summary.get("stored_per_sink", {}).items()]
    dead = summary["dead_letters"]
    lines.append(f"  dead letters: {dead['total']}" + (" (see `newsflow dlq list`)" if dead["total"] else ""))
    lines += [f"    {d['count']} from {d['stage']}: {d['reason']}" for d in dead["by"]]
    if summary["articles"]:
        lines.append(f"== stored by this run (latest {len(summary['articles'])}):")
    for article in summary["articles"]:
        lines.append(f"{article['title'] or '(no title)'}  [{article['id']}]")
        lines.append(f"  {article['paragraphs']} paragraphs, {article['characters']} characters; "
                     f"{len(article['attributions'])} attributions:")
        for a in article["attributions"]:
            content = a["content"] if len(a["content"]) <= 90 else a["content"][:87] + "..."
            lines.append(f"    - {a['speaker']} ({a['cue']}, {a['kind']}): {content}")
    return "\n".join(lines)

"""Saved files -> raw documents, for ``newsflow replay`` and ``newsflow run --replay``.

Formats: ``.txt`` (first line title, then the body), ``.html``/``.htm``,
``.json``/``.jsonl`` records with ``url`` and ``html`` or ``text``, and
``.warc``/``.warc.gz`` response records.  A record that cannot be read becomes a
:class:`ReplayProblem`, which the publisher sends to the dead-letter topic, so
nothing is lost silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from newsflow.records import RawDocument, content_id, url_id
from newsflow.urls import canonical_url

SUFFIXES = (".txt", ".html", ".htm", ".json", ".jsonl", ".warc", ".warc.gz")


@dataclass(frozen=True)
class ReplayProblem:
    """A file or record that could not be turned into a document."""

    path: str
    error: str
    payload: str = ""
    line: int | None = None


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def make_document(body: str, *, content_type: str, url: str | None = None, title: str | None = None,
                  source_path: str | None = None, **extra: Any) -> RawDocument:
    """A raw document with its stable id: from the canonical URL, else from the content."""
    canonical = canonical_url(url) if url else None
    doc_id = url_id(canonical) if canonical else content_id(body)
    extra.setdefault("fetched_at", now_iso())
    return RawDocument(id=doc_id, body=body, content_type=content_type, url=url, canonical_url=canonical,
                       title=title, source_path=source_path, **extra)


def find_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files to replay, folders expanded recursively, in a stable (sorted) order."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(SUFFIXES)))
        elif path.exists():
            found.append(path)
        else:
            raise FileNotFoundError(f"no such file or folder: {path}")
    return found


def iter_documents(paths: Iterable[str | Path]) -> Iterator[RawDocument | ReplayProblem]:
    """Every document in the given files and folders, or a problem per unreadable record."""
    for path in find_files(paths):
        reader = _reader_for(path)
        if reader is None:
            yield ReplayProblem(str(path), f"unsupported file type (expected one of {', '.join(SUFFIXES)})")
            continue
        try:
            yield from reader(path)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            yield ReplayProblem(str(path), f"{type(exc).__name__}: {exc}")


def _reader_for(path: Path):
    name = path.name.lower()
    if name.endswith((".warc", ".warc.gz")):
        return read_warc
    return {".txt": read_text, ".html": read_html, ".htm": read_html,
            ".json": read_json, ".jsonl": read_jsonl}.get(path.suffix.lower())


def read_text(path: Path) -> Iterator[RawDocument]:
    """A plain-text article: its first non-empty line is the title."""
    text = path.read_text(encoding="utf-8-sig")
    title = next((line.strip() for line in text.splitlines() if line.strip()), None)
    yield make_document(text, content_type="text/plain", title=title, source_path=str(path))


_CANONICAL = re.compile(
    r"<link[^>]+rel=[\"']canonical[\"'][^>]*href=[\"']([^\"']+)|"
    r"<meta[^>]+property=[\"']og:url[\"'][^>]*content=[\"']([^\"']+)", re.I)


def read_html(path: Path) -> Iterator[RawDocument]:
    """A saved page; its canonical link (or og:url), when present, gives the id."""
    data = path.read_bytes()
    html = data.decode("utf-8", errors="replace")
    match = _CANONICAL.search(html[:200_000])
    url = next((g for g in match.groups() if g), None) if match else None
    yield make_document(html, content_type="text/html", url=url if url and "://" in url else None,
                        source_path=str(path))


def record_to_document(record: Any, source_path: str) -> RawDocument:
    """A JSON record ``{"url", "html" | "text", "title"?, "published"?, ...}``."""
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    html, text = record.get("html"), record.get("text")
    if not isinstance(html, str) and not isinstance(text, str):
        raise ValueError("record has neither an 'html' nor a 'text' string")
    extra = {k: record[k] for k in ("published", "language", "feed_url", "feed_title") if isinstance(record.get(k), str)}
    if isinstance(record.get("authors"), list):
        extra["authors"] = [str(a) for a in record["authors"]]
    body, content_type = (html, "text/html") if isinstance(html, str) else (str(text), "text/plain")
    url = record.get("url") if isinstance(record.get("url"), str) else None
    return make_document(body, content_type=content_type, url=url, title=record.get("title"),
                         source_path=source_path, **extra)


def read_json(path: Path) -> Iterator[RawDocument | ReplayProblem]:
    data = orjson.loads(path.read_bytes())
    for index, record in enumerate(data if isinstance(data, list) else [data]):
        yield _record_or_problem(record, str(path), index + 1)


def read_jsonl(path: Path) -> Iterator[RawDocument | ReplayProblem]:
    with path.open("rb") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                yield ReplayProblem(str(path), f"line {number}: not JSON: {exc}",
                                    line.decode("utf-8", "replace"), number)
                continue
            yield _record_or_problem(record, str(path), number)


def _record_or_problem(record: Any, path: str, number: int) -> RawDocument | ReplayProblem:
    try:
        return record_to_document(record, path)
    except ValueError as exc:
        return ReplayProblem(path, f"record {number}: {exc}", orjson.dumps(record).decode(), number)


def read_warc(path: Path) -> Iterator[RawDocument]:
    """HTML response records of a WARC file (ours, or Common Crawl CC-NEWS)."""
    from newsflow.fetching.decoding import acceptable, decode_text
    from newsflow.fetching.warc import iter_warc_records

    for record in iter_warc_records(path):
        content_type = record.headers.get("content-type")
        if not acceptable("page", content_type):
            continue  # robots.txt, images, feeds: not articles
        body, _, _ = decode_text(record.body, content_type)
        yield make_document(body, content_type="text/html", url=record.url, source_path=str(path),
                            fetched_at=record.date)

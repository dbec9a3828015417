"""Saved files -> raw documents, for ``newsflow replay`` and ``newsflow run --replay``.

Formats: ``.txt`` (first line title, then the body), ``.html``/``.htm``,
``.json``/``.jsonl`` records with ``url`` and ``html`` or ``text``, and
``.warc``/``.warc.gz`` response records.  A record that cannot be read becomes a
:class:`ReplayProblem`, which the publisher sends to the dead-letter topic, so
nothing is lost silently.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from newsflow.clock import now_iso
from newsflow.records import RawDocument, content_id, url_id
from newsflow.urls import canonical_url

log = logging.getLogger(__name__)

SUFFIXES = (".txt", ".html", ".htm", ".json", ".jsonl", ".warc", ".warc.gz")


@dataclass(frozen=True)
class ReplayProblem:
    """A file or record that could not be turned into a document.

    ``reason`` is a short slug (``unreadable``, ``undecodable``, ``not-json``, ``bad-record``,
    ``corrupt-warc``, ``unsupported``, ``oversize``); ``offset`` locates the record in its file
    (line of a ``.jsonl``, index in a ``.json`` list, byte offset in a WARC) so it can be re-read.
    """

    path: str
    error: str
    payload: str | bytes = ""
    offset: int | None = None
    reason: str = "unreadable"


@dataclass
class ReplayReport:
    """What a replay did: documents published, and dead letters by reason."""

    published: int = 0
    dead_lettered: Counter[str] = field(default_factory=Counter)

    def describe(self) -> str:
        """``replayed 3 document(s); 2 dead-lettered (not-json 1, oversize 1)``."""
        text = f"replayed {self.published} document(s)"
        if self.dead_lettered:
            reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(self.dead_lettered.items()))
            text += f"; {sum(self.dead_lettered.values())} dead-lettered ({reasons})"
        return text


def make_document(body: str, *, content_type: str, url: str | None = None, title: str | None = None,
                  source_path: str | None = None, **extra: Any) -> RawDocument:
    """A raw document with its stable id: from the canonical URL, else from the content."""
    canonical = canonical_url(url) if url else None
    doc_id = url_id(canonical) if canonical else content_id(body)
    extra.setdefault("fetched_at", now_iso())
    return RawDocument(id=doc_id, body=body, content_type=content_type, url=url, canonical_url=canonical,
                       title=title, source_path=source_path, **extra)


def find_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files to replay, folders expanded recursively, in a stable (sorted) order.

    Inside a folder, every entry with a replay suffix that is not a folder is kept,
    so an unreadable file or a broken link becomes a dead letter instead of vanishing.
    """
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(p for p in _walk(path) if p.name.lower().endswith(SUFFIXES) and not p.is_dir()))
        elif path.exists() or path.is_symlink():
            found.append(path)
        else:
            raise FileNotFoundError(f"no such file or folder: {path}")
    return found


def _walk(folder: Path) -> Iterator[Path]:
    """Every entry under ``folder``; sub-folders we may not list are skipped with a warning."""
    for root, dirs, files in os.walk(folder, onerror=lambda exc: log.warning("replay: %s", exc)):
        dirs.sort()
        yield from (Path(root) / name for name in [*dirs, *files])


def iter_documents(paths: Iterable[str | Path], max_bytes: int | None = None) -> Iterator[RawDocument | ReplayProblem]:
    """Every document in the given files and folders, or a problem per unreadable record.

    Never raises for a bad file or record (only for a path that does not exist):
    what was read before a failure is yielded, the failure becomes a problem.
    A document whose encoded record is over ``max_bytes`` (the broker's limit) is an
    ``oversize`` problem carrying its size, sha256 and where it is in its file.
    """
    for offset, item in _located(paths):
        if max_bytes is not None and isinstance(item, RawDocument):
            item = _within(item, max_bytes, offset)
        yield item


def _within(doc: RawDocument, max_bytes: int, offset: int | None) -> RawDocument | ReplayProblem:
    """The document, or an ``oversize`` problem when its record would not fit in a message."""
    size = len(orjson.dumps(doc))
    if size <= max_bytes:
        return doc
    body = doc.body.encode("utf-8", "surrogatepass")
    where = f" at offset {offset}" if offset is not None else ""
    return ReplayProblem(str(doc.source_path), f"document {doc.id} is {size} bytes encoded, over the limit of "
                         f"{max_bytes}; body sha256 {hashlib.sha256(body).hexdigest()}, {len(body)} bytes; "
                         f"re-read it from {doc.source_path}{where}", body, offset, "oversize")


def _located(paths: Iterable[str | Path]) -> Iterator[tuple[int | None, RawDocument | ReplayProblem]]:
    """(offset in its file, document or problem) for everything in ``paths``."""
    for path in find_files(paths):
        reader = _reader_for(path)
        if reader is None:
            yield None, ReplayProblem(str(path), f"unsupported file type (expected one of {', '.join(SUFFIXES)})",
                                      reason="unsupported")
        elif not path.is_file():
            yield None, ReplayProblem(str(path), "not a regular file (a folder, a device or a broken link)")
        else:
            yield from _guarded(reader, path)


def _guarded(reader, path: Path) -> Iterator[tuple[int | None, RawDocument | ReplayProblem]]:
    """Run one file's reader; an exception ends the file as one problem with its reason."""
    try:
        yield from reader(path)
    except UnicodeDecodeError as exc:
        yield None, ReplayProblem(str(path), f"UnicodeDecodeError: {exc}", _head(path), reason="undecodable")
    except orjson.JSONDecodeError as exc:
        yield None, ReplayProblem(str(path), f"JSONDecodeError: {exc}", _head(path), reason="not-json")
    except (OSError, ValueError, RecursionError) as exc:
        yield None, ReplayProblem(str(path), f"{type(exc).__name__}: {exc}", reason="unreadable")


def _head(path: Path, limit: int = 65536) -> bytes:
    """The start of a file, for a dead letter that shows what was there."""
    try:
        with path.open("rb") as handle:
            return handle.read(limit)
    except OSError:
        return b""


def _reader_for(path: Path):
    name = path.name.lower()
    if name.endswith((".warc", ".warc.gz")):
        return read_warc
    return {".txt": read_text, ".html": read_html, ".htm": read_html,
            ".json": read_json, ".jsonl": read_jsonl}.get(path.suffix.lower())


def read_text(path: Path) -> Iterator[tuple[None, RawDocument]]:
    """A plain-text article: its first non-empty line is the title."""
    text = path.read_text(encoding="utf-8-sig")
    title = next((line.strip() for line in text.splitlines() if line.strip()), None)
    yield None, make_document(text, content_type="text/plain", title=title, source_path=str(path))


def read_html(path: Path) -> Iterator[tuple[None, RawDocument]]:
    """A saved page; its canonical link (or og:url), when present, gives the id."""
    from newsflow.fetching.decoding import decode_text

    html, _, _ = decode_text(path.read_bytes(), "text/html")
    url = page_url(html)
    yield None, make_document(html, content_type="text/html", url=url, source_path=str(path))


def page_url(html: str) -> str | None:
    """The page's ``<link rel=canonical>`` or ``og:url``, found by lxml (no regex over page text)."""
    from newsflow.fetching.metadata import parse_html

    tree = parse_html(html)
    if tree is None:
        return None
    found = tree.xpath('//link[contains(concat(" ", translate(@rel, "CANONIL", "canonil"), " "), " canonical ")]'
                       '/@href | //meta[@property="og:url"]/@content')
    return next((u.strip() for u in found if "://" in u), None)


_STRING_FIELDS = ("url", "html", "text", "title", "published", "language", "feed_url", "feed_title")


def record_to_document(record: Any, source_path: str) -> RawDocument:
    """A JSON record ``{"url", "html" | "text", "title"?, "published"?, ...}``.

    A known field with the wrong type (``"url": 5``, ``"html": []``) is an error,
    not silently dropped: the record goes to the dead letters with that reason.
    """
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    for name in _STRING_FIELDS:
        if record.get(name) is not None and not isinstance(record[name], str):
            raise ValueError(f"field {name!r} must be a string, got {type(record[name]).__name__}")
    authors = record.get("authors") or []
    if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
        raise ValueError("field 'authors' must be a list of strings")
    html, text = record.get("html"), record.get("text")
    if html is not None:
        body, content_type = html, "text/html"
    elif text is not None:
        body, content_type = text, "text/plain"
    else:
        raise ValueError("record has neither an 'html' nor a 'text' string")
    extra = {k: record[k] for k in ("published", "language", "feed_url", "feed_title") if record.get(k)}
    return make_document(body, content_type=content_type, url=record.get("url"), title=record.get("title"),
                         source_path=source_path, authors=list(authors), **extra)


def read_json(path: Path) -> Iterator[tuple[int, RawDocument | ReplayProblem]]:
    data = orjson.loads(path.read_bytes())
    for index, record in enumerate(data if isinstance(data, list) else [data]):
        yield index, _record_or_problem(record, str(path), index)


def read_jsonl(path: Path) -> Iterator[tuple[int, RawDocument | ReplayProblem]]:
    with path.open("rb") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                yield number, ReplayProblem(str(path), f"line {number}: not JSON: {exc}", line, number, "not-json")
                continue
            yield number, _record_or_problem(record, str(path), number)


def _record_or_problem(record: Any, path: str, number: int) -> RawDocument | ReplayProblem:
    try:
        return record_to_document(record, path)
    except ValueError as exc:
        return ReplayProblem(path, f"record {number}: {exc}", orjson.dumps(record), number, "bad-record")


def read_warc(path: Path) -> Iterator[tuple[int | None, RawDocument | ReplayProblem]]:
    """HTML response records of a WARC file (ours, or Common Crawl CC-NEWS).

    A corrupt or truncated file keeps the records before the damage; the damage is one
    problem with its byte offset.  A response with an empty body is a problem, not a document.
    """
    from newsflow.fetching.decoding import acceptable, decode_text
    from newsflow.fetching.warc import WarcDamaged, iter_warc_entries

    try:
        for offset, record in iter_warc_entries(path):
            content_type = record.headers.get("content-type")
            if not acceptable("page", content_type):
                continue  # robots.txt, images, feeds: not articles
            if not record.body.strip():
                yield offset, ReplayProblem(str(path), f"WARC response for {record.url} has an empty body",
                                                   offset=offset, reason="corrupt-warc")
                continue
            body, _, _ = decode_text(record.body, content_type)
            yield offset, make_document(body, content_type="text/html", url=record.url,
                                               source_path=str(path), fetched_at=record.date)
    except WarcDamaged as exc:
        yield exc.offset, ReplayProblem(str(path), str(exc), offset=exc.offset, reason="corrupt-warc")

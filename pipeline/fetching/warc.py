"""WARC output of fetched responses, and reading WARC files back (ours or CC-NEWS)."""

from __future__ import annotations

import os
import threading
import zlib
from collections.abc import Iterator
from io import BytesIO
from typing import IO, NamedTuple

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

# The body we store is already decompressed and de-chunked; these would lie about it.
_DROP_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


class WarcRecord(NamedTuple):
    """One archived HTTP response."""

    url: str
    headers: dict[str, str]  # HTTP response headers, lower-cased names
    body: bytes
    date: str | None  # WARC-Date, ISO 8601


class WarcWriter:
    """Appends one ``response`` record per fetched response to a ``.warc``/``.warc.gz``.

    Writes are small and synchronous; a lock keeps records whole if several
    threads share the writer.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self._handle: IO[bytes] = open(self.path, "ab")
        self._writer = WARCWriter(self._handle, gzip=self.path.endswith(".gz"))
        self._lock = threading.Lock()

    def write_response(self, url: str, status: int, headers: dict[str, str], body: bytes) -> None:
        """Archive one response (the body as we read it, after decompression)."""
        kept = [(k, v) for k, v in headers.items() if k.lower() not in _DROP_HEADERS]
        kept.append(("Content-Length", str(len(body))))
        http_headers = StatusAndHeaders(f"{status} {_reason(status)}", kept, protocol="HTTP/1.1")
        # An explicit length spares warcio a temporary file it never closes.
        record = self._writer.create_warc_record(url, "response", payload=BytesIO(body),
                                                 length=len(body), http_headers=http_headers)
        with self._lock:
            self._writer.write_record(record)
            self._handle.flush()

    def close(self) -> None:
        """Close the file."""
        self._handle.close()

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class WarcDamaged(ValueError):
    """A WARC file that is corrupt or truncated from ``offset`` (a byte position in the file) on."""

    def __init__(self, message: str, offset: int | None) -> None:
        super().__init__(message)
        self.offset = offset


def iter_warc_records(path: str | os.PathLike[str], only_ok: bool = True) -> Iterator[WarcRecord]:
    """Yield the HTTP responses in a ``.warc`` or ``.warc.gz`` file.

    Reads Common Crawl CC-NEWS files as well as ours.  Non-response records
    (requests, metadata, warcinfo) are skipped, and so are non-200 responses
    unless ``only_ok`` is False.  Bodies come back de-chunked and decompressed.
    Damage (a record cut short, a gzip stream that ends early, bytes warcio cannot
    parse) raises :class:`WarcDamaged` after the intact records before it were yielded.
    """
    for _, record in iter_warc_entries(path, only_ok):
        yield record


def iter_warc_entries(path: str | os.PathLike[str], only_ok: bool = True) -> Iterator[tuple[int, WarcRecord]]:
    """``iter_warc_records`` with the byte offset where each record starts in the file."""
    with open(path, "rb") as handle:
        records = ArchiveIterator(handle)
        offset = 0  # the end of the last intact record
        try:
            for record in records:
                item = _response(record, only_ok)  # read it all before asking warcio for offsets
                start, offset = records.get_record_offset(), records.get_record_offset() + records.get_record_length()
                if item is not None:
                    yield start, item
        except WarcDamaged as exc:  # the record in hand is cut short: it starts here
            exc.offset = records.get_record_offset()
            raise
        except Exception as exc:  # noqa: BLE001 - warcio raises anything from zlib errors to AttributeError
            raise WarcDamaged(f"unreadable WARC data after offset {offset}: {type(exc).__name__}: {exc}",
                              offset) from exc
    if str(path).endswith(".gz") and not _gzip_complete(path):
        raise WarcDamaged("the gzip stream ends early: the last record(s) are cut off", offset)


def _response(record, only_ok: bool) -> WarcRecord | None:
    """The response in one WARC record, or None when it is not one we want."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    if only_ok and record.http_headers.get_statuscode() != "200":
        return None
    headers = {k.lower(): v for k, v in record.http_headers.headers}
    body = record.content_stream().read()
    missing = getattr(record.raw_stream, "limit", 0)  # bytes the record announced but the file lacks
    if missing:
        raise WarcDamaged(f"record truncated: {missing} byte(s) of its declared length are missing", None)
    return WarcRecord(record.rec_headers.get_header("WARC-Target-URI"), headers, body,
                      record.rec_headers.get_header("WARC-Date"))


def _gzip_complete(path: str | os.PathLike[str]) -> bool:
    """Whether every gzip member of the file ends properly (warcio stops silently at a cut)."""
    decompressor, pending = zlib.decompressobj(wbits=31), False
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 16):
            while chunk:
                try:
                    decompressor.decompress(chunk)
                except zlib.error:
                    return False
                pending = not decompressor.eof
                if pending:
                    break
                chunk = decompressor.unused_data  # the next member starts here
                decompressor = zlib.decompressobj(wbits=31)
    return not pending


def _reason(status: int) -> str:
    """The standard reason phrase for a status code."""
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


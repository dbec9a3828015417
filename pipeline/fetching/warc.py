"""WARC output of fetched responses, and reading WARC files back (ours or CC-NEWS)."""

from __future__ import annotations

import os
import threading
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


def iter_warc_records(path: str | os.PathLike[str], only_ok: bool = True) -> Iterator[WarcRecord]:
    """Yield the HTTP responses in a ``.warc`` or ``.warc.gz`` file.

    Reads Common Crawl CC-NEWS files as well as ours.  Non-response records
    (requests, metadata, warcinfo) are skipped, and so are non-200 responses
    unless ``only_ok`` is False.  Bodies come back de-chunked and decompressed.
    """
    with open(path, "rb") as handle:
        for record in ArchiveIterator(handle):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            status = record.http_headers.get_statuscode()
            if only_ok and status != "200":
                continue
            headers = {k.lower(): v for k, v in record.http_headers.headers}
            body = record.content_stream().read()
            yield WarcRecord(record.rec_headers.get_header("WARC-Target-URI"), headers, body,
                             record.rec_headers.get_header("WARC-Date"))


def _reason(status: int) -> str:
    """The standard reason phrase for a status code."""
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


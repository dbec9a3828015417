"""Dead letters: a message a stage could not process, with the reason and the original bytes.

A dead letter always fits on the broker: a payload over ``PAYLOAD_LIMIT`` is cut to a
short prefix, with its size and SHA-256 recorded, and the exact bytes are kept in a side
file (``<data>/dead-letters/<sha256>``) that ``newsflow dlq replay`` reads back.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import os
from pathlib import Path

from newsflow.clock import now_iso
from newsflow.records import DeadLetter

# Well below the broker's 8 MB message limit even when JSON escaping inflates the text 6x.
PAYLOAD_LIMIT = 1024 * 1024
PREVIEW_BYTES = 64 * 1024  # what a truncated letter still shows of its payload
ERROR_LIMIT = 2000  # characters of the error message
SIDE_FOLDER = "dead-letters"


def dead_letter(stage: str, error: BaseException | str, *, topic: str, payload: bytes | str | None,
                key: bytes | str | None = None, partition: int | None = None,
                offset: int | None = None, reason: str | None = None,
                side_dir: Path | None = None) -> DeadLetter:
    """Build the DLQ record; bytes that are not UTF-8 are also kept exactly, in base64.

    A payload over ``PAYLOAD_LIMIT`` is truncated; with ``side_dir`` its exact bytes are
    written there first (``keep_original``) and the letter names the file.
    """
    raw = payload.encode("utf-8", "surrogatepass") if isinstance(payload, str) else (payload or b"")
    if isinstance(key, bytes):
        key = key.decode("utf-8", errors="replace")
    message = str(error) if isinstance(error, str) else f"{error}" or repr(error)
    error_type = "Error" if isinstance(error, str) else type(error).__name__
    digest = hashlib.sha256(raw).hexdigest()
    letter = DeadLetter(stage=stage, error=message[:ERROR_LIMIT], error_type=error_type, topic=topic, payload="",
                        key=key, partition=partition, offset=offset, failed_at=now_iso(), reason=reason,
                        payload_size=len(raw), payload_sha256=digest)
    if len(raw) > PAYLOAD_LIMIT:
        side = keep_original(side_dir, raw, digest) if side_dir is not None else None
        preview = raw[:PREVIEW_BYTES].decode("utf-8", errors="replace")
        return dataclasses.replace(letter, payload=preview, payload_truncated=True, payload_file=side)
    text = raw.decode("utf-8", errors="replace")
    exact = None if text.encode("utf-8") == raw else base64.b64encode(raw).decode("ascii")
    return dataclasses.replace(letter, payload=text, payload_b64=exact)


def keep_original(side_dir: Path, raw: bytes, digest: str) -> str:
    """Write ``raw`` to ``side_dir/<digest>`` (once; atomically) and return the path."""
    side_dir.mkdir(parents=True, exist_ok=True)
    path = side_dir / digest
    if not path.exists():
        partial = path.with_suffix(".partial")
        partial.write_bytes(raw)
        os.replace(partial, path)
    return str(path)


def side_folder(data_dir: Path) -> Path:
    """Where a data folder keeps the originals of truncated dead letters."""
    return data_dir / SIDE_FOLDER


def original_bytes(letter: dict) -> bytes | None:
    """The exact original payload of a letter (a DLQ JSON value), or None when it is lost:
    truncated and its side file gone."""
    if letter.get("payload_truncated"):
        path = letter.get("payload_file")
        if not path or not Path(path).is_file():
            return None
        return Path(path).read_bytes()
    if letter.get("payload_b64"):
        return base64.b64decode(letter["payload_b64"])
    return letter["payload"].encode("utf-8")

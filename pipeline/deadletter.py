"""Dead letters: a message a stage could not process, with the reason and the original bytes."""

from __future__ import annotations

import base64

from newsflow.clock import now_iso
from newsflow.records import DeadLetter


def dead_letter(stage: str, error: BaseException | str, *, topic: str, payload: bytes | str | None,
                key: bytes | str | None = None, partition: int | None = None,
                offset: int | None = None) -> DeadLetter:
    """Build the DLQ record; bytes that are not UTF-8 are also kept exactly, in base64."""
    raw = payload.encode("utf-8") if isinstance(payload, str) else (payload or b"")
    text = raw.decode("utf-8", errors="replace")
    exact = None if text.encode("utf-8") == raw else base64.b64encode(raw).decode("ascii")
    if isinstance(key, bytes):
        key = key.decode("utf-8", errors="replace")
    message = str(error) if isinstance(error, str) else f"{error}" or repr(error)
    error_type = "Error" if isinstance(error, str) else type(error).__name__
    return DeadLetter(stage=stage, error=message, error_type=error_type, topic=topic, payload=text,
                      payload_b64=exact, key=key, partition=partition, offset=offset, failed_at=now_iso())

"""Logging for people and for log shippers: one format, newsflow's own lines first.

``text`` is one line per event (time, level, logger, message, then ``key=value``
fields); ``json`` is one JSON object per line with the same fields.  Faust, mode,
aiokafka and kafka internals are kept at warning unless asked for (``--log-level
debug`` or ``--verbose-internals``): at info they print a hundred lines about
rebalances and not one about an article.
"""

from __future__ import annotations

import logging
import logging.config
import sys
from datetime import UTC, datetime
from typing import Any

import orjson

# newsflow.stream.transport subclasses Faust's services, so its lines are Faust's own.
INTERNAL_LOGGERS = ("faust", "mode", "aiokafka", "kafka", "asyncio", "aiohttp.access", "newsflow.stream.transport")
FORMATS = ("text", "json")
# Attributes every LogRecord has; anything else came in ``extra=`` and is a field.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}


def fields_of(record: logging.LogRecord) -> dict[str, Any]:
    """The ``extra=`` fields of a record that have a value, in the order given."""
    return {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_") and v is not None}


def _timestamp(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class TextFormatter(logging.Formatter):
    """``2026-12-02T14:00:00.000Z INFO newsflow.article: stored id=ab12 ms=3``"""

    def format(self, record: logging.LogRecord) -> str:
        extra = " ".join(f"{k}={_text(v)}" for k, v in fields_of(record).items())
        line = f"{_timestamp(record)} {record.levelname} {record.name}: {record.getMessage()}"
        line = f"{line} {extra}" if extra else line
        if record.exc_info:
            line = f"{line}\n{self.formatException(record.exc_info)}"
        return line


def _text(value: Any) -> str:
    text = str(value)
    return f'"{text}"' if " " in text or not text else text


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ``time``, ``level``, ``logger``, ``message``, the fields, ``exc``."""

    def format(self, record: logging.LogRecord) -> str:
        value: dict[str, Any] = {"time": _timestamp(record), "level": record.levelname.lower(),
                                 "logger": record.name, "message": record.getMessage()}
        value.update(fields_of(record))
        if record.exc_info:
            value["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(value, default=str).decode()


class InternalsFilter(logging.Filter):
    """Drops records below warning from the libraries in ``INTERNAL_LOGGERS``."""

    def __init__(self, show_internals: bool = False) -> None:
        super().__init__()
        self.show_internals = show_internals

    def filter(self, record: logging.LogRecord) -> bool:
        if self.show_internals or record.levelno >= logging.WARNING:
            return True
        name = record.name
        return not any(name == n or name.startswith(n + ".") for n in INTERNAL_LOGGERS)


class ConsoleHandler(logging.StreamHandler):
    """stderr, written around a progress bar when one is showing (tqdm.write keeps it intact)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    def emit(self, record: logging.LogRecord) -> None:
        from newsflow.progress_display import write_line

        try:
            write_line(self.format(record), self.stream)
        except Exception:  # noqa: BLE001 - logging must never raise
            self.handleError(record)


def logging_config(level: str = "warning", log_format: str = "text", verbose_internals: bool = False) -> dict:
    """A ``logging.config.dictConfig`` dict (also handed to Faust's worker, which applies it)."""
    if log_format not in FORMATS:
        raise ValueError(f"unknown log format {log_format!r}; expected one of {', '.join(FORMATS)}")
    formatter = TextFormatter if log_format == "text" else JsonFormatter
    show = verbose_internals or level.lower() == "debug"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"newsflow": {"()": f"{__name__}.{formatter.__name__}"}},
        "filters": {"internals": {"()": f"{__name__}.InternalsFilter", "show_internals": show}},
        "handlers": {"console": {"()": f"{__name__}.ConsoleHandler", "formatter": "newsflow",
                                 "filters": ["internals"]}},
        "root": {"level": level.upper(), "handlers": ["console"]},
    }


def configure(level: str = "warning", log_format: str = "text", verbose_internals: bool = False) -> dict:
    """Set up logging for this process; returns the dict so the worker can hand it to Faust."""
    config = logging_config(level, log_format, verbose_internals)
    logging.config.dictConfig(config)
    return config

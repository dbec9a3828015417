"""Log lines for people and for log shippers: the formatters and the internals filter."""

from __future__ import annotations

import io
import logging

import orjson
import pytest

from newsflow.logs import InternalsFilter, JsonFormatter, TextFormatter, configure, logging_config


def record(name="newsflow.article", level=logging.INFO, msg="stored", **extra) -> logging.LogRecord:
    rec = logging.LogRecord(name, level, __file__, 1, msg, (), None)
    rec.__dict__.update(extra)
    return rec


def test_text_format_is_one_line_with_fields():
    line = TextFormatter().format(record(stage="sink", id="sha1:ab", outcome="3 attributions", ms=4.2, url=None))
    assert line.endswith("INFO newsflow.article: stored stage=sink id=sha1:ab outcome=\"3 attributions\" ms=4.2")
    assert line[:4].isdigit() and "\n" not in line and "url" not in line  # unset fields are left out


def test_json_format_is_one_object_per_line():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        rec = record(level=logging.WARNING, msg="dead-lettered %s", stage="stripper", reason="ValueError")
        rec.args, rec.exc_info = ("now",), sys.exc_info()
    line = JsonFormatter().format(rec)
    value = orjson.loads(line)
    assert "\n" not in line
    assert value["level"] == "warning" and value["message"] == "dead-lettered now" and value["stage"] == "stripper"
    assert value["time"].endswith("Z") and "ValueError: boom" in value["exc"]


@pytest.mark.parametrize("name, level, shown", [
    ("faust.transport", logging.INFO, False),
    ("aiokafka.consumer", logging.DEBUG, False),
    ("mode.services", logging.WARNING, True),
    ("newsflow.stream.transport", logging.INFO, False),
    ("newsflow.article", logging.INFO, True),
    ("faustish", logging.INFO, True),  # a prefix, not the library
])
def test_internals_stay_at_warning(name, level, shown):
    assert InternalsFilter().filter(record(name, level)) is shown
    assert InternalsFilter(show_internals=True).filter(record(name, level)) is True


def test_configure_sets_one_handler_and_debug_shows_internals(capsys):
    configure("info", "json")
    logging.getLogger("faust.app").info("rebalancing")
    logging.getLogger("newsflow.article").info("stripped", extra={"id": "x1"})
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and orjson.loads(lines[0])["id"] == "x1"
    assert logging_config("debug")["filters"]["internals"]["show_internals"] is True
    assert logging_config("info", verbose_internals=True)["filters"]["internals"]["show_internals"] is True
    with pytest.raises(ValueError, match="unknown log format"):
        logging_config("info", "xml")
    logging.getLogger().handlers.clear()


def test_console_handler_writes_around_a_progress_bar():
    from tqdm import tqdm

    from newsflow.logs import ConsoleHandler

    handler, stream = ConsoleHandler(), io.StringIO()
    handler.stream = stream
    handler.setFormatter(TextFormatter())
    with tqdm(total=3, file=io.StringIO()):
        handler.emit(record(msg="while the bar shows"))
    assert "while the bar shows" in stream.getvalue()

"""configure_logging: JSON lines carry the tracing ids; text lines append them; re-configuring is safe."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from streams.logging_setup import JsonFormatter, configure_logging, parse_level


@pytest.fixture(autouse=True)
def _restore_root() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    for handler in handlers:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(level)


def test_json_lines_carry_trace_fields_at_top_level() -> None:
    out = io.StringIO()
    configure_logging("info", json=True, stream=out)
    logging.getLogger("newswatch.test").info(
        "event merged %s", "ok", extra={"stage": "merge", "article_id": "a1", "event_id": "e1", "attempt": 2}
    )
    line = json.loads(out.getvalue().strip())
    assert line["message"] == "event merged ok"
    assert line["level"] == "info"
    assert line["logger"] == "newswatch.test"
    assert (line["stage"], line["article_id"], line["event_id"], line["attempt"]) == ("merge", "a1", "e1", 2)
    assert line["ts"].endswith("+00:00")
    assert list(line)[:5] == ["ts", "level", "logger", "message", "stage"]


def test_json_includes_exception_and_stringifies_odd_values() -> None:
    out = io.StringIO()
    configure_logging("debug", json=True, stream=out)
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("x").exception("failed", extra={"alert_id": "al1", "obj": object()})
    line = json.loads(out.getvalue().strip())
    assert line["alert_id"] == "al1"
    assert "ValueError: boom" in line["exc_info"]
    assert line["obj"].startswith("<object object")


def test_text_format_appends_trace_fields() -> None:
    out = io.StringIO()
    configure_logging("info", json=False, stream=out)
    logging.getLogger("newswatch.dedupe").info("duplicate", extra={"stage": "dedupe", "article_id": "a9"})
    text = out.getvalue()
    assert "INFO" in text and "newswatch.dedupe: duplicate" in text
    assert text.rstrip().endswith("stage=dedupe article_id=a9")


def test_level_filters_and_reconfiguring_replaces_the_handler() -> None:
    first, second = io.StringIO(), io.StringIO()
    configure_logging("warning", json=True, stream=first)
    configure_logging("warning", json=True, stream=second)
    log = logging.getLogger("newswatch.level")
    log.info("hidden")
    log.warning("shown")
    assert first.getvalue() == ""
    assert [json.loads(x)["message"] for x in second.getvalue().splitlines()] == ["shown"]


def test_console_handlers_of_others_are_replaced_but_capture_handlers_stay() -> None:
    import sys

    root = logging.getLogger()
    foreign = logging.StreamHandler(sys.stderr)  # what mode's setup_logging leaves behind
    keeper = logging.StreamHandler(io.StringIO())
    root.addHandler(foreign)
    root.addHandler(keeper)
    configure_logging("info", json=True, stream=io.StringIO())
    assert foreign not in root.handlers
    assert keeper in root.handlers


def test_parse_level() -> None:
    assert parse_level("DEBUG") == logging.DEBUG
    assert parse_level("warn") == logging.WARNING
    assert parse_level(logging.ERROR) == logging.ERROR
    with pytest.raises(ValueError, match="unknown log level"):
        parse_level("loud")


def test_formatter_handles_records_without_extras() -> None:
    record = logging.LogRecord("n", logging.INFO, __file__, 1, "plain %d", (3,), None)
    assert json.loads(JsonFormatter().format(record))["message"] == "plain 3"

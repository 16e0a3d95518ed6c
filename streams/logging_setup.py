"""Logging for every newswatch process: plain text for people, JSON lines for log pipelines.

Pass the ids that let one item be followed through the stages as ``extra`` fields::

    log.info("article deduplicated", extra={"stage": "dedupe", "article_id": art.id})

The JSON formatter writes every such field at the top level of the line; the text formatter appends
the tracing fields (``article_id``, ``event_id``, ``alert_id``, ``stage``, ...) as ``key=value``.
"""

from __future__ import annotations

import json as _json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

#: Attributes every ``LogRecord`` carries; anything else on a record came from ``extra=``.
_RESERVED = frozenset(
    vars(logging.LogRecord("x", logging.INFO, "x", 0, "x", None, None)).keys()
    | {"message", "asctime", "taskName"}
)

#: Fields shown first (and by the text formatter) because they trace one item through the pipeline.
TRACE_FIELDS: tuple[str, ...] = ("stage", "article_id", "event_id", "alert_id", "feed", "sink", "reason")

_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "warn": logging.WARNING,
    "error": logging.ERROR,
    "critical": logging.CRITICAL,
}

#: Marks the handler this module installs, so calling ``configure_logging`` twice replaces it.
_HANDLER_FLAG = "_newswatch_handler"


def _extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    return {
        key: value for key, value in vars(record).items() if key not in _RESERVED and not key.startswith("_")
    }


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the extra fields, and any exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        extras = _extra_fields(record)
        for key in TRACE_FIELDS:
            if key in extras:
                entry[key] = _jsonable(extras.pop(key))
        for key, value in sorted(extras.items()):
            if key not in entry:
                entry[key] = _jsonable(value)
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return _json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """``time level logger: message key=value ...`` with the tracing fields appended."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = _extra_fields(record)
        pairs = [f"{key}={extras[key]}" for key in TRACE_FIELDS if extras.get(key) is not None]
        if not pairs:
            return line
        head, sep, tail = line.partition("\n")  # keep tracebacks below the fields
        return f"{head} {' '.join(pairs)}{sep}{tail}"


def parse_level(level: str | int) -> int:
    """A level name (``debug`` .. ``critical``, any case) or number as a ``logging`` level."""
    if isinstance(level, int):
        return level
    try:
        return _LEVELS[level.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown log level {level!r}; use one of {', '.join(sorted(_LEVELS))}") from None


def _console_stream() -> TextIO:
    """stderr, or the real one when a Faust/mode worker has redirected ``sys.stderr`` into logging."""
    stream = sys.stderr
    if type(stream).__name__ == "FileLogProxy" or stream is None:
        return sys.__stderr__ or sys.stdout
    return stream


def _is_console_handler(handler: logging.Handler) -> bool:
    if getattr(handler, _HANDLER_FLAG, False):
        return True
    if type(handler) is not logging.StreamHandler and type(handler).__module__.split(".")[0] != "colorlog":
        return False  # file handlers, pytest's capture handlers and the like stay
    stream = getattr(handler, "stream", None)
    return stream in {sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__}


def configure_logging(level: str, json: bool, stream: TextIO | None = None) -> None:
    """Send the root logger to ``stream`` (stderr) at ``level``, as JSON lines when ``json`` is true.

    Safe to call more than once and after Faust/mode set up logging: console handlers installed
    earlier (ours, mode's colour handler) are replaced, others (files, pytest's capture) stay.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if _is_console_handler(handler):
            root.removeHandler(handler)
            if getattr(handler, _HANDLER_FLAG, False):
                handler.close()
    handler = logging.StreamHandler(stream if stream is not None else _console_stream())
    handler.setFormatter(JsonFormatter() if json else TextFormatter())
    setattr(handler, _HANDLER_FLAG, True)
    root.addHandler(handler)
    root.setLevel(parse_level(level))
    # Chatty client libraries stay at WARNING unless debugging.
    quiet = logging.DEBUG if root.level <= logging.DEBUG else logging.WARNING
    for name in ("aiokafka", "kafka"):
        logging.getLogger(name).setLevel(max(quiet, root.level))

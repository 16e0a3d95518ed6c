"""Silences: matchers with an expiry, kept in a small JSON file shared by the CLI and the worker."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
import secrets
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from alerts.routing import alert_labels
from streams.errors import ConfigError
from streams.records import Alert

MATCHER_KEYS = ("type", "participant", "country", "severity", "rule", "reason", "id", "event", "date")
log = logging.getLogger("newswatch.alerts.silences")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> float:
    """Seconds from '90', '90s', '15m', '2h', '1d', '1w'."""
    found = _DURATION.match(text)
    if not found:
        raise ConfigError(f"not a duration: {text!r} (use e.g. 30m, 2h, 1d)")
    return float(found.group(1)) * _UNITS[found.group(2)]


def parse_matcher(text: str) -> tuple[str, str]:
    """``key=value`` with a key from MATCHER_KEYS; values compare case-insensitively."""
    key, sep, value = text.partition("=")
    key = key.strip().lower()
    if not sep or not value.strip():
        raise ConfigError(f"a matcher is key=value, got {text!r}")
    if key not in MATCHER_KEYS:
        raise ConfigError(f"unknown matcher key {key!r} (known: {', '.join(MATCHER_KEYS)})")
    return key, value.strip().lower()


@dataclass(frozen=True, slots=True)
class Silence:
    """Alerts matching every matcher are suppressed between ``starts_at`` and ``ends_at`` (epoch seconds)."""

    id: str
    matchers: dict[str, str]
    starts_at: float
    ends_at: float
    comment: str = ""
    created_by: str = ""
    expired_by_user: bool = field(default=False)

    def active(self, now: float) -> bool:
        return self.starts_at <= now < self.ends_at

    def matches(self, alert: Alert) -> bool:
        labels = alert_labels(alert)
        return all(value in labels.get(key, ()) for key, value in self.matchers.items())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Silence:
        return cls(
            id=str(data["id"]),
            matchers={str(k): str(v) for k, v in dict(data["matchers"]).items()},
            starts_at=float(data["starts_at"]),
            ends_at=float(data["ends_at"]),
            comment=str(data.get("comment", "")),
            created_by=str(data.get("created_by", "")),
            expired_by_user=bool(data.get("expired_by_user", False)),
        )

    def describe(self, now: float) -> str:
        state = "active" if self.active(now) else ("pending" if now < self.starts_at else "expired")
        ends = datetime.fromtimestamp(self.ends_at, UTC).isoformat(timespec="seconds")
        who = ",".join(f"{k}={v}" for k, v in sorted(self.matchers.items()))
        return f"{self.id}  {state:8} until {ends}  {who}  {self.comment}".rstrip()


class SilenceStore:
    """The silences file; writers lock it, readers re-read it when it changed (checked every few seconds)."""

    def __init__(
        self, path: str | Path, *, clock: Callable[[], float] = time.time, reload_seconds: float = 2.0
    ) -> None:
        self.path = Path(path)
        self._clock = clock
        self.reload_seconds = reload_seconds
        self._silences: list[Silence] = []
        self._stamp: tuple[int, int] | None = None
        self._checked = float("-inf")
        self.reload()

    def _file_stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return (stat.st_mtime_ns, stat.st_size)

    def _read(self) -> list[Silence]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        if not raw.strip():
            return []
        try:
            rows = orjson.loads(raw).get("silences", [])
            return [Silence.from_dict(row) for row in rows]
        except (orjson.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"silences file {self.path} is damaged: {exc}") from exc

    def reload(self) -> None:
        """Re-read the file now."""
        self._stamp = self._file_stamp()
        self._silences = self._read()
        self._checked = time.monotonic()

    def _maybe_reload(self) -> None:
        if time.monotonic() - self._checked < self.reload_seconds:
            return
        self._checked = time.monotonic()
        stamp = self._file_stamp()
        if stamp == self._stamp:
            return
        try:
            self.reload()
        except ConfigError as exc:  # keep the silences we had; the next change is read again
            self._stamp = stamp
            log.error("%s; keeping the %d silences read before", exc, len(self._silences))

    def silences(self, include_expired: bool = False) -> list[Silence]:
        now = self._clock()
        return [s for s in self._silences if include_expired or now < s.ends_at]

    def matching(self, alert: Alert) -> Silence | None:
        """The first active silence covering the alert (re-reads the file when it changed)."""
        self._maybe_reload()
        now = self._clock()
        for silence in self._silences:
            if silence.active(now) and silence.matches(alert):
                return silence
        return None

    @contextlib.contextmanager
    def _locked(self) -> Iterator[list[Silence]]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            rows = self._read()
            yield rows
            tmp = self.path.with_suffix(".tmp")
            tmp.write_bytes(
                orjson.dumps(
                    {"version": 1, "silences": [s.to_dict() for s in rows]}, option=orjson.OPT_INDENT_2
                )
            )
            os.replace(tmp, self.path)
        self.reload()

    def add(
        self, matchers: Mapping[str, str], duration_seconds: float, comment: str = "", created_by: str = ""
    ) -> Silence:
        """Store a silence starting now; expired silences older than a day are dropped on the way."""
        if not matchers:
            raise ConfigError("a silence needs at least one matcher")
        if duration_seconds <= 0:
            raise ConfigError("a silence needs a positive duration")
        now = self._clock()
        silence = Silence(
            id=secrets.token_hex(4),
            matchers={k.lower(): v.lower() for k, v in matchers.items()},
            starts_at=now,
            ends_at=now + duration_seconds,
            comment=comment,
            created_by=created_by,
        )
        with self._locked() as rows:
            rows[:] = [s for s in rows if s.ends_at > now - 86400]
            rows.append(silence)
        return silence

    def expire(self, silence_id: str) -> bool:
        """End a silence now; False when no such silence is active."""
        now = self._clock()
        found = False
        with self._locked() as rows:
            for index, silence in enumerate(rows):
                if silence.id == silence_id and silence.ends_at > now:
                    rows[index] = Silence(
                        silence.id,
                        silence.matchers,
                        silence.starts_at,
                        now,
                        silence.comment,
                        silence.created_by,
                        True,
                    )
                    found = True
        return found

"""Dead letters: an alert a sink never accepted, with the error, for ``alerts.dlq`` and ``dlq replay``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Self

import orjson

from streams.errors import RecordError
from streams.records import Alert, parse_time, utcnow


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """What goes to alerts.dlq: the alert JSON, the sink, the last error, attempts made and when."""

    alert: dict[str, Any]
    sink: str
    error: str
    attempts: int
    time: datetime = field(default_factory=utcnow)
    status: int | None = None

    @property
    def alert_id(self) -> str:
        return str(self.alert.get("id", ""))

    @property
    def key(self) -> str:
        """Kafka key and ``--id`` handle: alert id and sink."""
        return f"{self.alert_id}:{self.sink}"

    def to_alert(self) -> Alert:
        return Alert.from_dict(self.alert)

    def to_dict(self) -> dict[str, Any]:
        return {
            "alert": self.alert,
            "alert_id": self.alert_id,
            "sink": self.sink,
            "error": self.error,
            "attempts": self.attempts,
            "status": self.status,
            "time": self.time.isoformat(),
        }

    def to_json(self) -> bytes:
        return orjson.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        try:
            return cls(
                alert=dict(data["alert"]),
                sink=str(data["sink"]),
                error=str(data.get("error", "")),
                attempts=int(data.get("attempts", 0)),
                time=parse_time(data.get("time")) or utcnow(),
                status=data.get("status"),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise RecordError(f"not a valid dead letter: {exc}") from exc

    @classmethod
    def from_json(cls, raw: bytes | str) -> Self:
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise RecordError(f"dead letter is not JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise RecordError("dead letter JSON is not an object")
        return cls.from_dict(data)


DeadLetterPublisher = Callable[[DeadLetter], Awaitable[None]]


class MemoryDeadLetters:
    """A DeadLetterPublisher keeping dead letters in a list (tests, the bench)."""

    def __init__(self) -> None:
        self.letters: list[DeadLetter] = []

    async def __call__(self, letter: DeadLetter) -> None:
        self.letters.append(letter)

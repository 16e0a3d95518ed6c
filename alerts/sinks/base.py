"""The sink interface: ``Sink.send(alert)`` or ``BatchSink.write(batch)``, each returning an Outcome.

Sinks only classify; the delivery wrapper (alerts.delivery) owns retries, back-off, the dead-letter
topic and metrics. A new sink is one module here plus one entry in ``alerts.sinks.SINK_TYPES``.
"""

from __future__ import annotations

import abc
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from alerts.outcome import Outcome, classify_http
from streams.errors import ConfigError
from streams.records import Alert
from streams.settings.alerts import SinkSettings

MAX_RESPONSE_BYTES = 65536


@dataclass(frozen=True, slots=True)
class SinkContext:
    """What every sink may need besides its own settings."""

    source: str = "urn:newswatch"
    state_dir: Path = Path("var/alerts")


class BaseSink:
    """Common parts: name, settings, default rate limit and an optional aiohttp session."""

    default_rate_per_second: float = 0.0  # 0: unlimited unless configured
    batching: bool = False

    def __init__(self, config: SinkSettings, context: SinkContext) -> None:
        self.config = config
        self.context = context
        self.name = config.name
        self._session: aiohttp.ClientSession | None = None

    async def start(self, session: aiohttp.ClientSession | None) -> None:
        """Called once before the first send; HTTP sinks keep the shared session."""
        self._session = session

    async def close(self) -> None:
        """Release files or connections the sink opened itself."""

    @property
    def rate_per_second(self) -> float:
        return self.config.rate_per_second or self.default_rate_per_second

    def template_text(self) -> str | None:
        """The user's template (file wins over inline), or None for the sink's default."""
        if self.config.template_file:
            try:
                return Path(self.config.template_file).read_text(encoding="utf-8")
            except OSError as exc:
                raise ConfigError(f"sink {self.name!r}: cannot read template_file: {exc}") from exc
        return self.config.template


class Sink(BaseSink, abc.ABC):
    """A sink that takes one alert at a time."""

    @abc.abstractmethod
    async def send(self, alert: Alert) -> Outcome:
        """Deliver one alert and classify what happened (never raise for delivery failures)."""


class BatchSink(BaseSink, abc.ABC):
    """A sink that takes a group of alerts at once (one write, all-or-nothing)."""

    batching = True

    @abc.abstractmethod
    async def write(self, batch: Sequence[Alert]) -> Outcome:
        """Deliver a batch and classify what happened."""


class HttpSink(Sink):
    """A sink posting JSON to a secret URL, classified by the shared HTTP classifier."""

    ok_body: str | None = None

    def __init__(self, config: SinkSettings, context: SinkContext) -> None:
        super().__init__(config, context)
        if config.url is None or not config.url.get_secret_value().startswith(("http://", "https://")):
            raise ConfigError(f"sink {self.name!r} ({config.type}) needs an http(s) url")
        self._url = config.url.get_secret_value()

    def redact(self, text: str) -> str:
        """Text with the secret URL, its path and any longish path or query part replaced by ***."""
        path = self._url.split("://", 1)[-1].partition("/")[2]
        parts = [self._url, path, *re.split(r"[/?&=#]", path)]
        for part in sorted((p for p in parts if len(p) >= 8), key=len, reverse=True):
            text = text.replace(part, "***")
        return text

    async def post(self, body: bytes, headers: Mapping[str, str] | None = None) -> Outcome:
        """POST ``body`` to the sink URL; network errors and timeouts are retryable."""
        if self._session is None:
            raise RuntimeError(f"sink {self.name!r} used before start()")
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        timeout = aiohttp.ClientTimeout(total=self.config.timeout_seconds)
        try:
            async with self._session.post(
                self._url, data=body, headers=all_headers, timeout=timeout, allow_redirects=False
            ) as response:
                raw = await response.content.read(MAX_RESPONSE_BYTES)  # a receiver cannot flood us
                text = raw.decode("utf-8", errors="replace")
                return classify_http(
                    response.status, response.headers, self.redact(text), ok_body=self.ok_body
                )
        except TimeoutError:
            return Outcome.retry(f"timed out after {self.config.timeout_seconds:g}s")
        except aiohttp.ClientError as exc:
            return Outcome.retry(self.redact(f"{type(exc).__name__}: {exc}"))

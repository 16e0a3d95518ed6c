"""Alert sinks and delivery (owned by the alerts package; extend here)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from streams.settings.base import Section


class AlertSettings(Section):
    console: bool = Field(True, description="Print every alert to the console.")
    webhook_url: SecretStr | None = Field(None, description="Generic webhook URL (env NEWSWATCH_WEBHOOK_URL).")

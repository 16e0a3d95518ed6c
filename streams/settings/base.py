"""The base model every settings section shares: frozen, and strict about unknown keys."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """A frozen settings section that rejects unknown keys, so typos fail at start-up."""

    model_config = ConfigDict(frozen=True, extra="forbid")

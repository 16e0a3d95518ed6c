"""The Connector base class and a registry by name, so the runner starts connectors without knowing them."""

from __future__ import annotations

import abc
import asyncio
from typing import ClassVar, TypeVar

from connectors.producer import ArticleSink
from connectors.state import StateStore
from streams.settings import Settings

REGISTRY: dict[str, type[Connector]] = {}

C = TypeVar("C", bound="type[Connector]")


def register(cls: C) -> C:
    """Class decorator adding a connector to REGISTRY under its ``name``."""
    REGISTRY[cls.name] = cls
    return cls


class Connector(abc.ABC):
    """One source of articles: ``setup`` once, ``run`` until ``stop`` is set, then ``close``."""

    name: ClassVar[str] = ""

    def __init__(self, settings: Settings, sink: ArticleSink, state: StateStore) -> None:
        self.settings = settings
        self.sink = sink
        self.state = state

    @classmethod
    def enabled(cls, settings: Settings) -> bool:
        """Whether the settings ask for this connector at all."""
        return True

    async def setup(self) -> None:  # noqa: B027 - optional hook
        """Prepare folders, sessions, schedules."""

    @abc.abstractmethod
    async def run(self, stop: asyncio.Event) -> None:
        """Produce articles until ``stop`` is set; return after in-flight work is acknowledged."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Release sessions and files."""

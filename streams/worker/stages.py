"""The worker's stages, listed explicitly: each is loaded by name, and one missing or broken stops the start.

A stage is a module with a function ``(app, topics, settings)`` that attaches its agents and tables. The
alert and store stages live outside ``streams/`` (``alerts/``) or are optional to import statically, so
they are loaded by name; a worker that started without one would consume its input and never act on it
(before issue 19 a missing alerts module was logged at INFO and the worker ran without alerting).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import faust

from streams.errors import StageError
from streams.settings import Settings
from streams.worker.app import PipelineTopics


class RegisterStage(Protocol):
    """What a stage module provides: attach the stage's agents and tables to the app."""

    def __call__(self, app: faust.App, topics: PipelineTopics, settings: Settings, /) -> None: ...


@dataclass(frozen=True, slots=True)
class Stage:
    """One stage of the worker: its name (for errors and logs) and where its register function is."""

    name: str
    module: str
    function: str = "register"

    def load(self) -> RegisterStage:
        """The stage's register function; ``StageError`` naming the stage if it cannot be had."""
        try:
            module = importlib.import_module(self.module)
        except Exception as exc:  # missing, or broken at import (syntax error, missing dependency, ...)
            raise StageError(
                f"the {self.name} stage cannot be loaded from {self.module}: {type(exc).__name__}: {exc}"
            ) from exc
        register = getattr(module, self.function, None)
        if not callable(register):
            raise StageError(f"the {self.name} stage: {self.module} has no function {self.function}()")
        return register  # checked callable; its signature is the contract


WORKER_STAGES: tuple[Stage, ...] = (
    Stage("article and merge", "streams.worker.pipeline", "register_pipeline"),
    Stage("alert", "alerts.agent"),
    Stage("store", "streams.store.agent"),
)


def load_stages(stages: Sequence[Stage] = WORKER_STAGES) -> list[RegisterStage]:
    """Every stage's register function, all loaded before any is used: a broken one stops the start."""
    return [stage.load() for stage in stages]

"""Fault tests: the ``soak`` marker, and soak tests skipped unless asked for.

``make test`` must stay within CI time, so a test marked ``soak`` runs only when the marker expression
names it (``pytest -m soak``) or ``NEWSWATCH_SOAK=1`` is set. The marker is registered here as well as
(by the lead) in pyproject.toml, so ``--strict-markers`` accepts it either way.
"""

from __future__ import annotations

import os

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "soak: long fault/fuzz run for `make soak`, not `make test`")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    wanted = "soak" in (config.getoption("-m") or "") or os.environ.get("NEWSWATCH_SOAK") == "1"
    if wanted:
        return
    skip = pytest.mark.skip(reason="soak test: run with `make soak` (pytest -m soak) or NEWSWATCH_SOAK=1")
    for item in items:
        if item.get_closest_marker("soak") is not None:
            item.add_marker(skip)

"""What one process exports: only the metric families of the parts it runs, plus the process' own.

Every metrics module registers its families in prometheus_client's default registry at import, and a
process imports more than it runs (the CLI loads every command), so serving the default registry made
the connectors export the alerts' families and the worker the feeds'. Each process serves a registry
built from the metrics modules of the parts it runs, so per-instance panels and ``absent()`` alerts
can be trusted.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable
from types import ModuleType

from prometheus_client import GC_COLLECTOR, PLATFORM_COLLECTOR, PROCESS_COLLECTOR, CollectorRegistry
from prometheus_client.metrics import MetricWrapperBase

log = logging.getLogger(__name__)


def metrics_of(holder: ModuleType | Iterable[object]) -> list[MetricWrapperBase]:
    """The metric families a metrics module declares, or those in a collection (Faust's sensor set)."""
    values: Iterable[object] = vars(holder).values() if isinstance(holder, ModuleType) else holder
    found: dict[int, MetricWrapperBase] = {}
    for value in values:
        if isinstance(value, MetricWrapperBase) and not value._labelvalues:
            found.setdefault(id(value), value)
    return list(found.values())


def optional_modules(names: Iterable[str]) -> list[ModuleType]:
    """The named metrics modules that are installed (a plugged-in stage may be absent)."""
    modules = []
    for name in names:
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name is None or not name.startswith(exc.name):
                raise
            log.info("metrics module %s not installed; its families are not exported", name)
    return modules


def process_registry(holders: Iterable[ModuleType | Iterable[object]]) -> CollectorRegistry:
    """A registry holding the process collectors and the metric families of ``holders`` only."""
    registry = CollectorRegistry(auto_describe=True)
    for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
        registry.register(collector)
    for holder in holders:
        for metric in metrics_of(holder):
            registry.register(metric)
    return registry

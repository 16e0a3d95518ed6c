"""Every built-in detector, by name: the engine builds each entry and loops over them.

Adding an event type is one module (a class with the ``Detector`` shape whose findings carry their own
identity and fields), one entry here and its section in docs/detection.md; the engine does not change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass

from streams.detect.agreements import AgreementDetector
from streams.detect.aid import AidDetector
from streams.detect.armed_attack import ArmedAttackDetector
from streams.detect.ceasefire import CeasefireDetector
from streams.detect.detector import Detector
from streams.detect.gazetteer import Gazetteer
from streams.detect.language_data import LanguageData
from streams.detect.leader_calls import LeaderCallDetector
from streams.detect.leader_meeting import LeaderMeetingDetector
from streams.detect.mobilization import MobilizationDetector
from streams.detect.protest import ProtestDetector
from streams.detect.sanctions import SanctionsDetector
from streams.detect.threat import ThreatDetector


@dataclass(frozen=True)
class DetectorContext:
    """What a detector is built from: the gazetteer and the settings every detector shares."""

    gazetteer: Gazetteer
    max_age_days: int
    languages: Mapping[str, LanguageData]  # every data/languages/<code>.yaml, by code


DetectorFactory = Callable[[DetectorContext], Detector]

DETECTORS: Mapping[str, DetectorFactory] = {
    "leader_call": lambda c: LeaderCallDetector(c.gazetteer, c.max_age_days, c.languages),
    "ceasefire": lambda c: CeasefireDetector(c.gazetteer, c.max_age_days, c.languages),
    "leader_meeting": lambda c: LeaderMeetingDetector(c.gazetteer, c.max_age_days, c.languages),
    "agreement_signed": lambda c: AgreementDetector(c.gazetteer, c.max_age_days, c.languages),
    "armed_attack": lambda c: ArmedAttackDetector(c.gazetteer, c.max_age_days, c.languages),
    "mobilization": lambda c: MobilizationDetector(c.gazetteer, c.max_age_days, c.languages),
    "sanctions": lambda c: SanctionsDetector(c.gazetteer, c.max_age_days, c.languages),
    "protest": lambda c: ProtestDetector(c.gazetteer, c.max_age_days, c.languages),
    "aid": lambda c: AidDetector(c.gazetteer, c.max_age_days, c.languages),
    "threat": lambda c: ThreatDetector(c.gazetteer, c.max_age_days, c.languages),
}


# The event types an entry reports, where not only its own name.
REPORTED_TYPES: Mapping[str, frozenset[str]] = {
    "leader_call": frozenset({"leader_call", "official_contact"}),
    "ceasefire": frozenset({"ceasefire_declared", "ceasefire_violated"}),
}


def build_detectors(context: DetectorContext, switched_off: Set[str] = frozenset()) -> tuple[Detector, ...]:
    """One instance of every registered detector, in registry order (the order findings are reported),
    except those whose every type is ``switched_off`` (nothing they found would be kept)."""
    return tuple(
        factory(context)
        for name, factory in DETECTORS.items()
        if not REPORTED_TYPES.get(name, frozenset({name})) <= switched_off
    )

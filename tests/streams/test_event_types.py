"""The one list of built-in event types, their codes, and the event's place on the wire."""

from __future__ import annotations

from streams.detect.codes import CODES, cameo_label, code_for
from streams.records import Event, EventType, Place, builtin_types, type_label


def test_every_builtin_type_has_a_label_and_codes() -> None:
    assert set(builtin_types()) == set(CODES)
    assert "mobilization" in EventType.ALL and "leader_meeting" in EventType.ALL
    assert len(EventType.ALL) == 12
    assert all(label and label[0].isupper() for label in builtin_types().values())


def test_new_types_carry_their_cameo_and_plover_codes() -> None:
    sanctions = code_for(EventType.SANCTIONS)
    assert sanctions is not None and (sanctions.cameo, sanctions.plover_category) == ("163", "SANCTION")
    mobilization = code_for(EventType.MOBILIZATION)
    assert mobilization is not None and mobilization.plover_category == "MOBILIZE"
    assert cameo_label("195") == "Employ aerial weapons"
    assert type_label("rule:riots") == "rule:riots" and type_label("aid") == "Aid"


def test_place_travels_on_the_wire_and_keys_the_event() -> None:
    place = Place("Stepanakert", "AZ", 39.8153, 46.7519, "lexicon:stepanakert", "city")
    attack = Event(type=EventType.ARMED_ATTACK, date="2020-10-10", conflict="nagorno-karabakh", place=place)
    assert Event.from_json(attack.to_json()) == attack
    elsewhere = attack.replace(place=Place("Ganja", "AZ", 40.68, 46.36, "587084", "city"))
    assert attack.id != elsewhere.id
    assert "in Stepanakert" in attack.summary
    unplaced = Event(type=EventType.LEADER_CALL, date="2020-10-10")
    assert unplaced.to_dict()["place"] is None and unplaced.key == "leader_call||2020-10-10"

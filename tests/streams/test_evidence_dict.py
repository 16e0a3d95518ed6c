"""``Evidence.to_dict`` is built by hand (``dataclasses.asdict`` deep-copied its datetime, ~25 µs of every
report an event carries at each serialisation): it must still hold every field, as asdict did."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import orjson

from streams.records import Evidence


def test_evidence_dict_is_asdicts_with_the_wire_time() -> None:
    full = Evidence(
        "a1", "https://x.example/a", "A call.", "x.example", datetime(2020, 11, 9, tzinfo=UTC), "r.1", "fr"
    )
    for evidence in (full, Evidence("b2", "https://y.example/b", "Another.")):
        data = evidence.to_dict()
        expected = dataclasses.asdict(evidence)
        expected["published"] = data["published"]
        assert data == expected and list(data) == [f.name for f in dataclasses.fields(Evidence)]
        assert Evidence.from_dict(orjson.loads(orjson.dumps(data))) == evidence

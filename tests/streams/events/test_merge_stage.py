"""The merge stage's core: a batch of ``events`` records in; its outputs and the states to write out."""

from __future__ import annotations

from streams.events.merge_stage import MergeStage
from streams.records import Alert, Event
from tests.streams.events.test_merge import report


def _records(*reports: Event) -> list[tuple[bytes | None, bytes]]:
    return [(r.id.encode(), r.to_json()) for r in reports]


def _apply(table: dict[bytes, bytes], writes: dict[int, list[tuple[bytes, bytes]]]) -> None:
    for states in writes.values():
        table.update(states)


def test_a_batch_alerts_first_and_confirmed_and_writes_one_state_per_event() -> None:
    table: dict[bytes, bytes] = {}
    one, two, three = report("a1", "tass.ru"), report("a2", "lemonde.fr"), report("a3", "bbc.co.uk")
    out = MergeStage().process(_records(one, two, one, three), table)
    assert [Alert.from_json(v).reason for _, v in out.alerts] == ["first", "confirmed"]
    assert out.merges == {"first": 1, "confirmed": 1, "duplicate": 1, "new_source": 1}
    assert out.alerted == {"first": 1, "confirmed": 1}
    assert table == {}, "the core writes nothing"
    assert list(out.writes) == [3], "the state is written under the last record that changed it"
    ((key, state),) = out.writes[3]
    assert key == one.id.encode() and Event.from_json(state).source_count == 3
    assert [k for k, _ in out.merged] == [key] * 3
    assert out.dead == []


def test_the_same_batch_after_a_kill_before_the_writes_decides_the_same_alert_ids() -> None:
    table: dict[bytes, bytes] = {}
    records = _records(report("a1", "tass.ru"), report("a2", "lemonde.fr"))
    before = MergeStage().process(records, table)
    again = MergeStage().process(records, table)
    assert [k for k, _ in again.alerts] == [k for k, _ in before.alerts]
    _apply(table, again.writes)
    assert MergeStage().process(records, table).alerts == []


def test_an_undecodable_report_goes_to_the_dead_letters_under_its_record_key() -> None:
    good = report("a1", "tass.ru")
    out = MergeStage().process([(b"event-key", b"not json"), *_records(good)], {})
    assert out.dead == [(b"event-key", b"not json")]
    assert out.dead_reasons == {"undecodable": 1}
    assert [Alert.from_json(v).reason for _, v in out.alerts] == ["first"], "the batch goes on"


def test_a_report_that_cannot_merge_goes_to_the_dead_letters_under_its_event_id() -> None:
    good, other = report("a1", "tass.ru"), report("b1", "tass.ru", day="2020-11-08")
    table = {good.id.encode(): other.to_json()}  # a state of another event under this key
    out = MergeStage().process(_records(good), table)
    assert out.dead == [(good.id.encode(), good.to_json())]
    assert out.dead_reasons == {"merge_failed": 1}
    assert out.alerts == [] and out.merged == [] and out.writes == {}

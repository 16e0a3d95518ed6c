"""A merge batch: decisions against the table plus the batch's own results; state held back until written."""

from __future__ import annotations

import pytest

from streams.errors import RecordError
from streams.events.batch import BatchMerge
from streams.records import Alert, Event
from tests.streams.events.test_merge import report


def _run(table: dict[bytes, bytes], reports: list[Event]) -> BatchMerge:
    merge = BatchMerge(table.get)
    for index, item in enumerate(reports):
        merge.fold(index, item.to_json())
    return merge


def _write(table: dict[bytes, bytes], merge: BatchMerge) -> None:
    for writes in merge.writes_by_record().values():
        table.update(writes)


def _alert_reasons(merge: BatchMerge) -> list[str]:
    return [Alert.from_json(value).reason for _, value in merge.alerts]


def test_reports_of_one_batch_see_each_other_before_anything_is_written() -> None:
    table: dict[bytes, bytes] = {}
    merge = _run(table, [report("a1", "tass.ru"), report("a2", "lemonde.fr"), report("a1", "tass.ru")])
    assert _alert_reasons(merge) == ["first", "confirmed"]
    assert table == {}, "nothing is written by folding"
    assert len(merge.merged) == 2  # the duplicate changes nothing


def test_each_state_is_written_once_under_the_last_record_that_changed_it() -> None:
    one, other = report("a1", "tass.ru"), report("b1", "tass.ru", day="2020-11-08")
    merge = _run({}, [one, other, report("a2", "lemonde.fr"), report("a2", "lemonde.fr")])
    writes = merge.writes_by_record()
    assert sorted(writes) == [1, 2]
    assert [key for key, _ in writes[1]] == [other.id.encode()]
    ((key, state),) = writes[2]
    assert key == one.id.encode() and Event.from_json(state).source_count == 2


def test_a_batch_replayed_after_a_lost_state_write_makes_the_same_alerts_with_the_same_ids() -> None:
    """The crash case: outputs acknowledged, kill before the state write; the reports are read again."""
    table: dict[bytes, bytes] = {}
    reports = [report("a1", "tass.ru"), report("a2", "lemonde.fr"), report("a3", "bbc.co.uk")]
    before_kill = _run(table, reports)
    after_restart = _run(table, reports)  # nothing was written: same state, same decisions
    assert [k for k, _ in after_restart.alerts] == [k for k, _ in before_kill.alerts]
    _write(table, after_restart)
    assert _run(table, reports).alerts == [], "once written, the same reports alert nothing"


def test_a_state_written_after_its_alert_is_not_alerted_again() -> None:
    table: dict[bytes, bytes] = {}
    first = _run(table, [report("a1", "tass.ru")])
    _write(table, first)
    second = _run(table, [report("a1", "tass.ru"), report("a2", "lemonde.fr")])
    assert _alert_reasons(second) == ["confirmed"]


@pytest.mark.parametrize("raw", [b"not json", b'{"type": "leader_call"}'])
def test_a_bad_report_raises_a_record_error_and_changes_nothing(raw: bytes) -> None:
    merge = BatchMerge({}.get)
    with pytest.raises(RecordError):
        merge.fold(0, raw)
    assert merge.alerts == [] and merge.merged == [] and merge.writes_by_record() == {}

"""TableReads: another worker's records are readable as soon as Faust hands them over."""

from __future__ import annotations

from typing import Any

from streams.worker.table_reads import UNAPPLIED_PER_PARTITION, TableReads, table_reads


class _Table:
    """The part of a Faust table TableReads uses: ``data`` (the store) and writes through the table."""

    def __init__(self) -> None:
        self.data: dict[Any, bytes] = {}
        self.writes: list[tuple[Any, bytes | None]] = []  # what reached the changelog

    def send_changelog(self, *_: Any) -> None: ...

    def __setitem__(self, key: Any, value: bytes) -> None:
        self.data[key] = value
        self.writes.append((key, value))

    def __delitem__(self, key: Any) -> None:
        del self.data[key]
        self.writes.append((key, None))


def test_a_record_handed_over_is_readable_before_the_store_applies_it() -> None:
    table = _Table()
    reads: TableReads[str] = TableReads(table)
    assert reads.get("a") is None and "a" not in reads
    reads.arrived("a", b"from another worker")  # Faust has not applied its batch yet
    assert reads["a"] == b"from another worker" and reads.get("a") == b"from another worker"
    table.data["a"] = b"from another worker"  # now it has
    assert dict(reads.items()) == {"a": b"from another worker"}
    assert len(reads) == 1 and list(reads) == ["a"]


def test_a_deletion_handed_over_hides_the_stored_value() -> None:
    table = _Table()
    table.data.update({"a": b"1", "b": b"2"})
    reads: TableReads[str] = TableReads(table)
    reads.arrived("a", None)
    assert "a" not in reads and reads.get("a", b"default") == b"default"
    assert dict(reads.items()) == {"b": b"2"} and len(reads) == 1


def test_own_writes_and_deletes_go_through_the_table_and_win() -> None:
    table = _Table()
    reads: TableReads[bytes] = TableReads(table)
    reads.arrived(b"k", b"old")
    reads[b"k"] = b"new"
    assert reads[b"k"] == b"new" and table.writes == [(b"k", b"new")]
    del reads[b"k"]
    assert b"k" not in reads and table.writes[-1] == (b"k", None)
    reads.arrived(b"only-arrived", b"v")
    del reads[b"only-arrived"]  # not in the store yet: forgotten here, nothing to send
    assert b"only-arrived" not in reads and len(table.writes) == 2


def test_the_unapplied_records_kept_are_bounded() -> None:
    reads: TableReads[str] = TableReads(_Table(), partitions=1)
    for n in range(UNAPPLIED_PER_PARTITION + 10):
        reads.arrived(f"k{n}", b"v")
    assert "k0" not in reads and f"k{UNAPPLIED_PER_PARTITION + 9}" in reads


def test_plain_mappings_are_used_as_they_are() -> None:
    plain = {"a": b"1"}
    assert table_reads(plain) is plain
    assert isinstance(table_reads(_Table()), TableReads)

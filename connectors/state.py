"""Connector state in a small SQLite file, so a restart neither re-publishes a backlog nor forgets back-off.

Per feed: ETag, Last-Modified, error and idle counts, when the next poll is due, last success. Per feed
entry: the ids already produced (the newest ``seen_ids_per_feed`` are kept). Per spool file: a digest of
files already produced, so a crash between the Kafka ack and the move to ``done/`` does not repeat them.
Articles sent but not yet recorded as produced are kept as "in flight": after a crash they are looked
up on the topic (``connectors/readback.py``) instead of being sent again blindly.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from streams.errors import StateError

SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    error_count INTEGER NOT NULL DEFAULT 0,
    idle_count INTEGER NOT NULL DEFAULT 0,
    next_poll_at REAL NOT NULL DEFAULT 0,
    backoff_seconds REAL NOT NULL DEFAULT 0,
    last_success REAL,
    body_hash TEXT
);
CREATE TABLE IF NOT EXISTS seen (
    feed TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (feed, entry_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS seen_by_seq ON seen (feed, seq);
CREATE TABLE IF NOT EXISTS in_flight (
    source TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    key BLOB NOT NULL,
    sent_at REAL NOT NULL,
    PRIMARY KEY (source, entry_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS spool_done (
    digest TEXT PRIMARY KEY,
    name TEXT NOT NULL
);
"""


SPOOL_SOURCE = "spool:"  # in-flight source of a spool file: this prefix + the file's digest


@dataclass(frozen=True, slots=True)
class InFlight:
    """An article sent to Kafka whose ack was not yet recorded: its feed (or spool file), id and key."""

    source: str
    entry_id: str
    key: bytes
    sent_at: float


@dataclass(slots=True)
class FeedState:
    """What one feed's poller remembers between polls and restarts."""

    etag: str | None = None
    last_modified: str | None = None
    error_count: int = 0
    idle_count: int = 0
    next_poll_at: float = 0.0
    backoff_seconds: float = 0.0
    last_success: float | None = None
    body_hash: str | None = None  # digest of the last fully produced document (servers without ETags)


class StateStore:
    """Thread-safe wrapper over one SQLite connection (WAL, synchronous=NORMAL)."""

    def __init__(self, path: str | Path, seen_per_feed: int = 5000) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.seen_per_feed = seen_per_feed
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(feeds)")}
        if "body_hash" not in columns:  # state files from before body hashes
            self._db.execute("ALTER TABLE feeds ADD COLUMN body_hash TEXT")
        self._seq = int(self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM seen").fetchone()[0])

    @classmethod
    def in_dir(cls, state_dir: str | Path, seen_per_feed: int = 5000) -> StateStore:
        """The store in a connector's state folder."""
        return cls(Path(state_dir) / "connectors.sqlite3", seen_per_feed)

    def get_feed(self, url: str) -> FeedState:
        """The saved state of a feed, or a fresh one."""
        with self._lock:
            row = self._db.execute(
                "SELECT etag, last_modified, error_count, idle_count, next_poll_at, backoff_seconds,"
                " last_success, body_hash FROM feeds WHERE url = ?",
                (url,),
            ).fetchone()
        return FeedState(*row) if row else FeedState()

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the lock for a write; a failed write (disk full, read-only) becomes a StateError."""
        with self._lock:
            try:
                yield
            except sqlite3.Error as exc:
                raise StateError(
                    f"cannot write connector state {self.path}: {exc} (disk full or read-only? "
                    "check connectors.state_dir)"
                ) from exc

    def put_feed(self, url: str, state: FeedState) -> None:
        """Save a feed's state (one small transaction)."""
        with self._writing():
            self._db.execute(
                "INSERT OR REPLACE INTO feeds (url, etag, last_modified, error_count, idle_count,"
                " next_poll_at, backoff_seconds, last_success, body_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    url,
                    state.etag,
                    state.last_modified,
                    state.error_count,
                    state.idle_count,
                    state.next_poll_at,
                    state.backoff_seconds,
                    state.last_success,
                    state.body_hash,
                ),
            )

    def seen_among(self, feed: str, entry_ids: Iterable[str]) -> set[str]:
        """Which of these entry ids were already produced for this feed."""
        ids = list(dict.fromkeys(entry_ids))
        found: set[str] = set()
        with self._lock:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT entry_id FROM seen WHERE feed = ? AND entry_id IN ({marks})", (feed, *chunk)
                )
                found.update(r[0] for r in rows)
        return found

    def mark_seen(self, feed: str, entry_ids: Iterable[str]) -> None:
        """Record produced entry ids (no longer in flight) and forget the oldest beyond the per-feed limit."""
        ids = list(entry_ids)
        if not ids:
            return
        with self._writing():
            self._db.execute("BEGIN")
            try:
                self._mark_seen(feed, ids)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _mark_seen(self, feed: str, ids: list[str]) -> None:
        rows = []
        for entry_id in ids:
            self._seq += 1
            rows.append((feed, entry_id, self._seq))
        self._db.executemany("INSERT OR REPLACE INTO seen (feed, entry_id, seq) VALUES (?, ?, ?)", rows)
        self._db.executemany(
            "DELETE FROM in_flight WHERE source = ? AND entry_id = ?", [(feed, i) for i in ids]
        )
        self._db.execute(
            "DELETE FROM seen WHERE feed = ? AND seq < (SELECT seq FROM seen WHERE feed = ?"
            " ORDER BY seq DESC LIMIT 1 OFFSET ?)",
            (feed, feed, self.seen_per_feed - 1),
        )

    def note_in_flight(self, source: str, keyed_ids: Iterable[tuple[str, bytes]], sent_at: float) -> None:
        """Record (entry id, Kafka key) pairs about to be sent: a crash leaves them to be looked up."""
        rows = [(source, entry_id, key, sent_at) for entry_id, key in keyed_ids]
        if not rows:
            return
        with self._writing():
            self._db.executemany(
                "INSERT OR REPLACE INTO in_flight (source, entry_id, key, sent_at) VALUES (?, ?, ?, ?)", rows
            )

    def in_flight(self) -> list[InFlight]:
        """Everything sent but not recorded as produced (left by a crash or an unfinished stop)."""
        with self._lock:
            rows = self._db.execute("SELECT source, entry_id, key, sent_at FROM in_flight").fetchall()
        return [InFlight(source, entry_id, bytes(key), sent_at) for source, entry_id, key, sent_at in rows]

    def settle_in_flight(self, found: Iterable[InFlight]) -> int:
        """Record the in-flight entries found on the topic as produced; forget the rest (they are re-sent).

        Returns how many were recorded: a spool file only partly found is re-sent whole, so not counted.
        """
        by_source: dict[str, list[str]] = {}
        for item in found:
            by_source.setdefault(item.source, []).append(item.entry_id)
        recorded = 0
        with self._writing():
            self._db.execute("BEGIN")
            try:
                for source, ids in by_source.items():
                    if not source.startswith(SPOOL_SOURCE):
                        self._mark_seen(source, ids)
                        recorded += len(set(ids))
                        continue
                    # A spool file counts as produced only if every one of its articles is on the topic.
                    (sent,) = self._db.execute(
                        "SELECT COUNT(*) FROM in_flight WHERE source = ?", (source,)
                    ).fetchone()
                    if sent == len(set(ids)):
                        self._db.execute(
                            "INSERT OR REPLACE INTO spool_done (digest, name) VALUES (?, ?)",
                            (source.removeprefix(SPOOL_SOURCE), "(found on the topic after a crash)"),
                        )
                        recorded += len(set(ids))
                self._db.execute("DELETE FROM in_flight")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return recorded

    def spool_is_done(self, digest: str) -> bool:
        """Whether a spool file with this content digest was already produced."""
        with self._lock:
            row = self._db.execute("SELECT 1 FROM spool_done WHERE digest = ?", (digest,)).fetchone()
        return row is not None

    def mark_spool_done(self, digest: str, name: str) -> None:
        """Record a spool file as produced (before it is moved to done/); its articles leave in_flight."""
        with self._writing():
            self._db.execute("BEGIN")
            try:
                self._db.execute(
                    "INSERT OR REPLACE INTO spool_done (digest, name) VALUES (?, ?)", (digest, name)
                )
                self._db.execute("DELETE FROM in_flight WHERE source = ?", (SPOOL_SOURCE + digest,))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def forget_spool(self, digest: str) -> None:
        """Drop the record once the file is safely in done/ (a later re-drop is produced again)."""
        with self._writing():
            self._db.execute("DELETE FROM spool_done WHERE digest = ?", (digest,))

    def close(self) -> None:
        """Close the database; further calls fail."""
        with self._lock:
            self._db.close()

"""The spool folder as untrusted ground: which entries are ready, how a file is opened, where it moves.

Only regular files owned by the spool folder's owner are read, opened with ``O_NOFOLLOW`` (a symlink
such as ``s.txt -> /etc/shadow`` is refused, never followed) and checked with ``fstat`` on the open
descriptor, so nothing can be swapped in between the check and the read. The size is checked before a
byte is read. A file is ready only once its size and mtime were seen unchanged for ``settle_seconds``
(the file's own mtime is not trusted: copies keep old mtimes). Names reach logs escaped.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from streams.errors import ParseError

SIDECAR_SUFFIX = ".meta.json"
SKIP_SUFFIXES = {".tmp", ".part", ".partial", ".swp", ".crdownload"}
MAX_SPOOL_FILE_BYTES = 50 * 1024 * 1024
MAX_SIDECAR_BYTES = 1024 * 1024
# A JSON-lines file whose last line is cut off waits this long unchanged before that line counts as bad.
INCOMPLETE_LINE_WAIT_SECONDS = 60.0


class SpoolFileError(ParseError):
    """A spool file that cannot become articles; ``reason`` is the metric label, the message says why."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def shown(name: str) -> str:
    """A file name safe for one log line: control characters and undecodable bytes escaped."""
    out = []
    for char in name:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # a byte os.fsdecode could not decode (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif char == "\\":
            out.append("\\\\")
        elif not char.isprintable() or 0xD800 <= code <= 0xDFFF:
            out.append(char.encode("unicode_escape").decode("ascii"))
        else:
            out.append(char)
    return "".join(out)


def check_name(name: str) -> None:
    """Refuse names that are not valid UTF-8: they cannot become a URL, a key or JSON."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise SpoolFileError(f"file name {shown(name)} is not valid UTF-8", "bad_name") from exc


def content_digest(name: str, raw: bytes) -> str:
    """Name and content digest: identifies a file already produced but not yet moved."""
    digest = hashlib.sha256(os.fsencode(name) + b"\x00")
    digest.update(raw)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Signature:
    """What must stay the same while a file settles: identity, size and modification time."""

    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, info: os.stat_result) -> Signature:
        return cls(info.st_ino, info.st_size, info.st_mtime_ns)


def read_regular(path: Path, *, owner: int | None, max_bytes: int) -> tuple[bytes, Signature]:
    """The bytes of a regular file, opened without following links; SpoolFileError for anything else.

    ``owner`` (a uid) is required of the file when given. Nothing is read from a file larger than
    ``max_bytes``, and a file that grows past it while being read is refused too.
    """
    name = shown(path.name)
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise  # vanished: nothing to move, nothing to report
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise SpoolFileError(f"{name} is a symbolic link (never followed)", "not_regular_file") from exc
        raise SpoolFileError(f"cannot open {name}: {exc.strerror}", "unreadable") from exc
    with os.fdopen(fd, "rb", buffering=0) as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SpoolFileError(f"{name} is not a regular file", "not_regular_file")
        if owner is not None and info.st_uid != owner:
            raise SpoolFileError(
                f"{name} belongs to uid {info.st_uid}, not to the spool's owner (uid {owner})",
                "foreign_owner",
            )
        if info.st_size > max_bytes:
            raise SpoolFileError(f"{name} has {info.st_size} bytes, more than {max_bytes}", "too_large")
        chunks = []
        total = 0
        while True:
            chunk = handle.read(min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise SpoolFileError(f"{name} grew past {max_bytes} bytes while read", "too_large")
        return b"".join(chunks), Signature.of(os.fstat(fd))


class SpoolFolder:
    """The folder layout: incoming files at the top, ``done/`` and ``failed/`` beside them."""

    def __init__(self, root: str | Path, settle_seconds: float = 0.5) -> None:
        self.root = Path(root)
        self.done = self.root / "done"
        self.failed = self.root / "failed"
        self.settle_seconds = settle_seconds
        self.incomplete_wait_seconds = max(INCOMPLETE_LINE_WAIT_SECONDS, settle_seconds)
        self._watch: dict[str, tuple[Signature, float]] = {}  # name -> (signature, first seen, monotonic)

    def ensure(self) -> None:
        """Create the folders."""
        for folder in (self.root, self.done, self.failed):
            folder.mkdir(parents=True, exist_ok=True)

    def owner(self) -> int:
        """The uid every spool file must belong to: the spool folder's owner."""
        return os.stat(self.root).st_uid

    def pending(self) -> Iterator[Path]:
        """Entries ready to process, oldest first: files (and links, FIFOs, ... that go to failed/) whose
        size and mtime were unchanged for ``settle_seconds``. Sidecars, hidden and partial files wait."""
        now = time.monotonic()
        ready: list[tuple[int, str, Path]] = []
        present: set[str] = set()
        try:
            entries = list(os.scandir(self.root))
        except FileNotFoundError:
            return
        for entry in entries:
            name = entry.name
            if (
                name.startswith(".")
                or name.endswith(SIDECAR_SUFFIX)
                or Path(name).suffix.lower() in SKIP_SUFFIXES
            ):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue  # vanished between the listing and the stat
            if stat.S_ISDIR(info.st_mode):
                continue
            present.add(name)
            signature = Signature.of(info)
            seen = self._watch.get(name)
            if seen is None or seen[0] != signature:
                self._watch[name] = (signature, now)
                if self.settle_seconds > 0:
                    continue
            elif now - seen[1] < self.settle_seconds:
                continue
            ready.append((info.st_mtime_ns, name, Path(entry.path)))
        for name in set(self._watch) - present:
            del self._watch[name]
        ready.sort()
        for _mtime, _name, path in ready:
            yield path

    def stable_for(self, path: Path) -> float:
        """Seconds the file has been seen unchanged (0 if not watched)."""
        seen = self._watch.get(path.name)
        return 0.0 if seen is None else time.monotonic() - seen[1]

    def unchanged(self, path: Path, signature: Signature) -> bool:
        """Whether the file is still the one that was read (not appended to or replaced since)."""
        try:
            return Signature.of(os.lstat(path)) == signature
        except OSError:
            return False

    def forget(self, path: Path) -> None:
        """Start its settle time again (it changed while read)."""
        self._watch.pop(path.name, None)

    def _move(self, path: Path, folder: Path) -> Path:
        target = folder / path.name
        if os.path.lexists(target):
            target = folder / f"{path.stem}.{int(time.time() * 1000)}{path.suffix}"
        sidecar = sidecar_for(path)
        shutil.move(str(path), str(target))  # a rename: links are moved, never followed
        if sidecar is not None:
            shutil.move(str(sidecar), str(folder / (target.name + SIDECAR_SUFFIX)))
        self._watch.pop(path.name, None)
        return target

    def mark_done(self, path: Path) -> Path:
        """Move a produced file (and its sidecar) into done/."""
        return self._move(path, self.done)

    def mark_failed(self, path: Path, reason: str) -> Path:
        """Move an unusable file into failed/ with ``<name>.error.txt`` saying why."""
        target = self._move(path, self.failed)
        note = target.with_name(target.name + ".error.txt")
        note.write_text(reason + "\n", encoding="utf-8", errors="backslashreplace")
        return target


def sidecar_for(path: Path) -> Path | None:
    """``<file>.meta.json`` (or ``<stem>.meta.json``) beside a spool file, if present (links included:
    reading one is refused, so the file fails instead of silently losing its metadata)."""
    for candidate in (path.with_name(path.name + SIDECAR_SUFFIX), path.with_name(path.stem + SIDECAR_SUFFIX)):
        if candidate != path and os.path.lexists(candidate) and not candidate.is_dir():
            return candidate
    return None

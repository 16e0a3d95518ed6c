"""Replay every kept input under corpus/<target>/ (crashers found by fuzzing, and hand-written seeds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzz.targets import CORPUS, TARGETS, run_target


def _cases() -> list[tuple[str, Path]]:
    cases = []
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        for path in sorted(folder.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                cases.append((folder.name, path))
    return cases


def test_corpus_folders_name_known_targets() -> None:
    unknown = {p.name for p in CORPUS.iterdir() if p.is_dir()} - set(TARGETS)
    assert not unknown, f"corpus folders without a target: {sorted(unknown)}"


@pytest.mark.parametrize(("target", "path"), _cases(), ids=lambda v: v.name if isinstance(v, Path) else v)
def test_replay(target: str, path: Path) -> None:
    run_target(target, path.read_bytes())

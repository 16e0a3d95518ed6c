"""``make bench`` runs every bench in quick mode: each accepts the Makefile's flags, and the loop runs.

Issue 17: the loop stopped at once (``alert_latency_bench.py: error: unrecognized arguments: --quick``).
The Makefile is read, not copied, so a new bench or a new flag is checked as ``make bench`` will call it.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
STAMP = ".venv/.installed"  # `make -o` keeps make from rebuilding the shared venv


def _bench_loop() -> tuple[str, list[str]]:
    """(the default BENCHES glob, the flags the loop passes to each bench) from the Makefile."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    glob = re.search(r"^BENCHES \?= (\S+)$", makefile, re.M)
    loop = re.search(
        r"^\t@for b in \$\(BENCHES\); do .*?\$\(BIN\)/python \$\$b ([^|]*?) \|\| exit 1", makefile, re.M
    )
    assert glob and loop, "the bench target's loop changed shape; update this test"
    return glob.group(1), shlex.split(loop.group(1))


class _Parsed(Exception):
    """Raised once a bench's arguments parsed, so the bench itself does not run."""


def _parse_only(monkeypatch: pytest.MonkeyPatch) -> None:
    original = argparse.ArgumentParser.parse_args

    def parse_then_stop(self: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> Any:
        original(self, *args, **kwargs)  # exits 2 on an unrecognized argument, as the bench would
        raise _Parsed

    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", parse_then_stop)


BENCH_GLOB, BENCH_FLAGS = _bench_loop()
BENCHES = sorted(REPO.glob(BENCH_GLOB))


def test_the_loop_finds_the_benches() -> None:
    assert "--quick" in BENCH_FLAGS
    assert {p.name for p in BENCHES} >= {"alert_latency_bench.py", "detect_bench.py", "dedupe_bench.py"}


@pytest.mark.parametrize("script", BENCHES, ids=lambda p: p.name)
def test_every_bench_accepts_the_flags_make_passes(
    script: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = importlib.util.spec_from_file_location(f"bench_{script.stem}", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up there
    monkeypatch.setattr(sys, "argv", [str(script), *BENCH_FLAGS])
    monkeypatch.syspath_prepend(str(REPO))
    spec.loader.exec_module(module)
    _parse_only(monkeypatch)
    try:
        with pytest.raises(_Parsed):
            module.main()
    except SystemExit as exc:  # argparse's error exit
        pytest.fail(f"{script.name} {' '.join(BENCH_FLAGS)}: exit {exc.code}: {capsys.readouterr().err}")


@pytest.mark.slow
def test_make_bench_runs_the_quick_benches_to_the_end() -> None:
    """The real loop through make, on the benches that need neither Kafka nor a corpus download."""
    chosen = ["bench/alert_latency_bench.py", "bench/detect_bench.py"]
    result = subprocess.run(
        ["make", "--no-print-directory", "-o", STAMP, "bench", f"BENCHES={' '.join(chosen)}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    for name in chosen:
        assert f"== {name}" in result.stdout
    assert "received" in result.stdout and "none lost" in result.stdout  # alert latency's table
    assert "realistic mix (detect)" in result.stdout  # detection's table

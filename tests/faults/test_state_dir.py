"""An unwritable or full state folder: the process says clearly what is wrong and stops, losing nothing.

"Unwritable" is a path that cannot be a folder (a regular file is in the way): the tests run as root,
for whom permission bits do not stop writes. "Full" is a small tmpfs mounted for the test (needs root and
mount; skipped otherwise) that fills up while the process runs.
"""

from __future__ import annotations

import contextlib
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.topics import ARTICLES_RAW
from tests.faults.helpers import article_counts, call_article, report, write_spool_file
from tests.integration.kafka_io import read_all
from tests.pipeline_harness import Pipeline, wait_for

pytestmark = pytest.mark.integration

EXIT_WITHIN_SECONDS = 60


def _exit_code(pipe: Pipeline, name: str, within: float = EXIT_WITHIN_SECONDS) -> int | None:
    process = pipe.processes[name]
    try:
        return process.wait(timeout=within)
    except subprocess.TimeoutExpired:
        return None


def _blocked_path(tmp_path: Path) -> Path:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a regular file where a state folder should be\n")
    return blocker / "state"


@pytest.mark.parametrize(
    ("process", "section", "key"),
    [
        ("worker", "worker", "data_dir"),
        ("worker", "alerts", "state_dir"),
        ("connectors", "connectors", "state_dir"),
    ],
    ids=["worker-data_dir", "alerts-state_dir", "connectors-state_dir"],
)
def test_unwritable_state_dir_is_a_clear_error_and_a_clean_stop(
    tmp_path: Path, kafka_bootstrap: str, topic_prefix: str, process: str, section: str, key: str
) -> None:
    bad = _blocked_path(tmp_path)
    pipe = Pipeline(tmp_path / "run", kafka_bootstrap, topic_prefix, overrides={section: {key: str(bad)}})
    started = time.monotonic()
    try:
        pipe.start(process)
        code = _exit_code(pipe, process)
    finally:
        pipe.stop_all()
    log = pipe.log_text(process)
    report(
        f"unwritable-{section}.{key}",
        exit_code=code,
        seconds=round(time.monotonic() - started, 1),
        names_path=str(bad.parent) in log,
        traceback="Traceback (most recent call last)" in log,
    )
    assert code is not None, f"{process} kept running with an unusable {section}.{key}:\n{log[-3000:]}"
    assert code != 0, f"{process} exited 0 although its {section}.{key} is unusable"
    assert str(bad.parent) in log, f"the error does not name the path:\n{log[-3000:]}"
    last_line = log.strip().splitlines()[-1]
    assert last_line.startswith("newswatch: error:") and str(bad.parent) in last_line, (
        f"{process} does not end with one clear error line naming the path:\n{log[-3000:]}"
    )
    assert "Traceback (most recent call last)" not in log, f"a crash, not a clear error:\n{log[-3000:]}"


@contextlib.contextmanager
def _tiny_tmpfs(where: Path, size: str = "2m") -> Iterator[Path]:
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _fill(folder: Path) -> None:
    with contextlib.suppress(OSError), (folder / "filler").open("wb") as handle:
        while True:
            handle.write(b"\0" * 65536)
            handle.flush()


def test_connector_state_disk_full_stops_cleanly_and_loses_nothing(
    tmp_path: Path, kafka_bootstrap: str, topic_prefix: str
) -> None:
    """The connector's state disk fills up mid-run: no article may be lost or produced over and over."""
    with _tiny_tmpfs(tmp_path / "statefs") as statefs:
        pipe = Pipeline(
            tmp_path / "run",
            kafka_bootstrap,
            topic_prefix,
            overrides={"connectors": {"state_dir": str(statefs)}},
        )
        first = [call_article(n) for n in range(10)]
        second = [call_article(n) for n in range(10, 20)]
        started = time.monotonic()
        try:
            pipe.start("connectors")
            for article in first:
                write_spool_file(pipe.spool, article)
            wait_for(
                lambda: pipe.assert_running() or len(list((pipe.spool / "done").glob("*.txt"))) == len(first),
                60,
                "the first files produced",
            )
            _fill(statefs)
            for article in second:
                write_spool_file(pipe.spool, article)
            code = _exit_code(pipe, "connectors", within=20)
        finally:
            pipe.stop_all()
        values = read_all(kafka_bootstrap, f"{topic_prefix}{ARTICLES_RAW}", timeout=20)
        counts, _bad = article_counts(values)
        log = pipe.log_text("connectors")
        in_spool = {p.stem for p in pipe.spool.glob("*.txt")}
        in_done = {p.stem for p in (pipe.spool / "done").glob("*.txt")}
        expected = {a.id for a in first + second}
        accounted = set(counts) | in_spool
        report(
            "disk-full-connector-state",
            articles_expected=len(expected),
            articles_on_kafka=sum(counts.values()),
            distinct_on_kafka=len(counts),
            max_copies=max(counts.values(), default=0),
            still_in_spool=len(in_spool),
            in_done=len(in_done),
            unaccounted=len(expected - accounted),
            exit_code=code,
            seconds=round(time.monotonic() - started, 1),
            says_disk_full="full" in log.lower(),
        )
        # Nothing lost: every article is on Kafka or still waiting in the spool folder for a restart.
        assert expected <= accounted
        # Nothing produced over and over while the state cannot be written.
        assert max(counts.values(), default=0) <= 2, (
            f"articles re-produced in a loop: {counts.most_common(3)}"
        )
        # A clear error and a clean stop.
        assert "full" in log.lower(), f"no clear 'disk full' error in the log:\n{log[-3000:]}"
        assert code is not None and code != 0, (
            f"the connector kept running on a full state disk:\n{log[-3000:]}"
        )

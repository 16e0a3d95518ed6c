"""Replay: re-run detection over the stored articles (``articles.unique``) without re-alerting.

``core`` is the pure part (selection, detection, report building), ``broker`` the Kafka shell and
``cli`` the ``newswatch replay`` command. See docs/replay.md.
"""

from streams.replay.core import Replayer, ReplayStats, Step, TimeRange, duplicate_reports, report_record

__all__ = ["ReplayStats", "Replayer", "Step", "TimeRange", "duplicate_reports", "report_record"]

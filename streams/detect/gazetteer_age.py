"""How stale the leaders data in use is: a gauge read at scrape time and a warning at start-up.

An unended term keeps answering with its holder for ever, so a gazetteer that nobody refreshed is wrong
silently; the age makes it loud (``newswatch_gazetteer_age_days``, alert ``NewswatchGazetteerStale``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime

from streams.detect import metrics
from streams.detect.gazetteer import Gazetteer

log = logging.getLogger(__name__)

#: Days after which the data counts as stale (the Prometheus rule uses the same threshold).
STALE_AFTER_DAYS = 45


def _today() -> date:
    return datetime.now(UTC).date()


def gazetteer_age_days(as_of: date, today: date) -> int:
    """Whole days from ``as_of`` to ``today`` (0 when the data claims a later date)."""
    return max(0, (today - as_of).days)


def watch_gazetteer_age(gazetteer: Gazetteer, clock: Callable[[], date] = _today) -> int:
    """Publish the data's age as a gauge computed at each scrape, warn when stale; returns today's age."""
    as_of = gazetteer.newest_as_of
    metrics.GAZETTEER_AGE.set_function(lambda: float(gazetteer_age_days(as_of, clock())))
    age = gazetteer_age_days(as_of, clock())
    if age > STALE_AFTER_DAYS:
        log.warning(
            "the leaders gazetteer is %d days old (as_of %s): leaders who took office since then are "
            "unknown and roles resolve to their predecessors; refresh it with 'newswatch gazetteer update "
            "--out FILE' and point detect.gazetteer_path at FILE",
            age,
            as_of.isoformat(),
        )
    return age

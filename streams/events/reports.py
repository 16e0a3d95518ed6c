"""Event reports carried over to a duplicate article, so the merge stage counts its source."""

from __future__ import annotations

from collections.abc import Sequence

from streams.events.source import report_source
from streams.records import Article, Event, Evidence


def duplicate_reports(reports: Sequence[Event], duplicate: Article) -> list[Event]:
    """The original's event reports, re-issued with the duplicate article as their evidence.

    A syndicated copy (another outlet printing the same wire text) is not an independent source: its
    reports keep the original's sources and add the duplicate's site to ``outlets`` only.
    """
    source = report_source(duplicate)
    copy = duplicate.syndicated_from is not None
    result = []
    for report in reports:
        evidence = tuple(
            Evidence(
                article_id=duplicate.id,
                url=duplicate.url,
                sentence=e.sentence,
                source=source,
                published=duplicate.published,
                rule=e.rule,
            )
            for e in report.evidence[:1]
        )
        result.append(
            report.replace(
                evidence=evidence,
                sources=report.sources if copy else (source,) if source else (),
                outlets=(*report.outlets, source) if copy and source else (),
                first_reported=duplicate.published,
                last_reported=duplicate.published,
            )
        )
    return result


def copy_reports(reports: Sequence[Event], copy: Article, sources: Sequence[str]) -> list[Event]:
    """A syndicated copy's own reports (events its original's reports lack), credited as its re-issued ones:
    the wire story's ``sources`` (what its original's reports carry), the copy's site in ``outlets`` only."""
    site = report_source(copy)
    wire = tuple(sources)
    outlets = (*wire, site) if site else wire
    return [report.replace(sources=wire, outlets=outlets) for report in reports]

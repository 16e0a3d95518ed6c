"""Copies of one wire story are one source for an event; the outlets that printed it are listed (issue 22).

Before: a duplicate's re-issued report counted the duplicate's site as a new source, so two papers
printing one agency story made the event "confirmed by a second independent source".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alerts.payload import alert_payload, sources_text, template_fields
from alerts.sinks.slack import build_message
from streams.detect.engine import DetectionEngine
from streams.events.merge import merge_report
from streams.events.reports import duplicate_reports
from streams.records import Alert, Article, Event

WIRE = (
    "MOSCOW (Reuters) - Russian President Vladimir Putin held a telephone conversation with French "
    "President Emmanuel Macron on Saturday, the Kremlin said. They discussed the situation in the region."
)
OWN_REPORT = (
    "French President Emmanuel Macron spoke by phone with Russian President Vladimir Putin on Saturday, "
    "the Elysee said in a statement, adding that the two leaders agreed to stay in contact."
)
PUBLISHED = datetime(2020, 11, 7, 12, tzinfo=UTC)


def _article(article_id: str, site: str, text: str, minutes: int = 0) -> Article:
    return Article(
        id=article_id, url=f"https://{site}/{article_id}", title="", text=text,
        published=PUBLISHED + timedelta(minutes=minutes), source_site=site,
    )  # fmt: skip


def _wire_event() -> tuple[Event, Event]:
    """The event as first reported by the outlet that printed the wire story first, and that report."""
    original = _article("wire-a", "paper-a.example", WIRE)
    (report,) = DetectionEngine().detect(original).events
    return merge_report(None, report).event, report


def test_two_outlets_printing_one_wire_story_do_not_confirm_an_event() -> None:
    """Regression (issue 22): the second outlet's copy made the event 'confirmed' on one source."""
    event, report = _wire_event()
    copy = _article("wire-b", "paper-b.example", WIRE, 20).replace(
        duplicate_of="wire-a", syndicated_from="wire-a", agency="Reuters"
    )
    (reissued,) = duplicate_reports([report], copy)
    outcome = merge_report(event, reissued)
    assert outcome.reason == "new_report" and not outcome.should_alert
    assert outcome.event.sources == ("paper-a.example",)
    assert outcome.event.outlets == ("paper-a.example", "paper-b.example")
    assert {e.article_id for e in outcome.event.evidence} == {"wire-a", "wire-b"}


def test_a_truly_independent_second_report_confirms_it() -> None:
    event, report = _wire_event()
    copy = _article("wire-b", "paper-b.example", WIRE, 20).replace(
        duplicate_of="wire-a", syndicated_from="wire-a"
    )
    event = merge_report(event, duplicate_reports([report], copy)[0]).event
    independent = _article("own-c", "paper-c.example", OWN_REPORT, 40)
    (own,) = DetectionEngine().detect(independent).events
    outcome = merge_report(event, own)
    assert outcome.reason == "confirmed" and outcome.should_alert
    assert outcome.event.sources == ("paper-a.example", "paper-c.example")
    assert outcome.event.outlets == ("paper-a.example", "paper-b.example", "paper-c.example")


def test_a_duplicate_that_is_not_a_copy_of_other_text_still_counts_its_site() -> None:
    """Only a syndicated copy (``syndicated_from``) joins the original's source; other duplicates, as
    before, name their own site (the same URL seen again is the same site anyway)."""
    _, report = _wire_event()
    same_url = _article("wire-a2", "paper-b.example", WIRE, 20).replace(duplicate_of="wire-a")
    (reissued,) = duplicate_reports([report], same_url)
    assert reissued.sources == ("paper-b.example",)


def test_outlets_travel_with_the_event_and_show_in_alerts() -> None:
    event, report = _wire_event()
    for number, site in enumerate(("paper-b.example", "paper-d.example"), start=1):
        copy = _article(f"wire-{number}", site, WIRE, 10 * number).replace(
            duplicate_of="wire-a", syndicated_from="wire-a"
        )
        event = merge_report(event, duplicate_reports([report], copy)[0]).event
    assert Event.from_json(event.to_json()) == event
    alert = Alert(event, "first")
    data = alert_payload(alert)["data"]["event"]
    assert data["outlets"] == ["paper-a.example", "paper-b.example", "paper-d.example"]
    assert data["source_count"] == 1
    assert sources_text(alert) == "1 (3 outlets)"
    assert template_fields(alert)["outlets"] == "paper-a.example, paper-b.example, paper-d.example"
    fields = [field["text"] for block in build_message(alert)["blocks"] for field in block.get("fields", [])]
    assert any("1 (3 outlets)" in text for text in fields)


def test_an_event_without_copies_lists_its_sources_as_outlets() -> None:
    event, _ = _wire_event()
    assert event.outlets == event.sources == ("paper-a.example",)
    assert sources_text(Alert(event, "first")) == "1"
    assert Event.from_dict({"type": "leader_call", "date": "2020-11-07", "sources": ["x"]}).outlets == ("x",)

"""One event whatever the language: reports in Russian and Chinese merge by person ids, languages unite."""

from __future__ import annotations

from datetime import UTC, datetime

from streams.events.merge import merge_report
from streams.records import Event, Evidence, Participant

PUTIN = Participant("Vladimir Putin", "RUS", "president", "putin-vladimir", True)
XI = Participant("Xi Jinping", "CHN", "president", "xi-jinping", True)


def report(language: str, article: str, source: str, sentence: str, people=(PUTIN, XI)) -> Event:
    """A report as the detection engine builds it: its language, one untagged evidence sentence."""
    published = datetime(2022, 12, 30, 12, tzinfo=UTC)
    return Event(
        type="leader_call",
        date="2022-12-30",
        participants=people,
        language=language,
        evidence=(
            Evidence(article, f"https://{source}/{article}", sentence, source, published, "leader_call"),
        ),
        sources=(source,),
        first_reported=published,
        last_reported=published,
    )


RU = report("ru", "a1", "ria.example", "Путин и Си Цзиньпин провели видеоконференцию.")
# the same call, participants named in the other order by the Chinese report
ZH = report("zh", "a2", "xinhua.example", "习近平同俄罗斯总统普京举行视频会晤。", people=(XI, PUTIN))


def test_reports_in_two_languages_are_one_event_naming_both() -> None:
    assert RU.key == ZH.key  # person ids, not strings
    first = merge_report(None, RU)
    assert first.reason == "first" and first.event.reported_languages == ("ru",)
    second = merge_report(first.event, ZH)
    assert second.reason == "confirmed" and second.should_alert
    event = second.event
    assert event.languages == ("ru", "zh") and event.reported_languages == ("ru", "zh")
    assert [(e.language, e.sentence) for e in event.evidence] == [
        ("ru", RU.evidence[0].sentence),
        ("zh", ZH.evidence[0].sentence),
    ]
    assert event.summary == "leader call: Vladimir Putin – Xi Jinping, 2022-12-30, reported in ru, zh"


def test_a_language_alone_never_makes_an_alert() -> None:
    known = merge_report(merge_report(None, RU).event, ZH).event
    again = report("en", "a3", "ria.example", "Putin and Xi held a video call.")
    outcome = merge_report(known, again)
    assert outcome.reason == "new_report" and not outcome.should_alert
    assert outcome.event.reported_languages == ("en", "ru", "zh")


def test_languages_travel_on_the_wire_and_old_records_still_load() -> None:
    event = merge_report(merge_report(None, RU).event, ZH).event
    wire = event.to_dict()
    assert wire["languages"] == ["ru", "zh"] and wire["summary"].endswith("reported in ru, zh")
    assert Event.from_json(event.to_json()) == event
    old = RU.to_dict()
    for key in ("languages", "summary"):
        del old[key]
    del old["evidence"][0]["language"]
    loaded = Event.from_dict(old)
    assert loaded.languages == loaded.reported_languages == ("ru",)


def test_summary_of_an_event_without_people_or_language() -> None:
    event = Event(type="ceasefire_declared", date="2020-10-10", conflict="Nagorno-Karabakh")
    assert event.summary == "ceasefire declared: Nagorno-Karabakh, 2020-10-10, reported in unknown languages"

"""Discord embeds: links cut by whole lines, never inside one; no empty field (issue 17 item 8)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from alerts.sinks.discord import DESCRIPTION_LIMIT, build_message
from streams.records import Alert, Evidence
from tests.alerts.conftest import make_alert

LINK_LINE = re.compile(r"^• \[(?P<label>[^\n]*)\]\(<https://[^\s<>]+>\)$")


def _with_sources(alert: Alert, sources: list[tuple[str, str]]) -> Alert:
    evidence = tuple(
        Evidence(
            article_id=f"a{i}",
            url=url,
            sentence=f"report {i}",
            source=source,
            published=datetime(2026, 11, 20, 10, i, tzinfo=UTC),
            rule="leader_call",
        )
        for i, (source, url) in enumerate(sources)
    )
    event = alert.event.replace(evidence=evidence, sources=tuple(s for s, _ in sources))
    return Alert(event=event, reason=alert.reason)


def test_long_link_list_is_cut_between_lines() -> None:
    sources = [(f"news{i}.example", f"https://news{i}.example/{'p' * 700}/{i}") for i in range(10)]
    description = build_message(_with_sources(make_alert(), sources), max_links=10)["embeds"][0][
        "description"
    ]
    assert len(description) <= DESCRIPTION_LIMIT
    *links, last = description.split("\n")
    assert links and all(LINK_LINE.match(line) for line in links), links[-1][-40:]
    assert last == f"… and {10 - len(links)} more"


def test_a_link_too_long_for_the_embed_is_counted_not_cut() -> None:
    sources = [("huge.example", "https://huge.example/" + "q" * 5000)]
    description = build_message(_with_sources(make_alert(), sources))["embeds"][0]["description"]
    assert description == "… and 1 more"


def test_short_lists_are_whole() -> None:
    description = build_message(make_alert(sources=3))["embeds"][0]["description"]
    lines = description.split("\n")
    assert len(lines) == 3 and all(LINK_LINE.match(line) for line in lines)


def test_label_is_never_cut_inside_an_escape() -> None:
    """A source name whose 100th character is escaped: the label must not end in a lone backslash."""
    source = "a" * 99 + "_site"
    message = build_message(_with_sources(make_alert(), [(source, "https://x.example/1")]))
    description = message["embeds"][0]["description"]
    match = LINK_LINE.match(description)
    assert match is not None
    label = match.group("label")
    assert len(label) <= 100 and not re.search(r"(?<!\\)(\\\\)*\\$", label)


def test_an_alert_without_a_date_sends_no_empty_field() -> None:
    message = build_message(make_alert(date=""))
    fields = message["embeds"][0]["fields"]
    assert all(field["name"] and field["value"].strip() for field in fields)
    assert "Date" not in {field["name"] for field in fields}
    assert {field["name"] for field in build_message(make_alert())["embeds"][0]["fields"]} >= {"Date"}

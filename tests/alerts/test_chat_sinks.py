"""Slack, Discord, Teams and JSON-lines sinks against real receivers: shape, escaping, limits."""

from __future__ import annotations

import dataclasses
import re
import time
import unicodedata

import orjson

from alerts.deadletter import MemoryDeadLetters
from alerts.delivery_log import InMemoryDeliveryLog
from alerts.dispatch import Dispatcher
from alerts.sinks.discord import build_message as discord_message
from alerts.sinks.slack import build_message as slack_message
from alerts.sinks.teams import build_message as teams_message
from alerts.sinks.text import fit, slack_escape

EVIL = "<!channel> <!here> Putin & Xi <@U024BE7LH> talk <https://evil.example/x|click me> >_<"


def text_objects(node):
    """Every Block Kit text object in a message."""
    if isinstance(node, dict):
        if node.get("type") in ("plain_text", "mrkdwn") and isinstance(node.get("text"), str):
            yield node
        for value in node.values():
            yield from text_objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from text_objects(value)


def check_slack(message) -> list[str]:
    """Problems with a Slack message: shape, limits, and any '<' that is not one of our article links."""
    problems = []
    if not isinstance(message.get("text"), str) or not message["text"]:
        problems.append("no fallback text")
    blocks = message.get("blocks")
    if not isinstance(blocks, list) or not 0 < len(blocks) <= 50:
        problems.append("blocks missing or more than 50")
        return problems
    for block in blocks:
        if block.get("type") not in ("header", "section", "context", "divider", "actions"):
            problems.append(f"unknown block {block.get('type')}")
        if block.get("type") == "header" and len(block["text"]["text"]) > 150:
            problems.append("header over 150")
        if len(block.get("fields", [])) > 10:
            problems.append("more than 10 fields")
    texts = [message["text"]] + [t["text"] for t in text_objects(blocks)]
    for text in texts:
        if len(text) > 3000:
            problems.append("text object over 3000")
        for found in re.finditer(r"<([^>]*)>", text):
            if not re.match(r"https://news\d+\.example/[^|<>]*\|[^<>]*$", found.group(1)):
                problems.append(f"live control sequence {found.group(0)!r}")
        if "<!" in text or "<@" in text:
            problems.append("mention survived")
    return problems


async def deliver(make_settings, sink, alerts):
    settings = make_settings(sinks=[sink])
    dlq = MemoryDeadLetters()
    dispatcher = Dispatcher.from_settings(settings, delivery_log=InMemoryDeliveryLog(), dead_letter=dlq)
    await dispatcher.start()
    try:
        for alert in alerts:
            await dispatcher.submit(alert)
        await dispatcher.flush(20)
    finally:
        await dispatcher.close()
    return dlq


async def test_slack_receiver_gets_escaped_block_kit(make_settings, receiver, alert_factory):
    receiver.check = lambda got: (400, "invalid_blocks") if check_slack(got.json()) else None
    alert = alert_factory(EVIL)
    dlq = await deliver(make_settings, {"name": "slack", "type": "slack", "url": receiver.url}, [alert])
    assert not dlq.letters
    (got,) = receiver.requests
    message = got.json()
    assert check_slack(message) == []
    header = message["blocks"][0]["text"]["text"]
    assert header.startswith("&lt;!channel&gt; &lt;!here&gt; Putin &amp; Xi &lt;@U024BE7LH&gt;")
    fields = " ".join(f["text"] for f in message["blocks"][1]["fields"])
    assert "leader_call" in fields and "2026-11-20" in fields and "Vladimir Putin (RUS)" in fields
    assert "*Sources*\n2" in fields
    assert "<https://news0.example/story/0?a=1&amp;b=2|news0.example>" in got.body.decode()
    assert "&lt;!channel&gt;" in message["text"]


def test_slack_limits_hold_for_huge_input(alert_factory):
    alert = alert_factory(
        "<!channel>& " * 2000, sources=80, people=tuple((f"P{i}<>&", "RUS") for i in range(300))
    )
    message = slack_message(alert, max_links=80)
    assert check_slack(message) == []
    assert orjson.dumps(message).count(b"<!channel>") == 0


def test_fit_never_cuts_an_entity():
    text = fit("&" * 100, 50, slack_escape)
    assert len(text) <= 50 and text.endswith("…")
    assert text[:-1].replace("&amp;", "") == ""


async def test_slack_200_with_error_body_is_permanent(make_settings, receiver, alert_factory):
    receiver.default = (200, {}, "invalid_token")
    dlq = await deliver(
        make_settings, {"name": "slack", "type": "slack", "url": receiver.url}, [alert_factory()]
    )
    (letter,) = dlq.letters
    assert letter.attempts == 1 and "invalid_token" in letter.error


async def test_slack_rate_limit_queues_bursts(make_settings, receiver, alert_factory):
    sink = {"name": "slack", "type": "slack", "url": receiver.url, "rate_per_second": 5, "burst": 1}
    alerts = [alert_factory(f"headline {i}", date=f"2026-11-{10 + i}") for i in range(4)]
    t0 = time.monotonic()
    dlq = await deliver(make_settings, sink, alerts)
    assert not dlq.letters and len(receiver.requests) == 4  # none dropped
    assert receiver.requests[-1].at - t0 >= 3 * 0.2 - 0.05  # one token now, then one every 0.2 s


async def test_discord_disables_mentions_and_escapes(make_settings, receiver, alert_factory):
    dlq = await deliver(
        make_settings,
        {"name": "dc", "type": "discord", "url": receiver.url},
        [alert_factory("@everyone *x* [a](b)")],
    )
    assert not dlq.letters
    body = receiver.requests[0].json()
    assert body["allowed_mentions"] == {"parse": []}
    assert body["embeds"][0]["title"] == "\\@everyone \\*x\\* \\[a\\]\\(b\\)"
    assert len(body["content"]) <= 2000 and body["embeds"][0]["url"].startswith("https://news0.example/")


async def test_teams_adaptive_card(make_settings, receiver, alert_factory):
    dlq = await deliver(
        make_settings, {"name": "teams", "type": "teams", "url": receiver.url}, [alert_factory()]
    )
    assert not dlq.letters
    body = receiver.requests[0].json()
    card = body["attachments"][0]["content"]
    assert body["type"] == "message" and card["type"] == "AdaptiveCard"
    facts = {f["title"]: f["value"] for f in card["body"][1]["facts"]}
    assert facts["Event type"] == "leader\\_call" and facts["Sources"] == "2"
    assert card["actions"][0]["url"].startswith("https://news0.example/")


async def test_jsonl_file_sink_appends_payloads(make_settings, tmp_path, alert_factory):
    path = tmp_path / "out" / "alerts.jsonl"
    alerts = [alert_factory(date="2026-11-01"), alert_factory(date="2026-11-02")]
    dlq = await deliver(make_settings, {"name": "file", "type": "jsonl", "path": str(path)}, alerts)
    assert not dlq.letters
    rows = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    assert sorted(r["id"] for r in rows) == sorted(a.id for a in alerts)
    assert {r["data"]["event"]["date"] for r in rows} == {"2026-11-01", "2026-11-02"}
    assert rows[0]["specversion"] == "1.0"


async def test_console_sink_prints_template(make_settings, capsys, alert_factory):
    settings = make_settings(console=True)
    dispatcher = Dispatcher.from_settings(
        settings, delivery_log=InMemoryDeliveryLog(), dead_letter=MemoryDeadLetters()
    )
    await dispatcher.start()
    await dispatcher.submit(alert_factory("Headline\nwith newline"))
    await dispatcher.flush(5)
    await dispatcher.close()
    out = capsys.readouterr().out
    assert "Headline with newline" in out and "leader_call" in out


async def test_user_template_file(make_settings, receiver, tmp_path, alert_factory):
    template = tmp_path / "slack.txt"
    template.write_text("NEWS: $headline / $sources sources <!channel>")
    sink = {"name": "slack", "type": "slack", "url": receiver.url, "template_file": str(template)}
    await deliver(make_settings, sink, [alert_factory("Hi")])
    assert receiver.requests[0].json()["text"] == "NEWS: Hi / 2 sources &lt;!channel&gt;"


# -- reports in other scripts: Cyrillic, Arabic (right to left), Chinese -------------------------------

RU = "Владимир Путин провёл телефонный разговор с президентом Франции Эммануэлем Макроном."
ZH = "国家主席习近平同俄罗斯总统普京通电话。"
AR = "أجرى الرئيس الروسي فلاديمير بوتين اتصالًا هاتفيًا مع نظيره الفرنسي."
FSI, PDI = "\u2068", "\u2069"


def multilingual_alert(alert_factory, sentences=(("ru", RU), ("zh", ZH), ("ar", AR))):
    """An alert whose evidence is one report per language, as the merge stage tags them."""
    base = alert_factory("Путин и Макрон", sources=len(sentences))
    evidence = tuple(
        dataclasses.replace(e, sentence=sentence, language=language)
        for e, (language, sentence) in zip(base.event.evidence, sentences, strict=True)
    )
    event = base.event.replace(evidence=evidence, language=sentences[0][0])
    return dataclasses.replace(base, event=event)


def test_quotes_keep_each_language_and_isolate_right_to_left_text(alert_factory):
    message = slack_message(multilingual_alert(alert_factory))
    assert check_slack(message) == []
    fields = " ".join(f["text"] for f in message["blocks"][1]["fields"])
    assert "*Languages*\nar, ru, zh" in fields
    texts = [t["text"] for t in text_objects(message["blocks"])]
    (quoted,) = [t for t in texts if t.startswith("> ")]
    assert quoted.split("\n") == [f"> {RU} _(ru)_", f"> {ZH} _(zh)_", f"> {FSI}{AR}{PDI} _(ar)_"]
    assert any(
        t.startswith("*Summary* leader call: Vladimir Putin – Xi Jinping, 2026-11-20, reported in ar, ru, zh")
        for t in texts
    )


def test_a_cut_right_to_left_quote_stays_isolated_and_whole(alert_factory):
    vowelled = "أَجْرَى الرَّئِيسُ اتِّصَالًا " * 200  # every letter carries a vowel sign
    message = slack_message(multilingual_alert(alert_factory, (("ar", vowelled),)))
    assert check_slack(message) == []
    (quoted,) = [t["text"] for t in text_objects(message["blocks"]) if t["text"].startswith("> ")]
    body = quoted.removeprefix("> ").removesuffix(" _(ar)_")
    assert body.startswith(FSI) and body.endswith("…" + PDI) and body.count(FSI) == body.count(PDI) == 1
    kept = body[1:-2].rstrip()
    assert vowelled.startswith(kept) and not unicodedata.combining(vowelled[len(kept)])  # no letter split


def test_fit_never_splits_a_letter_from_its_marks_or_an_emoji_sequence():
    assert fit("بَ" * 10, 8) == "بَ" * 3 + "…"
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert fit("ab" + family, 5) == "ab…"  # never a dangling joiner


async def test_chat_sinks_deliver_every_script_as_utf8(make_settings, receiver, alert_factory):
    alert = multilingual_alert(alert_factory)
    for sink in ("slack", "discord", "teams", "webhook"):
        receiver.requests.clear()
        dlq = await deliver(make_settings, {"name": sink, "type": sink, "url": receiver.url}, [alert])
        assert not dlq.letters, sink
        (got,) = receiver.requests
        assert got.headers["Content-Type"].startswith("application/json")
        # the characters themselves travel, not \u escapes
        for text in ("Владимир Путин", "习近平同俄罗斯总统普京通电话", "فلاديمير بوتين"):
            assert text.encode("utf-8") in got.body, (sink, text)
        assert b"\\u04" not in got.body and b"\\u06" not in got.body
    payload = receiver.requests[0].json()["data"]["event"]
    assert payload["languages"] == ["ar", "ru", "zh"]
    assert (
        payload["summary"] == "leader call: Vladimir Putin – Xi Jinping, 2026-11-20, reported in ar, ru, zh"
    )
    assert [e["language"] for e in payload["evidence"]] == ["ru", "zh", "ar"]
    assert [e["sentence"] for e in payload["evidence"]] == [RU, ZH, AR]


def test_discord_and_teams_name_the_languages_and_quote_each(alert_factory):
    alert = multilingual_alert(alert_factory)
    fields = {f["name"]: f["value"] for f in discord_message(alert)["embeds"][0]["fields"]}
    assert fields["Languages"] == "ar, ru, zh"
    assert fields["Report (ru)"] == RU  # nothing to escape in the sentence
    assert fields["Report (zh)"] == ZH and fields["Report (ar)"] == FSI + AR + PDI
    card = teams_message(alert)["attachments"][0]["content"]
    facts = {f["title"]: f["value"] for f in card["body"][1]["facts"]}
    assert facts["Languages"] == "ar, ru, zh"
    blocks = [b["text"] for b in card["body"][2:5]]
    assert blocks == [f"{RU} (ru)", f"{ZH} (zh)", f"{FSI}{AR}{PDI} (ar)"]

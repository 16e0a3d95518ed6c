# ruff: noqa: E501  (text fixtures: long sentences as an outlet prints them)
"""Syndicated copies: the shared-sentence check, agency credits and what a copy carries (issue 22)."""

from __future__ import annotations

import argparse
from array import array
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import orjson
import pytest

from streams.dedupe import cli
from streams.dedupe.agencies import agency
from streams.dedupe.index import DedupeIndex
from streams.dedupe.passage_index import (
    LOOKUP_KEYS,
    PassageIndex,
    anchor_keys,
    code_containment,
    code_set,
    filed_anchors,
    key_containment,
    sample_keys,
    sample_keys_of,
    sampled_of,
)
from streams.dedupe.passages import Shared, passages, shared
from streams.dedupe.verify import shingle_code
from streams.records import Article
from streams.settings.dedupe import DedupeSettings

WIRE = [
    "BEIRUT (AFP) - Rescue teams pulled eleven survivors from the rubble of a collapsed apartment block in the "
    "northern port city on Tuesday, the civil defence agency said.",
    "The six-storey building gave way shortly after dawn while most of its residents were still asleep, "
    "according to a preliminary report seen by reporters at the scene.",
    "Firefighters worked through the morning with cranes and bare hands to reach families trapped in the "
    "basement, where a bakery had stored its flour and fuel.",
    "Municipal engineers had warned the owners in two letters last year that cracks in the supporting walls "
    "were widening after the winter floods.",
    "Hospitals in the city treated twenty-three people for injuries and dust inhalation, and four of them "
    "remained in intensive care by the evening.",
    "The governor ordered an inquiry into the permits granted for two extra floors that were added to the "
    "building in 2019 without a new structural survey.",
    "Residents of neighbouring blocks were asked to leave their homes until inspectors could check the "
    "foundations of the whole street.",
    "It was the third building collapse in the region this year, after heavy rain weakened several older "
    "structures along the seafront.",
]
# A second outlet: a local intro, a rewritten lead, one paragraph cut, two reordered, house-style word edits.
COPY = [
    "Our correspondent in the north sends this report on the morning's disaster.",
    "Eleven people were rescued alive on Tuesday when an apartment block collapsed in the northern port city.",
    "The six storey building collapsed shortly after dawn while most of its residents were still asleep, "
    "according to a preliminary report seen by journalists at the scene.",
    "Municipal engineers had warned the owners in two letters last year that cracks in the supporting walls "
    "were growing after the winter floods.",
    "Firefighters worked through the morning with cranes and their bare hands to reach families trapped in "
    "the basement, where a bakery had stored its flour and fuel.",
    "Hospitals in the city treated 23 people for injuries and dust inhalation, and four of them remained in "
    "intensive care by the evening.",
    "The governor ordered an investigation into the permits granted for two extra floors that were added to "
    "the building in 2019 without a new structural survey.",
]
STATEMENT = [
    "The civil defence agency said its teams had pulled eleven survivors from the rubble of the building on "
    "Tuesday morning and were still searching for two missing residents.",
    "It urged residents of the neighbouring blocks to follow the instructions of the rescue teams and to keep "
    "the access roads clear for ambulances and heavy machinery.",
]
# Another outlet's own report that carries the statement above in full, further down.
REPORT = [
    "Anger grew on Tuesday in the northern port city, where residents blamed the municipality for ignoring "
    "years of warnings about the old buildings on the seafront.",
    "Shopkeepers closed their stores in protest and gathered outside the town hall, demanding the resignation "
    "of the official in charge of building permits.",
    "Several speakers said they had filed complaints about cracks in their own homes and had never received "
    "an answer from the inspectors.",
    "Opposition councillors called for an emergency session and an independent audit of every permit issued "
    "over the past decade in the district.",
    *STATEMENT,
    "The protest ended peacefully in the afternoon, but organisers promised to return every day until the "
    "inquiry reports its findings.",
]
T0 = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)


def _article(article_id: str, paragraphs: list[str], minutes: int = 0, site: str = "") -> Article:
    return Article(
        id=article_id, url=f"https://{site or article_id}.example/story", title="Building collapse",
        text="\n\n".join(paragraphs), published=T0 + timedelta(minutes=minutes), source_site=site,
    )  # fmt: skip


def test_an_edited_copy_shares_most_sentences_of_the_shorter_text() -> None:
    evidence = shared(passages("\n\n".join(WIRE)), passages("\n\n".join(COPY)))
    assert evidence.is_copy(0.5) and evidence.share >= 0.7 and evidence.sentences >= 4


def test_dedupe_merges_an_edited_wire_copy_the_shingle_check_misses() -> None:
    """Regression (issue 22): before the sentence check the copy was kept as a second, unique article."""
    wire, copy = _article("wire", WIRE, site="paper-a"), _article("copy", COPY, 30, site="paper-b")
    shingles_only = DedupeIndex(DedupeSettings(passage_cache_size=0), observe=False)
    assert [d.outcome for d in shingles_only.check_and_add_batch([wire, copy], now=T0)] == [
        "unique",
        "unique",
    ]
    index = DedupeIndex(DedupeSettings(passage_cache_size=20_000), observe=False)
    first, second = index.check_and_add_batch([wire, copy], now=T0)
    assert first.outcome == "unique"
    assert second.outcome == "near" and second.method == "sentences" and second.duplicate_of == "wire"
    assert second.syndicated_from == "wire" and second.agency == "AFP"
    assert second.shared_sentences is not None and second.shared_sentences >= 0.5
    # the same pair one article per call decides the same
    single = DedupeIndex(DedupeSettings(passage_cache_size=20_000), observe=False)
    assert [single.check_and_add(wire, T0), single.check_and_add(copy, T0)] == [first, second]


def test_a_report_that_carries_a_statement_is_not_a_copy_of_the_statement() -> None:
    statement, report = _article("statement", STATEMENT), _article("report", REPORT, 20)
    evidence = shared(passages(statement.text), passages(report.text))
    assert evidence.share == 1.0 and not evidence.lead and not evidence.is_copy(0.5)
    # the same statement as the other report's lead would be a truncated copy
    lead_first = _article("lead", [*STATEMENT, *REPORT[:4]], 20)
    assert shared(passages(statement.text), passages(lead_first.text)).is_copy(0.5)


def test_shared_quotations_are_not_copy_evidence() -> None:
    quote = (
        '"We will rebuild every home that was lost and we will find out who allowed this to happen," the '
        "governor said."
    )
    one = f"{quote}\n\nThe first outlet described the rescue at length and the people who led it on the day."
    two = f"{quote}\n\nA second outlet wrote its own account of the funerals held in the city on Wednesday."
    a, b = passages(one), passages(two)
    assert a.quoted == 1 and b.quoted == 1
    assert shared(a, b).sentences == 0


def test_chinese_and_arabic_copies_are_measured() -> None:
    chinese = "新华社北京3月3日电 国家统计局今天发布数据显示，今年前两个月全国规模以上工业增加值同比增长百分之五点二。其中制造业增长百分之五点八，高技术制造业增长百分之七点一。专家表示，工业生产总体保持稳定，市场需求逐步恢复。"
    copy = "国家统计局今天发布的数据显示，今年前两个月全国规模以上工业增加值同比增长百分之五点二。其中制造业增长百分之五点八，高技术制造业增长百分之七点一。专家认为，工业生产总体保持稳定，市场需求正在逐步恢复。"
    found = passages(chinese)
    assert not found.spaced and len(found.sentences) == 3
    assert shared(found, passages(copy)).is_copy(0.5)
    assert agency(chinese) == "Xinhua"
    arabic = (
        "الرياض 26 شوال 1436 هـ الموافق 11 أغسطس 2015 م واس اجتمع معالي الأمين العام لمجلس التعاون "
        "اليوم بسفير المملكة المتحدة لدى المملكة وبحث معه العلاقات بين المجلس والمملكة المتحدة. "
        "وتناول الاجتماع سبل تعزيز التعاون في المجالات الاقتصادية والأمنية والثقافية بين الجانبين."
    )
    edited = (
        "اجتمع معالي الأمين العام لمجلس التعاون اليوم بسفير المملكة المتحدة لدى المملكة، وبحث معه العلاقات "
        "بين المجلس والمملكة المتحدة. وتناول الإجتماع سبل تعزيز التعاون فى المجالات الاقتصادية والامنية "
        "والثقافية بين الجانبين."
    )
    assert agency(arabic) == "SPA" and agency(edited) is None
    assert shared(passages(arabic), passages(edited)).share >= 0.9


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PARIS (AFP) - The minister resigned on Monday.", "AFP"),
        ("WASHINGTON (Reuters) - Stocks fell.", "Reuters"),
        ("MADRID, 3 mar (EFE).- El Gobierno aprobó hoy el plan.", "EFE"),
        ("МОСКВА, 3 марта. /ТАСС/. Президент провел совещание.", "TASS"),
        ("A map of the district shows the roads the aps use.", None),
    ],
)
def test_agency_credits(text: str, expected: str | None) -> None:
    assert agency(text) == expected


def test_agency_named_in_the_body_is_not_a_credit() -> None:
    middle = " ".join(["The council met again on Monday to discuss the budget."] * 10)
    assert agency(f"{middle} Reuters reported the figures first. {middle}") is None


def test_passage_index_finds_by_filed_keys_and_forgets() -> None:
    index = PassageIndex(2)
    for key, paragraphs in (("a", WIRE), ("b", STATEMENT), ("c", REPORT)):
        text = "\n\n".join(paragraphs)
        index.put(key, text, filed_anchors(passages(text)))
    assert len(index) == 2 and index.get("a") is None  # the oldest went when the third came
    probe = anchor_keys(passages("\n\n".join(STATEMENT)))
    assert set(index.hits(probe)) == {"b", "c"}
    index.discard("b")
    assert "b" not in index.hits(probe) and index.get("c") is not None


def test_remembering_does_not_split_a_text_until_it_is_compared() -> None:
    """Lazy splitting: an article is split only when it becomes a candidate."""
    index = PassageIndex(10)
    text = "\n\n".join(WIRE)
    index.put("wire", text, [1, 2, 3])
    recalled = index.get("wire")
    assert recalled is not None and recalled._passages is None
    assert recalled.passages() == passages(text) and recalled._passages is not None


def _sampled_reference(code: str) -> list[int]:
    """The content-defined sample in plain Python: where a code's low two bits are zero, it and the next."""
    units = [ord(unit) for unit in code]
    return sorted({units[i] << 16 | units[i + 1] for i in range(len(units) - 1) if units[i] & 3 == 0})


def test_sampled_keys_of_a_batch_equal_those_of_each_code() -> None:
    rng = np.random.default_rng(7)
    sizes = (0, 1, 2, 30, 400, 3, 900)
    codes = [shingle_code(rng.integers(0, 2**64 - 1, n, dtype=np.uint64)) for n in sizes]
    codes.append(codes[4][:50] * 4)  # repeated windows: each key once
    keys = sample_keys_of(codes)
    assert [len(found) for found in keys][:2] == [0, 0] and len(keys[4]) > 20
    assert keys == [_sampled_reference(code) for code in codes] == [sample_keys(code) for code in codes]
    for (smallest, packed), found in zip(sampled_of(codes), keys, strict=True):
        assert smallest == found[:LOOKUP_KEYS] and array("I", packed).tolist() == found


def test_shingle_code_overlap_gates_the_sentence_comparison() -> None:
    wire, copy = shingle_code(np.arange(1, 401, dtype=np.uint64) << 49), ""
    assert code_containment(code_set(wire), wire) == 1.0
    assert code_containment(code_set(wire), copy) == 0.0
    packed = array("I", [1, 2, 3, 4]).tobytes()
    assert (
        key_containment(frozenset({1, 2, 9}), packed) == 2 / 3 and key_containment(frozenset(), packed) == 0
    )


def test_copy_fields_travel_with_the_article() -> None:
    article = _article("copy", COPY).replace(syndicated_from="wire", agency="AFP", duplicate_of="wire")
    back = Article.from_json(article.to_json())
    assert (back.syndicated_from, back.agency) == ("wire", "AFP")
    assert Article.from_dict({"id": "x", "published": T0.isoformat()}).syndicated_from is None


def test_dedupe_check_json_shows_the_deciding_measure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = tmp_path / "copies.jsonl"
    rows = [_article("wire", WIRE, site="a"), _article("copy", COPY, 30, site="b")]
    feed.write_text("\n".join(a.to_json().decode() for a in rows) + "\n", encoding="utf-8")
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default=None)
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["dedupe-check", str(feed), "--json", "--sentences"])
    assert args.func(args) == 0
    report = orjson.loads(capsys.readouterr().out)
    (duplicate,) = report["groups"][0]["duplicates"]
    assert duplicate["method"] == "sentences" and duplicate["shared_sentences"] >= 0.5
    assert duplicate["agency"] == "AFP" and report["thresholds"]["sentence_threshold"] == 0.5
    assert duplicate["measure"]["name"] == "shared_sentences"
    assert duplicate["measure"]["value"] == duplicate["shared_sentences"]
    assert duplicate["measure"]["threshold"] == 0.5  # only the wire credits AFP: the bar stays
    decided = {d["id"]: d for d in report["decisions"]}
    assert decided["copy"]["syndicated_from"] == "wire" and decided["copy"]["similarity"] >= 0.5
    assert decided["wire"]["measure"] is None
    args = parser.parse_args(
        ["dedupe-check", str(feed), "--json", "--sentences", "--sentence-threshold", "1.0"]
    )
    assert args.func(args) == 0
    assert orjson.loads(capsys.readouterr().out)["duplicates"] == 0
    args = parser.parse_args(["dedupe-check", str(feed), "--json"])  # on by default now
    assert args.func(args) == 0
    assert orjson.loads(capsys.readouterr().out)["duplicates"] == 1
    args = parser.parse_args(["dedupe-check", str(feed), "--json", "--no-sentences"])
    assert args.func(args) == 0
    assert orjson.loads(capsys.readouterr().out)["duplicates"] == 0


def test_the_sentence_check_is_on_by_default() -> None:
    assert DedupeSettings().passage_cache_size > 0
    wire, copy = _article("wire", WIRE, site="paper-a"), _article("copy", COPY, 30, site="paper-b")
    decisions = DedupeIndex(DedupeSettings(), observe=False).check_and_add_batch([wire, copy], now=T0)
    assert decisions[1].method == "sentences" and decisions[1].syndicated_from == "wire"


# Real-script sentences: splitting and folding (each as an outlet would print it).
CHINESE = "新华社北京3月3日电 国家统计局今天发布数据显示，今年前两个月全国规模以上工业增加值同比增长百分之五点二。其中制造业增长百分之五点八！高技术制造业增长百分之七点一？专家表示，工业生产总体保持稳定；市场需求逐步恢复。"
ARABIC = (
    "أكد وزير الخارجية أن المملكة تدعم جميع الجهود الرامية إلى وقف إطلاق النار في المنطقة. "
    "وأضاف أن الاجتماع المقبل سيعقد في الرياض خلال الأسبوع القادم؟ "
    "وشدد على أهمية التعاون بين الدول العربية؛ وذلك لمواجهة التحديات المشتركة"
)
VIETNAMESE = (
    "Tối 1.5, Tổng thư ký Quốc hội Bùi Văn Cường cho biết Ủy ban Thường vụ Quốc hội đã thông qua nghị quyết. "
    "Nghị quyết được thông qua ngày 26.4 theo đề nghị của Viện kiểm sát nhân dân tối cao."
)


def test_chinese_splits_on_full_width_marks_without_spaces() -> None:
    found = passages(CHINESE)
    # 。！？； end sentences (NFKC turns the last three ASCII: they still do, without a space after them);
    # the last clause, 8 characters, is too short to compare (5 words = 12 characters without spaces)
    assert not found.spaced and len(found.sentences) == 4
    assert found.sentences[1:] == (
        "其中制造业增长百分之五点八",
        "高技术制造业增长百分之七点一",
        "专家表示 工业生产总体保持稳定",
    )
    assert len(anchor_keys(found)) == sum(len(ends) for ends in found.anchors) >= 5


def test_arabic_splits_on_its_marks_and_folds_letter_variants() -> None:
    found = passages(ARABIC)
    assert found.spaced and len(found.sentences) == 3  # ؟ and ؛ end sentences; a 4-word clause is skipped
    # alef with hamza -> bare alef, ta marbuta -> ha, alef maqsura -> ya; punctuation gone
    assert found.sentences[0].startswith("اكد وزير الخارجيه ان المملكه")
    variant = ARABIC.replace("إلى", "الى").replace("ة", "ه")
    assert passages(variant).sentences == found.sentences
    assert shared(found, passages(variant)).exact == 3


def test_vietnamese_keeps_its_letters_and_splits_at_sentence_marks_only() -> None:
    found = passages(VIETNAMESE)
    assert len(found.sentences) == 2  # "1.5" and "26.4" are dates, not sentence ends
    assert found.sentences[0].startswith("tối 1 5 tổng thư ký quốc hội bùi văn cường")


def test_equal_sentences_match_without_fuzzy_matching() -> None:
    text = "\n\n".join(WIRE)
    found = passages(text)
    evidence = shared(found, passages(text.replace("Tuesday", "Tuesday")), bar=0.5)
    assert evidence.exact == evidence.sentences == len(found.sentences) and evidence.share == 1.0


def test_without_the_lead_many_shared_sentences_must_be_partly_verbatim() -> None:
    """Two outlets relaying one communique paraphrase each of its sentences (a hard negative of the copy
    set: 26 sentences nearly matched, 5 equal); a copy without the lead keeps most sentences verbatim."""
    relayed = Shared(share=0.83, sentences=26, cover=0.64, lead=False, chars=3000, exact=5)
    assert not relayed.is_copy(0.5)
    assert replace(relayed, exact=20).is_copy(0.5) and replace(relayed, lead=True).is_copy(0.5)
    assert replace(relayed, sentences=4, exact=0).is_copy(0.5)  # a short copy may be edited throughout


def test_an_edited_chinese_copy_is_found_by_sentences_alone() -> None:
    """Regression: Chinese has about one word shingle per clause, so a whole article stayed under
    ``min_shingles`` and skipped the sentence check (both copies were kept as unique)."""
    wire = (
        "新华社北京3月3日电 国家统计局今天发布数据显示，今年前两个月全国规模以上工业增加值同比增长百分之五点二。"
        "其中制造业增长百分之五点八，高技术制造业增长百分之七点一。"
        "从企业类型看，国有控股企业增加值增长百分之四点六，私营企业增长百分之五点九。"
        "专家表示，工业生产总体保持稳定，市场需求正在逐步恢复，企业预期持续改善。"
    )
    copy = (
        "国家统计局今天发布的数据显示，今年前两个月全国规模以上工业增加值同比增长百分之五点二。"
        "其中制造业增长百分之五点八，高技术制造业增长百分之七点一。"
        "从企业类型看，国有控股企业增加值增长百分之四点六，私营企业增长百分之五点九。"
        "专家认为，工业生产总体保持稳定，市场需求正在逐步恢复。"
    )
    first = Article(id="xinhua", url="https://a.example/1", title="工业", text=wire, published=T0)
    second = Article(
        id="paper", url="https://b.example/2", title="工业", text=copy, published=T0 + timedelta(hours=1)
    )
    index = DedupeIndex(DedupeSettings(), observe=False)
    kept, copied = index.check_and_add_batch([first, second], now=T0 + timedelta(hours=2))
    assert kept.outcome == "unique"
    assert copied.method == "sentences" and copied.duplicate_of == "xinhua" and copied.agency == "Xinhua"

"""The real-text set tooling: loading labels, reading texts out of a git mirror, extraction, filling, scoring.

Every test builds a tiny git repository in a tmp dir laid out as ``fetch`` lays out a mirror, so nothing here
needs the fetched corpora.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.eval import score_detection
from tests.eval.realtext import corpus, extract, fill, scoring

CALL = (
    "Russian President Vladimir Putin and German Chancellor Angela Merkel discussed the situation in Libya "
    "in a telephone conversation on Thursday, the Kremlin said."
)
BACKGROUND = "The two leaders last spoke by phone in 2017, before the summit in Hamburg."
TRUCE = "The truce declared on Monday was violated overnight, both sides said on Wednesday."


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture
def mirror(tmp_path: Path) -> tuple[Path, str]:
    """A mirrors folder holding ``owner+demo/repo/.git`` with four files of different shapes; its commit."""
    repo = tmp_path / "mirrors" / "owner+demo" / "repo"
    repo.mkdir(parents=True)
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "eval@example.invalid")
    _git(repo, "config", "user.name", "eval")
    lines = [
        {"headline": "Unrelated", "body": "Markets rose.", "date": "2020-01-01"},
        {"headline": "Putin and Merkel talk Libya", "body": f"{CALL}\n\n{BACKGROUND}", "date": "2020-01-10"},
    ]
    (repo / "news.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    (repo / "doc.json").write_text(json.dumps({"items": [{"t": "Truce", "p": ["Intro.", TRUCE]}]}), "utf-8")
    (repo / "readout.txt").write_text(f"Readout of a call\r\n{CALL}\r\n", encoding="utf-8")
    (repo / "table.csv").write_text(f'title,text\nCSV row,"{BACKGROUND}"\n', encoding="utf-8")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "texts")
    return tmp_path / "mirrors", _git(repo, "rev-parse", "HEAD")


def _write_set(root: Path, commit: str, texts: list[dict[str, Any]], name: str = "articles") -> Path:
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    sources = {"repos": [{"name": "demo", "source": "github:owner/demo", "commit": commit, "licence": "x"}]}
    (folder / "sources.yaml").write_text(yaml.safe_dump(sources), encoding="utf-8")
    (folder / "labels.yaml").write_text(yaml.safe_dump({"texts": texts}, sort_keys=False), encoding="utf-8")
    return folder


def _call_text(**extra: Any) -> dict[str, Any]:
    return {
        "id": "jsonl-call",
        "repo": "demo",
        "path": "news.jsonl",
        "record": "line:2",
        "fields": {"title": "headline", "body": "body", "published": "date"},
        "language": "en",
        "published": "2020-01-10",
        "events": [
            {
                "type": "leader_call",
                "participants": ["putin-vladimir", "merkel-angela"],
                "date": "2020-01-09",
                "evidence": {"quote": "in a telephone conversation on Thursday"},
                "reason": "two sitting leaders by telephone on Thursday",
            }
        ],
        "negatives": [
            {
                "kind": "background",
                "evidence": {"quote": "last spoke by phone in 2017"},
                "reason": "an old call",
            }
        ],
        **extra,
    }


def _other_texts() -> list[dict[str, Any]]:
    return [
        {
            "id": "json-truce",
            "repo": "demo",
            "path": "doc.json",
            "record": "json:items.0",
            "fields": {"title": "t", "body": "p"},
            "language": "en",
            "published": "2020-01-15",
            "split": "heldout",
        },
        {
            "id": "txt-readout",
            "repo": "demo",
            "path": "readout.txt",
            "fields": {"title": "first_line"},
            "language": "en",
            "published": "2020-01-10",
        },
        {
            "id": "csv-row",
            "repo": "demo",
            "path": "table.csv",
            "record": "csv:1",
            "fields": {"title": "title", "body": "text"},
            "language": "en",
            "published": "2020-01-10",
        },
    ]


def _filled(tmp_path: Path, mirror: tuple[Path, str], texts: list[dict[str, Any]]) -> Path:
    mirrors, commit = mirror
    sets = tmp_path / "sets"
    _write_set(sets, commit, texts)
    assert fill.fill("articles", mirrors, sets) == []
    return sets


def test_each_record_selector_builds_title_blank_line_body(tmp_path: Path, mirror: tuple[Path, str]) -> None:
    sets = _filled(tmp_path, mirror, [_call_text(), *_other_texts()])
    evalset = corpus.load_set("articles", sets)
    texts = {label.id: corpus.read_text(label, evalset, mirror[0]) for label in evalset.texts}
    assert texts["jsonl-call"] == f"Putin and Merkel talk Libya\n\n{CALL}\n\n{BACKGROUND}"
    assert texts["json-truce"] == f"Truce\n\nIntro.\n\n{TRUCE}"
    assert texts["txt-readout"] == f"Readout of a call\n\n{CALL}"
    assert texts["csv-row"] == f"CSV row\n\n{BACKGROUND}"
    assert [label.split for label in evalset.texts] == ["tune", "heldout", "tune", "tune"]


def test_fill_turns_quotes_into_offsets_that_hash_the_quoted_words(
    tmp_path: Path, mirror: tuple[Path, str]
) -> None:
    sets = _filled(tmp_path, mirror, [_call_text()])
    label = corpus.load_set("articles", sets).texts[0]
    text = f"Putin and Merkel talk Libya\n\n{CALL}\n\n{BACKGROUND}"
    assert label.sha256 == corpus.sha256_text(text)
    span = label.events[0].evidence
    assert text[span.start : span.end] == "in a telephone conversation on Thursday"
    assert corpus.check_text(label, text) == []


def test_fill_reports_a_quote_that_is_not_in_the_text(tmp_path: Path, mirror: tuple[Path, str]) -> None:
    item = _call_text()
    item["negatives"][0]["evidence"] = {"quote": "words that are nowhere"}
    sets = _write_set(tmp_path / "sets", mirror[1], [item]).parent
    problems = fill.fill("articles", mirror[0], sets)
    assert len(problems) == 1 and "quote not found" in problems[0]


def test_extract_writes_every_text_when_all_hashes_match(tmp_path: Path, mirror: tuple[Path, str]) -> None:
    sets = _filled(tmp_path, mirror, [_call_text(), *_other_texts()])
    out = tmp_path / "var"
    code = extract.main(
        ["--set", "articles", "--mirrors", str(mirror[0]), "--out", str(out), "--sets-root", str(sets)]
    )
    assert code == 0
    assert sorted(p.name for p in (out / "articles").iterdir()) == [
        "csv-row.txt",
        "json-truce.txt",
        "jsonl-call.txt",
        "txt-readout.txt",
    ]
    assert (out / "articles" / "csv-row.txt").read_text("utf-8") == f"CSV row\n\n{BACKGROUND}"


def test_extract_reports_changed_text_and_span_and_exits_1(
    tmp_path: Path, mirror: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    sets = _filled(tmp_path, mirror, [_call_text(), *_other_texts()])
    path = sets / "articles" / "labels.yaml"
    doc = yaml.safe_load(path.read_text("utf-8"))
    doc["texts"][0]["negatives"][0]["evidence"]["end"] += 1  # the span no longer hashes to its sha256
    doc["texts"][1]["sha256"] = "0" * 64  # the text no longer matches
    path.write_text(yaml.safe_dump(doc, sort_keys=False), "utf-8")
    out = tmp_path / "var"
    code = extract.main(
        ["--set", "articles", "--mirrors", str(mirror[0]), "--out", str(out), "--sets-root", str(sets)]
    )
    printed = capsys.readouterr().out
    assert code == 1
    assert "2 texts written" in printed
    assert "MISMATCH jsonl-call negative 1: span" in printed
    assert "MISMATCH json-truce: text hash" in printed
    assert not (out / "articles" / "json-truce.txt").exists()


def test_extract_reports_a_missing_mirror_and_a_missing_path(
    tmp_path: Path, mirror: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    sets = _filled(tmp_path, mirror, [_call_text()])
    path = sets / "articles" / "labels.yaml"
    doc = yaml.safe_load(path.read_text("utf-8"))
    doc["texts"].append({**doc["texts"][0], "id": "gone", "path": "nowhere.jsonl"})
    path.write_text(yaml.safe_dump(doc, sort_keys=False), "utf-8")
    out = tmp_path / "var"
    args = ["--set", "articles", "--out", str(out), "--sets-root", str(sets)]
    assert extract.main([*args, "--mirrors", str(mirror[0])]) == 1
    assert "git show" in capsys.readouterr().out
    assert extract.main([*args, "--mirrors", str(tmp_path / "empty")]) == 1
    assert "no git mirror of github:owner/demo" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"language": "xx"}, "language 'xx'"),
        ({"split": "train"}, "split 'train'"),
        ({"repo": "other"}, "repo 'other' is not in sources.yaml"),
        ({"published": "10/01/2020"}, "is not a YYYY-MM-DD date"),
        (
            {
                "negatives": [
                    {"kind": "rumour", "evidence": {"start": 0, "end": 1, "sha256": ""}, "reason": "r"}
                ]
            },
            "unknown negative kind 'rumour'",
        ),
        (
            {
                "events": [
                    {
                        "type": "leader_call",
                        "date": "2020-01-09",
                        "reason": "r",
                        "evidence": {"start": 0, "end": 1, "sha256": ""},
                    }
                ]
            },
            "needs participants",
        ),
    ],
)
def test_malformed_labels_fail_with_the_text_id(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    item = {**_call_text(sha256="ab"), "negatives": [], "events": [], **change}
    _write_set(tmp_path, "a" * 40, [item])
    with pytest.raises(corpus.CorpusError, match="jsonl-call") as caught:
        corpus.load_set("articles", tmp_path)
    assert message in str(caught.value)


def test_a_duplicate_id_and_an_unknown_selector_are_errors(tmp_path: Path, mirror: tuple[Path, str]) -> None:
    item = {**_call_text(sha256="ab"), "negatives": [], "events": []}
    _write_set(tmp_path, "a" * 40, [item, item])
    with pytest.raises(corpus.CorpusError, match="used twice"):
        corpus.load_set("articles", tmp_path)
    with pytest.raises(corpus.CorpusError, match="unknown record selector 'row:2'"):
        corpus.select(b"{}", "row:2", {"body": "b"}, "here")
    with pytest.raises(corpus.CorpusError, match="line 9 is outside the file"):
        corpus.select(b'{"b": 1}\n', "line:9", {"body": "b"}, "here")


def _scored(tmp_path: Path, mirror: tuple[Path, str], texts: list[dict[str, Any]]) -> list[scoring.TextScore]:
    sets = _filled(tmp_path, mirror, texts)
    assert extract.extract("articles", mirror[0], tmp_path / "var", sets, progress=False).problems == []
    return scoring.score_set("articles", tmp_path / "var", sets)


def test_a_found_call_matching_the_label_is_a_true_positive(tmp_path: Path, mirror: tuple[Path, str]) -> None:
    scores = _scored(tmp_path, mirror, [_call_text()])
    tally = scores[0].tallies["leader_call"]
    assert (tally.tp, tally.fp, tally.fn) == (1, 0, 0)


def test_a_label_with_the_wrong_date_gives_one_fp_and_one_fn(
    tmp_path: Path, mirror: tuple[Path, str]
) -> None:
    item = _call_text()
    item["events"][0]["date"] = "2020-01-02"
    tally = _scored(tmp_path, mirror, [item])[0].tallies["leader_call"]
    assert (tally.tp, tally.fp, tally.fn) == (0, 1, 1)
    assert tally.errors[0].startswith("FN jsonl-call: leader_call putin-vladimir,merkel-angela 2020-01-02")


def test_a_false_positive_on_a_labelled_negative_is_attributed_to_its_kind(
    tmp_path: Path, mirror: tuple[Path, str]
) -> None:
    # The readout text holds the call sentence; labelled as a hard negative it must count against that kind.
    readout = _other_texts()[1]
    readout["negatives"] = [
        {"kind": "other", "evidence": {"quote": "telephone conversation"}, "reason": "said to be staged"}
    ]
    score = _scored(tmp_path, mirror, [readout])[0]
    assert score.tallies["leader_call"].fp == 1
    assert score.fp_kinds == {"other": 1}
    assert "[negative other: said to be staged]" in score.tallies["leader_call"].errors[0]


def test_scorer_cli_prints_both_splits_the_total_and_each_text(
    tmp_path: Path, mirror: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    sets = _filled(tmp_path, mirror, [_call_text(), *_other_texts()])
    assert extract.extract("articles", mirror[0], tmp_path / "var", sets, progress=False).problems == []
    args = ["--set", "articles", "--texts", str(tmp_path / "var"), "--sets-root", str(sets), "--per-text"]
    assert score_detection.main([*args, "--errors"]) == 0
    printed = capsys.readouterr().out
    for part in ("[tune]", "[heldout]", "[total]", "[language en]", "jsonl-call", "csv-row"):
        assert part in printed
    assert score_detection.main([*args, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["coverage"]["texts"] == 4
    assert doc["scores"]["tune"]["leader_call"]["tp"] == 1


def test_scorer_refuses_texts_that_were_not_extracted_or_changed(
    tmp_path: Path, mirror: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    sets = _filled(tmp_path, mirror, [_call_text()])
    args = ["--set", "articles", "--texts", str(tmp_path / "var"), "--sets-root", str(sets)]
    assert score_detection.main(args) == 1
    assert "run python -m tests.eval.realtext.extract" in capsys.readouterr().err
    extract.extract("articles", mirror[0], tmp_path / "var", sets, progress=False)
    (tmp_path / "var" / "articles" / "jsonl-call.txt").write_text("edited", "utf-8")
    assert score_detection.main(args) == 1
    assert "does not match its label's sha256" in capsys.readouterr().err


def test_passage_scoring_stays_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert score_detection.main(["--json"]) == 0
    assert json.loads(capsys.readouterr().out)["coverage"]["passages"] >= 150


def test_front_matter_posts_give_the_title_and_the_rendered_markdown_body() -> None:
    post = (
        b"---\n"
        b'title: "Readout of the President\\u2019s Call\\\n  \\ with the Prime\\_Minister"\n'
        b"date: '2021-01-24'\n"
        b"---\n"
        b" \n"
        b"The President spoke today with\nthe Prime Minister of <b>Canada</b>.\n\n"
        b"\\###\n"
    )
    title, body = corpus.select(post, "front_matter", {}, "here")
    assert title == "Readout of the President\u2019s Call with the Prime Minister"
    assert body == "The President spoke today with the Prime Minister of Canada.\n\n###"
    colon_title = b"---\ntitle: Trump: the call that wasn't\ndate: 2020-09-20-20-54-47\n---\nBody line\n"
    assert corpus.select(colon_title, "front_matter", {}, "here") == (
        "Trump: the call that wasn't",
        "Body line",
    )
    with pytest.raises(corpus.CorpusError, match="no front matter"):
        corpus.select(b"plain text\n", "front_matter", {}, "here")
    with pytest.raises(corpus.CorpusError, match="no closing ---"):
        corpus.select(b"---\ntitle: x\n", "front_matter", {}, "here")


def test_html_posts_split_paragraphs_at_block_tags_and_decode_entities() -> None:
    """WordPress exports keep wire copy as one line of HTML: each <p> must stay its own paragraph."""
    post = (
        b"---\n"
        b"ID: 1397\n"
        b"post_title: >\n"
        b"  Russia says registers nine truce\n"
        b"  violations &#8211; Reuters\n"
        b"layout: post\n"
        b"---\n"
        b' [ad_1]\n<br><div id="articleText">\n<span id="midArticle_start"/>\n'
        b'<span class="focusParagraph"><p><span class="articleLocation">MOSCOW</span> Nine violations'
        b' on Sunday.</p></span><span id="midArticle_0"/><p>The truce was holding &quot;in general&quot;.'
        b"</p><p> (Reporting by\n  A. Writer)</p></div>\n"
    )
    title, body = corpus.select(post, "front_matter_html", {}, "here")
    assert title == "Russia says registers nine truce violations \u2013 Reuters"
    assert body.split("\n\n") == [
        "[ad_1]",
        "MOSCOW Nine violations on Sunday.",
        'The truce was holding "in general".',
        "(Reporting by A. Writer)",
    ]
    titled = b"---\ntitle: A title\npost_title: Another\n---\n<p>One</p>\n"
    assert corpus.select(titled, "front_matter_html", {}, "here") == ("A title", "One")
    with pytest.raises(corpus.CorpusError, match="no front matter"):
        corpus.select(b"<p>no header</p>", "front_matter_html", {}, "here")


def test_zipped_and_gzipped_files_and_nested_fields_are_read_from_a_mirror(tmp_path: Path) -> None:
    """Corpora that keep a day's articles in a zip, one article gzipped, or fields nested in objects."""
    import gzip
    import io
    import zipfile

    repo = tmp_path / "mirrors" / "owner+demo" / "repo"
    repo.mkdir(parents=True)
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "eval@example.invalid")
    _git(repo, "config", "user.name", "eval")
    day = [{"title": "Unrelated", "content": "Markets rose."}, {"title": "Call", "content": CALL}]
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("2020-01-10.json", json.dumps(day))
    (repo / "2020-01-10.zip").write_bytes(packed.getvalue())
    (repo / "truce.txt.gz").write_bytes(gzip.compress(f"Truce\n{TRUCE}\n".encode()))
    nested = {"properties": {"title": {"stringValue": "Nested"}, "description": {"stringValue": BACKGROUND}}}
    (repo / "news.json.gz").write_bytes(gzip.compress(("{}\n" + json.dumps(nested) + "\n").encode()))
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "packed texts")
    commit = _git(repo, "rev-parse", "HEAD")
    base = {"repo": "demo", "language": "en", "published": "2020-01-10", "negatives": [], "events": []}
    texts = [
        {
            **base,
            "id": "zip",
            "path": "2020-01-10.zip",
            "record": "zip:2020-01-10.json!json:1",
            "fields": {"title": "title", "body": "content"},
        },
        {**base, "id": "gz", "path": "truce.txt.gz", "record": "gzip", "fields": {"title": "first_line"}},
        {
            **base,
            "id": "nested",
            "path": "news.json.gz",
            "record": "gzip!line:2",
            "fields": {"title": "properties.title.stringValue", "body": "properties.description.stringValue"},
        },
    ]
    sets = tmp_path / "sets"
    _write_set(sets, commit, texts, name="multilingual")
    assert fill.fill("multilingual", tmp_path / "mirrors", sets) == []
    result = extract.extract("multilingual", tmp_path / "mirrors", tmp_path / "out", sets, progress=False)
    assert (result.written, result.problems) == (3, [])
    out = tmp_path / "out" / "multilingual"
    assert (out / "zip.txt").read_text("utf-8") == f"Call\n\n{CALL}"
    assert (out / "gz.txt").read_text("utf-8") == f"Truce\n\n{TRUCE}"
    assert (out / "nested.txt").read_text("utf-8") == f"Nested\n\n{BACKGROUND}"
    zipped = (repo / "2020-01-10.zip").read_bytes()
    with pytest.raises(corpus.CorpusError, match=r"no member 'other\.json'"):
        corpus.select(zipped, "zip:other.json", {}, "here")
    with pytest.raises(corpus.CorpusError, match="not a gzip file"):
        corpus.select(zipped, "gzip", {}, "here")
    with pytest.raises(corpus.CorpusError, match="not a zip archive"):
        corpus.select(b"plain", "zip:a.json!json:0", {"body": "b"}, "here")
    with pytest.raises(corpus.CorpusError, match=r"no field 'properties\.title\.missing'"):
        corpus.select(json.dumps(nested).encode(), None, {"body": "properties.title.missing"}, "here")


def test_the_articles_set_is_well_formed_and_covers_the_issue() -> None:
    """The committed labels (no texts needed): size, calls, held-out share, gazetteer ids, reasons."""
    from streams.detect.engine import DetectionEngine

    evalset = corpus.load_set("articles")
    texts = evalset.texts
    assert len(texts) >= 200
    calls = [e for t in texts for e in t.events if e.type == "leader_call"]
    assert len(calls) >= 60
    heldout = sum(t.split == "heldout" for t in texts) / len(texts)
    assert 0.2 <= heldout <= 0.3
    assert len({t.id for t in texts}) == len(texts)
    gazetteer = DetectionEngine().gazetteer
    for text in texts:
        for event in text.events:
            assert event.reason and event.evidence.sha256, text.id
            for person_id in event.participants or ():
                assert gazetteer.person(person_id) is not None, (text.id, person_id)
        assert all(n.reason and n.evidence.sha256 for n in text.negatives), text.id
    kinds = {n.kind for t in texts for n in t.negatives}
    for kind in ("background", "planned", "in_person", "vice_president", "adviser", "appeal", "conditional"):
        assert kind in kinds, kind


def test_a_set_split_into_label_files_reads_and_fills_each_file(
    tmp_path: Path, mirror: tuple[Path, str]
) -> None:
    mirrors, commit = mirror
    folder = _write_set(tmp_path / "sets", commit, [_call_text()])
    (folder / "labels.yaml").unlink()
    (folder / "labels").mkdir()
    other = _other_texts()
    for name, texts in (("a.yaml", [_call_text()]), ("b.yaml", other)):
        (folder / "labels" / name).write_text(
            yaml.safe_dump({"texts": texts}, sort_keys=False), encoding="utf-8"
        )
    assert fill.fill("articles", mirrors, tmp_path / "sets") == []
    ids = [text.id for text in corpus.load_set("articles", tmp_path / "sets").texts]
    assert ids == [_call_text()["id"]] + [text["id"] for text in other]
    refilled = yaml.safe_load((folder / "labels" / "b.yaml").read_text(encoding="utf-8"))
    assert all(text["sha256"] for text in refilled["texts"])


def test_linked_posts_take_the_headline_of_their_link_and_drop_images_and_the_second_copy() -> None:
    """Trend aggregators open each post with a link to the article they reproduce."""
    post = (
        b"---\n"
        b'title: " [Trend] Site title"\n'
        b"categories: entries DE\n"
        b"---\n"
        b"[Hummels <b>nicht</b> im EM-Kader](https://example.org/a-1.html)\n\n"
        b"![Hummels nicht im EM-Kader](https://example.org/img.jpg)\n\n"
        b"Teaser ...\n\n"
        b"Erster Absatz\nzweite Zeile.\n\n"
        b"<details>\n  <summary>Origin content</summary>\n  ---\ntitle: x\n---\nKopie\n</details>\n"
    )
    assert corpus.select(post, "linked_post", {}, "here") == (
        "Hummels nicht im EM-Kader",
        "Teaser ...\n\nErster Absatz zweite Zeile.",
    )
    with pytest.raises(corpus.CorpusError, match="no line is a whole Markdown link"):
        corpus.select(b"---\ntitle: x\n---\nno link here\n", "linked_post", {}, "here")

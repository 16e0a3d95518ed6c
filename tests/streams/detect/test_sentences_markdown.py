"""Markdown in article text: a hard break ("\\" at a line's end, or left as "\\ " inside a paragraph whose
lines were joined) ends a line, and a sentence that is only a link or an image is page chrome, no report
(issue 15: a whole page read as one sentence, a related-article link read as a call)."""

from __future__ import annotations

from streams.detect.engine import DetectionEngine
from streams.detect.sentences import split_sentences
from tests.streams.detect.conftest import make_article

_JOINED_PAGE = (
    "Nikol Pachinian et Emmanuel Macron se sont rencontrés lundi soir à l'Elysée.\\ "
    "[![\\JPEG\\ - 125.4 ko](https://example.org/cache/photo-1.jpg?1664)](https://example.org/photo.jpg "
    '"photo.jpg")\\ '
    "Le président français a déclaré :\\ "
    "Ces derniers jours, nous avons échangé de nombreuses fois au téléphone, car la situation est critique."
)


def test_a_hard_break_inside_a_joined_paragraph_ends_the_sentence() -> None:
    texts = [s.text for s in split_sentences(_JOINED_PAGE)]
    assert texts == [
        "Nikol Pachinian et Emmanuel Macron se sont rencontrés lundi soir à l'Elysée.",
        "Le président français a déclaré :",
        "Ces derniers jours, nous avons échangé de nombreuses fois au téléphone, car la situation est "
        "critique.",
    ]


def test_a_backslash_ending_a_line_is_no_part_of_the_sentence() -> None:
    text = "Le président a parlé aux journalistes\\\nIl partira demain."
    texts = [s.text for s in split_sentences(text)]
    assert texts == ["Le président a parlé aux journalistes", "Il partira demain."]


def test_offsets_point_into_the_markdown_text() -> None:
    for sentence in split_sentences(_JOINED_PAGE):
        assert _JOINED_PAGE[sentence.start : sentence.start + len(sentence.text)] == sentence.text


def test_a_backslash_that_is_no_hard_break_stays() -> None:
    text = "Le fichier C:\\Dossier est là. Une barre \\\\ double aussi."
    texts = [s.text for s in split_sentences(text)]
    assert texts == ["Le fichier C:\\Dossier est là.", "Une barre \\\\ double aussi."]


def test_a_sentence_that_is_only_a_link_is_dropped_but_one_holding_a_link_is_kept() -> None:
    text = (
        "Trump und Putin haben am Mittwoch telefoniert.\n\n"
        "[USA: Trump und Putin wollen sofort verhandeln](https://example.org/nachrichten/trump-putin-100.html)\n\n"
        "![Trump und Putin](https://example.org/assets/trump-putin-100~1280x720?cb=17)\n\n"
        "Mehr dazu lesen Sie [hier](https://example.org/mehr) im Bericht."
    )
    assert [s.text for s in split_sentences(text)] == [
        "Trump und Putin haben am Mittwoch telefoniert.",
        "Mehr dazu lesen Sie [hier](https://example.org/mehr) im Bericht.",
    ]


def test_a_related_article_link_is_no_evidence_of_a_call(engine: DetectionEngine) -> None:
    link = (
        "Die Ukraine meldet neue Angriffe im Osten.\n\n"
        "[Trump telefonierte mit Putin über die Ukraine](https://example.org/ausland/trump-putin-telefonat-100.html)"
    )
    events = engine.detect(make_article(link, "2025-02-13").replace(language="de")).events
    assert [e for e in events if e.type == "leader_call"] == []
    report = "Die Ukraine meldet neue Angriffe im Osten.\n\nTrump telefonierte am Mittwoch mit Putin."
    events = engine.detect(make_article(report, "2025-02-13").replace(language="de")).events
    assert [e.date for e in events if e.type == "leader_call"] == ["2025-02-12"]


def test_a_page_read_as_one_sentence_no_longer_dates_a_summed_up_call(engine: DetectionEngine) -> None:
    events = engine.detect(make_article(_JOINED_PAGE, "2022-09-26").replace(language="fr")).events
    assert [e for e in events if e.type == "leader_call"] == []

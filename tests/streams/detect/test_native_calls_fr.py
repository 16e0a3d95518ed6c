"""French leader calls: "le président de la République" is France's president, "le président élu" nobody in
office yet, calls summed up ("de nombreuses fois") are no one call even when another clause has a date
(issue 15; sentences written here in the shape of Elysée readouts and press reports)."""

from __future__ import annotations

from streams.detect.engine import DetectionEngine
from tests.streams.detect.conftest import make_article


def _calls(engine: DetectionEngine, text: str, published: str) -> list[tuple[tuple[str, ...], str]]:
    detection = engine.detect(make_article(text, published).replace(language="fr"))
    return sorted(
        (tuple(sorted(p.person_id or "" for p in e.participants)), e.date)
        for e in detection.events
        if e.type == "leader_call"
    )


def test_le_president_de_la_republique_is_the_french_president(engine: DetectionEngine) -> None:
    text = (
        "Le président de la République s'est entretenu par téléphone avec le Premier ministre britannique "
        "Boris Johnson."
    )
    assert _calls(engine, text, "2022-03-12") == [(("johnson-boris", "macron-emmanuel"), "2022-03-12")]


def test_a_named_president_de_la_republique_is_that_person(engine: DetectionEngine) -> None:
    text = (
        "Le président de la République, Bassirou Diomaye Faye, s'est entretenu au téléphone avec le "
        "président turc."
    )
    assert _calls(engine, text, "2024-06-12") == [
        (("erdogan-recep-tayyip", "faye-bassirou-diomaye"), "2024-06-12")
    ]


def test_le_president_elu_is_nobody_in_office(engine: DetectionEngine) -> None:
    text = "Emmanuel Macron s'est entretenu par téléphone avec le président élu des États-Unis mercredi."
    assert _calls(engine, text, "2024-11-07") == []


def test_calls_summed_up_are_background_whatever_the_date_of_the_reason(engine: DetectionEngine) -> None:
    text = (
        "Emmanuel Macron a déclaré à Nikol Pachinian : ces derniers jours, nous avons échangé de nombreuses "
        "fois au téléphone, car l'Arménie a connu des affrontements armés les 13 et 14 septembre."
    )
    assert _calls(engine, text, "2022-09-14") == []
    one_call = (
        "Emmanuel Macron s'est entretenu mardi au téléphone avec Nikol Pachinian, "
        "car la situation est critique."
    )
    assert _calls(engine, one_call, "2022-09-14") == [(("macron-emmanuel", "pashinyan-nikol"), "2022-09-13")]

"""French calls the press reports with "s'entretenir avec", "se parler", "un échange entre" and "par vidéo",
the medium unsaid; each beside a near-miss twin the same words must not make a call (issue 15; sentences
written here in the shape of Le Monde's international items)."""

from __future__ import annotations

from streams.detect.engine import DetectionEngine
from tests.streams.detect.conftest import make_article


def _found(engine: DetectionEngine, text: str, published: str, kind: str = "leader_call") -> list[object]:
    detection = engine.detect(make_article(text, published).replace(language="fr"))
    return sorted(
        (tuple(sorted(p.person_id or p.name for p in e.participants)), e.date)
        for e in detection.events
        if e.type == kind
    )


def test_s_est_entretenu_avec_is_a_call_between_subject_and_partner(engine: DetectionEngine) -> None:
    text = "Le chancelier allemand s'est entretenu, mardi, avec Vladimir Poutine sur la guerre en Ukraine."
    assert _found(engine, text, "2022-09-14") == [(("putin-vladimir", "scholz-olaf"), "2022-09-13")]


def test_s_est_entretenu_avec_in_a_named_city_is_a_meeting(engine: DetectionEngine) -> None:
    text = "Le chancelier allemand s'est entretenu, mardi, avec Vladimir Poutine à Moscou sur la guerre."
    assert _found(engine, text, "2022-09-14") == []


def test_a_leader_named_outside_the_talk_is_no_participant(engine: DetectionEngine) -> None:
    text = "Tandis qu'Emmanuel Macron s'est entretenu avec Vladimir Poutine, Joe Biden s'inquiète."
    assert _found(engine, text, "2022-01-28") == [(("macron-emmanuel", "putin-vladimir"), "2022-01-28")]


def test_a_talk_announced_for_later_is_no_call(engine: DetectionEngine) -> None:
    text = "Joe Biden s'entretiendra samedi avec son homologue russe, Vladimir Poutine."
    assert _found(engine, text, "2022-02-11") == []


def test_a_talk_with_someone_who_leads_no_state_is_no_call(engine: DetectionEngine) -> None:
    text = "Emmanuel Macron s'est entretenu dimanche avec le directeur général de l'AIEA, Rafael Grossi."
    assert _found(engine, text, "2022-11-20") == []


def test_ministers_talking_make_no_official_contact_without_a_medium(engine: DetectionEngine) -> None:
    text = "Le chef de la diplomatie américaine, Antony Blinken, s'est entretenu lundi avec Dmytro Kuleba."
    assert _found(engine, text, "2022-05-24", "official_contact") == []
    by_phone = "Antony Blinken s'est entretenu lundi par téléphone avec son homologue Dmytro Kuleba."
    assert _found(engine, by_phone, "2022-05-24", "official_contact") == [
        (("blinken-antony", "kuleba-dmytro"), "2022-05-23")
    ]


def test_un_echange_entre_two_leaders_is_a_call(engine: DetectionEngine) -> None:
    text = "Après un échange entre Vladimir Poutine et Emmanuel Macron, dimanche, l'Elysée parle de réunion."
    assert _found(engine, text, "2022-02-20") == [(("macron-emmanuel", "putin-vladimir"), "2022-02-20")]
    meeting = "Après un échange entre Vladimir Poutine et Emmanuel Macron en marge du sommet, dimanche."
    assert _found(engine, meeting, "2022-02-20") == []


def test_par_video_is_a_medium(engine: DetectionEngine) -> None:
    text = "Les présidents chinois et russe se sont entretenus vendredi par vidéo."
    assert _found(engine, text, "2022-12-30") == [(("putin-vladimir", "xi-jinping"), "2022-12-30")]
    alone = "Le président chinois s'est adressé vendredi par vidéo aux participants du forum."
    assert _found(engine, alone, "2022-12-30") == []


def test_les_deux_chefs_d_etat_without_an_accent_are_the_pair_named_before(engine: DetectionEngine) -> None:
    text = (
        "Emmanuel Macron et Vladimir Poutine renouent le dialogue.\n\n"
        "Les deux chefs d'Etat se sont parlé au téléphone, vendredi, pour la première fois depuis mai."
    )
    assert _found(engine, text, "2022-08-20") == [(("macron-emmanuel", "putin-vladimir"), "2022-08-19")]
    negated = (
        "Emmanuel Macron et Vladimir Poutine renouent le dialogue.\n\n"
        "Les deux chefs d'Etat ne se sont pas parlé au téléphone depuis mai."
    )
    assert _found(engine, negated, "2022-08-20") == []

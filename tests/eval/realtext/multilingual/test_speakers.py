"""Every speaker a multilingual text names is a gazetteer person; the first-person sources name one."""

from __future__ import annotations

from streams.detect.gazetteer import Gazetteer
from tests.eval.realtext.corpus import load_set


def test_speakers_are_gazetteer_people_and_first_person_sources_have_them() -> None:
    evalset = load_set("multilingual")
    known = {person.id for person in Gazetteer.load().people()}
    speakers = {label.id: label.speaker for label in evalset.texts if label.speaker}
    assert set(speakers.values()) <= known
    first_person = [label for label in evalset.texts if label.repo in ("uk-zelensky", "es-mananeras")]
    assert first_person and all(label.speaker for label in first_person)
    assert not any(
        label.speaker for label in evalset.texts if label.repo not in ("uk-zelensky", "es-mananeras")
    )

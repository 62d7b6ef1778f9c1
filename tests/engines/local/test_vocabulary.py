"""The vocabulary data file: coverage, validation, and that every alias is reachable."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from pydantic import ValidationError

from scenario_engine.domain.slots import Slot
from scenario_engine.engines.local import vocabulary as vocabulary_module
from scenario_engine.engines.local.extractor import SlotExtractor
from scenario_engine.engines.local.normalize import alias_tokens
from scenario_engine.engines.local.vocabulary import Vocabulary, english_phrases, load_vocabulary


def raw_vocabulary() -> dict[str, object]:
    text = resources.files(vocabulary_module.__package__).joinpath("vocabulary.json").read_text(
        encoding="utf-8"
    )
    data: dict[str, object] = json.loads(text)
    return data


def test_covers_at_least_forty_settings_with_korean_aliases() -> None:
    vocabulary = load_vocabulary()
    assert len(vocabulary.settings) >= 40
    for slot in Slot:
        for term in vocabulary.terms(slot):
            aliases = [alias for alias, _ in term.aliases()]
            assert any("\uac00" <= char <= "\ud7a3" for a in aliases for char in a), term


def test_is_loaded_once() -> None:
    assert load_vocabulary() is load_vocabulary()


@pytest.mark.parametrize(
    ("section", "change"),
    [
        ("settings", {"partners": ["no such partner"]}),
        ("places", {"canonical": "Hotel"}),
        ("places", {"staff": "no such partner"}),
        ("goals", {"en": ["  "]}),
    ],
)
def test_invalid_data_is_rejected_at_load(section: str, change: dict[str, object]) -> None:
    data = raw_vocabulary()
    entries = data[section]
    assert isinstance(entries, list)
    entries[0] = {**entries[0], **change}
    with pytest.raises(ValidationError):
        Vocabulary.model_validate(data)


def test_duplicate_canonical_values_are_rejected() -> None:
    data = raw_vocabulary()
    places = data["places"]
    assert isinstance(places, list)
    places.append(places[0])
    with pytest.raises(ValidationError, match="duplicate place"):
        Vocabulary.model_validate(data)


def test_english_phrases_are_spoken_words_and_include_learner_variants() -> None:
    phrases = english_phrases()
    assert phrases == sorted(set(phrases))
    assert {"front desk", "reception desk", "checkin", "check in", "doctor's"} <= set(phrases)
    letters = [p.replace(" ", "").replace("'", "") for p in phrases]
    assert all(word.isascii() and word.isalpha() for word in letters)


def test_every_alias_answers_a_question_about_its_slot() -> None:
    """Each alias, said alone after the service asked about its slot, yields its canonical
    value (or, for an alias shared by several values, one of them); a partner or a place may
    also keep the English words the learner said ("salesman" rather than "sales clerk",
    "noodle shop" rather than "restaurant")."""
    vocabulary = load_vocabulary()
    extractor = SlotExtractor(vocabulary)
    meanings: dict[tuple[Slot, str], set[str]] = {}
    for slot in Slot:
        for term in vocabulary.terms(slot):
            for alias, _ in term.aliases():
                meanings.setdefault((slot, alias.lower()), set()).add(term.canonical)
    unreachable = [
        f"{slot}: {alias!r} -> {extractor.extract(alias, slot)}"
        for (slot, alias), canonicals in meanings.items()
        if extractor.extract(alias, slot).get(slot) not in canonicals
        and not (slot in (Slot.PARTNER, Slot.PLACE)
                 and extractor.extract(alias, slot).get(slot) == " ".join(alias_tokens(alias)))
    ]
    assert not unreachable, "\n".join(unreachable)

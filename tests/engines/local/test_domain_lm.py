"""The domain language model builder: phrases in, ARPA text out."""

from __future__ import annotations

import pytest

from scenario_engine.engines.local import domain_lm
from scenario_engine.engines.local.domain_lm import DomainPhrases
from scenario_engine.engines.local.sphinx_models import in_dictionary
from scenario_engine.engines.local.vocabulary import load_vocabulary

HOTEL = DomainPhrases(places=("hotel",), partners=("receptionist",), goals=("check in",))


def test_phrases_come_from_the_vocabulary_as_spoken_words() -> None:
    phrases = DomainPhrases.from_vocabulary(load_vocabulary())

    assert "hotel" in phrases.places
    assert "receptionist" in phrases.partners
    assert "check in" in phrases.goals  # "check-in" is said with a space
    assert all(p.replace("'", "").replace(" ", "").isascii() for p in phrases.all())


def test_phrases_with_words_the_dictionary_lacks_are_not_pronounceable() -> None:
    assert domain_lm.pronounceable("Check-in", in_dictionary)
    assert not domain_lm.pronounceable("get a perm", in_dictionary)
    assert not domain_lm.pronounceable("꽃집", in_dictionary)
    kept = HOTEL.filtered(lambda phrase: phrase != "hotel")
    assert kept.places == () and kept.partners == ("receptionist",)


def test_sentences_put_each_kind_in_its_own_carriers_and_join_them() -> None:
    sentences = domain_lm.domain_sentences(HOTEL)

    assert "i'm at the hotel" in sentences and "i want to check in" in sentences
    assert "i want to hotel" not in sentences
    assert any("hotel" in s and "receptionist" in s and "check in" in s for s in sentences)
    assert sentences == domain_lm.domain_sentences(HOTEL)  # deterministic


def test_blended_model_holds_domain_trigrams_and_general_words() -> None:
    general = [("weather", 0.001), ("pizza", 0.0005)]
    arpa = domain_lm.build_arpa(HOTEL, general, general_weight=0.2)
    assert " weather " in arpa and " pizza " in arpa
    assert "at the hotel" in arpa
    with pytest.raises(ValueError):
        domain_lm.build_arpa(HOTEL, general, general_weight=1.0)

"""The domain language model builder: pure text in, ARPA text out."""

from __future__ import annotations

import pytest

from scenario_engine.engines.local import domain_lm
from scenario_engine.engines.local.sphinx_models import in_dictionary


def test_phrases_with_words_the_dictionary_lacks_are_dropped() -> None:
    kept = domain_lm.usable_phrases(
        ["Check-in", "get a perm", "hotel", "HOTEL", "꽃집"], in_dictionary
    )
    assert kept == ["check in", "hotel"]


def test_blended_model_holds_domain_trigrams_and_general_words() -> None:
    general = [("weather", 0.001), ("pizza", 0.0005)]
    arpa = domain_lm.build_arpa(["hotel", "check in"], general, general_weight=0.2)
    assert " weather " in arpa and " pizza " in arpa
    assert "at the hotel" in arpa  # a domain trigram
    with pytest.raises(ValueError):
        domain_lm.build_arpa(["hotel"], general, general_weight=1.0)

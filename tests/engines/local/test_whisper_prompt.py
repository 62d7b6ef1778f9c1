"""vocabulary_prompt: a learner's first sentence, then the vocabulary's hard-to-hear nouns."""

from __future__ import annotations

from scenario_engine.engines.local.vocabulary import load_vocabulary
from scenario_engine.engines.local.whisper_prompt import LEARNER_EXAMPLE, vocabulary_prompt


def test_the_prompt_starts_like_a_learner_and_names_places_and_partners() -> None:
    prompt = vocabulary_prompt(load_vocabulary())
    assert prompt.startswith(LEARNER_EXAMPLE + " Places and people: the ")
    assert "the receptionist" in prompt and "the pharmacy" in prompt


def test_the_vocabulary_part_stays_within_its_word_budget() -> None:
    prompt = vocabulary_prompt(load_vocabulary(), max_words=10)
    listed = prompt.removeprefix(LEARNER_EXAMPLE + " Places and people: ")
    assert 0 < len(listed.split()) <= 10

"""EnglishCheck: a Whisper turn that is unsure, or loops, was not English."""

from __future__ import annotations

import pytest

from scenario_engine.engines.local.english_check import EnglishCheck, repeated_share
from scenario_engine.engines.local.whisper_decode import Decoded, compression_ratio


def decoded(text: str, avg_logprob: float = -0.3) -> Decoded:
    return Decoded(text, avg_logprob, 0.05, compression_ratio(text), 2.0)


@pytest.mark.parametrize(
    ("words", "share"),
    [
        ("i don't know i don't know i don't know", 1.0),
        ("thank you very much thank you very much", 1.0),
        ("i want to rent a car rent a car rental office", 6 / 11),
        ("i'm at a hotel talking to the receptionist", 0.0),
        ("", 0.0),
    ],
)
def test_repeated_share_is_the_part_one_phrase_takes_back_to_back(
    words: str, share: float
) -> None:
    assert repeated_share(words.split()) == pytest.approx(share)


def test_a_sure_sentence_is_english() -> None:
    assert EnglishCheck().is_english(decoded("I'm at the hotel, talking to the receptionist."))


def test_an_unsure_sentence_is_not() -> None:
    assert not EnglishCheck().is_english(decoded("This is the first time.", avg_logprob=-1.2))


def test_a_phrase_said_over_and_over_is_not_even_when_sure() -> None:
    assert not EnglishCheck().is_english(decoded("Thank you very much. Thank you very much."))


def test_a_short_repeat_is_a_learner_insisting_not_a_loop() -> None:
    assert EnglishCheck().is_english(decoded("Check in, check in."))


def test_nothing_heard_is_left_to_the_session() -> None:
    assert EnglishCheck().is_english(decoded("", avg_logprob=-3.0))

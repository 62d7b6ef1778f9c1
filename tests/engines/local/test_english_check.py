"""EnglishCheck: when a Whisper decode is taken for speech that was not English.

The scores are those measured on eSpeak Korean, eSpeak English and the human recordings
(tiny.en, beam 5, in the 30 s and the 10 s window); the decision must not sit on a knife edge
between CPUs.
"""

from __future__ import annotations

import pytest

from scenario_engine.engines.local.english_check import EnglishCheck, repeated_share
from scenario_engine.engines.local.whisper_decode import Decoded, compression_ratio

CHECK = EnglishCheck()


def decoded(text: str, avg_logprob: float, ratio: float | None = None) -> Decoded:
    ratio = compression_ratio(text) if ratio is None else ratio
    return Decoded(text, avg_logprob, 0.3, ratio, 3.0)


@pytest.mark.parametrize(
    ("text", "avg_logprob", "ratio"),
    [
        ("Thank you very much.", -0.95, 0.7),  # Korean, on the CPU where -1.0 let it through
        ("Thank you very much for watching.", -1.07, 0.8),
        ("If you enjoyed this video, please like, share and subscribe.", -0.7, 1.0),
        ("Go see you soon!", -1.61, 0.7),
        ("You'll see that you'll see that you'll see that", -0.09, 27.1),
        # the 10 s window: one phrase over and over, surer of it than of the 30 s window's prose
        ("I don't know, I don't know, I don't know.", -0.82, None),
        ("I'm here, and I'm here, and I'm here, and I'm here, and I'm here.", -0.69, None),
        ("Thank you very much. Thank you very much.", -0.3, None),
    ],
)
def test_what_whisper_writes_for_korean_is_not_english(
    text: str, avg_logprob: float, ratio: float | None
) -> None:
    assert not CHECK.is_english(decoded(text, avg_logprob, ratio))


@pytest.mark.parametrize(
    ("text", "avg_logprob"),
    [
        ("Thank you very much.", -0.2),  # a learner thanking the partner, heard clearly
        ("5, 5", -0.74),
        ("I'm at rain station.", -0.86),
        ("I want to check in.", -0.25),
        ("Check in, check in.", -0.3),  # a learner insisting, not a loop: too short
        ("I want to rent a car, rent a car rental office.", -0.34),
        ("", -2.0),  # nothing heard is not a language question
    ],
)
def test_english_speech_is_english(text: str, avg_logprob: float) -> None:
    assert CHECK.is_english(decoded(text, avg_logprob))


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

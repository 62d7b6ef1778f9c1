"""EnglishCheck: when a Whisper decode is taken for speech that was not English.

The scores are those measured on eSpeak Korean, eSpeak English and the human recordings
(tiny.en, beam 5, 30 s and 10 s windows); the decision must not sit on a knife edge between
CPUs.
"""

from __future__ import annotations

import pytest

from scenario_engine.engines.local.english_check import EnglishCheck
from scenario_engine.engines.local.whisper_decode import Decoded

CHECK = EnglishCheck()


def decoded(text: str, avg_logprob: float, compression_ratio: float = 0.8) -> Decoded:
    return Decoded(text, avg_logprob, 0.3, compression_ratio, 3.0)


@pytest.mark.parametrize(
    ("text", "avg_logprob", "compression_ratio"),
    [
        ("Thank you very much.", -0.95, 0.7),  # Korean, on the CPU where -1.0 let it through
        ("Thank you very much for watching.", -1.07, 0.8),
        ("If you enjoyed this video, please like, share and subscribe.", -0.7, 1.0),
        ("Go see you soon!", -1.61, 0.7),
        ("You'll see that you'll see that you'll see that", -0.09, 27.1),
    ],
)
def test_what_whisper_writes_for_korean_is_not_english(
    text: str, avg_logprob: float, compression_ratio: float
) -> None:
    assert not CHECK.is_english(decoded(text, avg_logprob, compression_ratio))


@pytest.mark.parametrize(
    ("text", "avg_logprob"),
    [
        ("Thank you very much.", -0.2),  # a learner thanking the partner, heard clearly
        ("5, 5", -0.74),
        ("I'm at rain station.", -0.86),
        ("I want to check in.", -0.25),
        ("", -2.0),  # nothing heard is not a language question
    ],
)
def test_english_speech_is_english(text: str, avg_logprob: float) -> None:
    assert CHECK.is_english(decoded(text, avg_logprob))

"""spoken_words: Whisper's written style back into the words a learner said."""

from __future__ import annotations

import pytest

from scenario_engine.engines.local.transcript_text import integer_words, spoken_words


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Go forward 10 meters.", "Go forward ten meters."),
        ("A table for 2, please.", "A table for two, please."),
        ("At 7:30 or 9:05?", "At seven thirty or nine oh five?"),
        ("It's 6:00.", "It's six o'clock."),
        (
            "The 3rd floor, the 21st day, the 12th.",
            "The third floor, the twenty first day, the twelfth.",
        ),
        ("It costs $5.50 with 10% off.", "It costs five dollars fifty with ten percent off."),
        ("$20 or 2.5 kilos", "twenty dollars or two point five kilos"),
        ("I want to check-in...", "I want to check in"),
        ("Can I sign-up here? I'll pick-up the key.", "Can I sign up here? I'll pick up the key."),
        ("The check-in desk, the pick-up point", "The check-in desk, the pick-up point"),
        ('"Hello" (he said) - fish & chips', "Hello he said fish and chips"),
        ("Room 1,204", "Room one thousand two hundred four"),
        ("", ""),
    ],
)
def test_written_forms_become_spoken_words(written: str, spoken: str) -> None:
    assert spoken_words(written) == spoken


@pytest.mark.parametrize(
    ("number", "words"),
    [(0, "zero"), (19, "nineteen"), (40, "forty"), (99, "ninety nine"), (100, "one hundred"),
     (342, "three hundred forty two"), (2026, "two thousand twenty six"),
     (1_000_001, "one million one")],
)  # fmt: skip
def test_integers_in_words(number: int, words: str) -> None:
    assert integer_words(number) == words


def test_a_long_digit_string_is_read_digit_by_digit() -> None:
    spoken = "call zero one zero one two three four five six seven eight nine zero"
    assert spoken_words("call 0101234567890") == spoken

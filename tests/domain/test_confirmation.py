"""Answers to "Shall we start?" in English and Korean, as learners type or say them."""

import pytest

from scenario_engine.domain.confirmation import Answer, read_answer

YES = ["yes", "Yes.", "yeah", "ok", "Okay!", "sure", "Yes, let's start!", "that's right",
       "sounds good", "let's go", "correct", "yes please", "네", "네.", "예", "응", "좋아요",
       "네, 맞아요", "맞아요", "그래요", "시작해요", "오케이", "That’s right"]  # fmt: skip
NO = ["no", "No.", "nope", "that's not right", "wrong", "not really", "아니요", "아뇨",
      "아니에요", "틀려요"]  # fmt: skip
CORRECTIONS = ["no, I want to check out", "No, the place is a motel", "장소는 호텔 말고 모텔",
               "아니 모텔이요", "yes but the goal is check out", "I'm talking to the manager",
               "check out", "um", ""]  # fmt: skip


@pytest.mark.parametrize("text", YES)
def test_yes(text: str) -> None:
    assert read_answer(text) is Answer.YES


@pytest.mark.parametrize("text", NO)
def test_bare_no(text: str) -> None:
    assert read_answer(text) is Answer.NO


@pytest.mark.parametrize("text", CORRECTIONS)
def test_anything_else_is_a_correction(text: str) -> None:
    assert read_answer(text) is Answer.CORRECTION

"""Read a learner's answer to a proposed scenario: yes, a bare no, or a correction.

Pure word lists, English and Korean, so the same answer reads the same on every engine and
no model call is spent on "yes". Anything that is neither a plain yes nor a bare no is a
correction and goes back into the builder as a turn ("no, I want to check out").
"""

from __future__ import annotations

import re
from enum import StrEnum


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    CORRECTION = "correction"


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_YES = _word_set(
    "yes yeah yep yup ya yea sure ok okay right correct exactly perfect great good fine "
    "alright absolutely definitely start go begin ready "
    "네 예 응 넵 넹 어 좋아요 좋아 좋습니다 좋네요 맞아요 맞아 맞습니다 맞네요 그래요 그래 "
    "오케이 시작 시작해요 시작할게요 시작하자 시작해 네네 예스"
)
_NO = _word_set(
    "no nope nah not wrong incorrect isn't isnt don't dont "
    "아니요 아니오 아니 아뇨 아니에요 아닙니다 틀려요 틀렸어요 틀려 노 싫어요"
)
_FILLER = _word_set(
    "that's thats that is it it's its sounds let's lets ahead please i think so "
    "all of course very much thank thanks you really just now "
    "그럼 바로 이제 할게요 해요 주세요"
)
"""Words that carry no slot value: a yes or no wrapped in them is still a plain yes or no."""

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def read_answer(text: str) -> Answer:
    """Classify ``text`` as an answer to "Shall we start?"."""
    words = _words(text)
    negated = any(word in _NO for word in words)
    content = [word for word in words if word not in _YES | _NO | _FILLER]
    if content or not words:
        return Answer.CORRECTION
    if negated:
        return Answer.NO
    return Answer.YES if any(word in _YES for word in words) else Answer.CORRECTION

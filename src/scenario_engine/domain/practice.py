"""The interface through which a session reaches the role-play partner, the coach and the helper.

Engines implement ``PracticeLLM`` (``engines/openai/practice.py``, ``engines/local/practice.py``);
the session only passes data in and speaks what comes back. Implementations read their
arguments and never change them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from scenario_engine.domain.dialog_state import Line
from scenario_engine.domain.llm import TextStream
from scenario_engine.domain.slots import Slot, SlotValues

PARTNER_REPEAT = "Sorry, could you say that again?"
"""The partner's line when its model failed: in character, and the learner simply goes on."""


@dataclass(frozen=True, slots=True)
class PartnerLine:
    """What the partner says in character; ``goal_reached``: the learner's goal is done."""

    text: str
    goal_reached: bool = False


@dataclass(frozen=True, slots=True)
class PartnerSpeech:
    """A partner line that may still be arriving: its words are spoken while they stream (a
    model writes them before its verdict), and ``goal_reached()`` is known once they are all
    there (False if they broke off, or were cut short by the learner)."""

    text: TextStream
    goal_reached: Callable[[], bool]

    @classmethod
    def whole(cls, line: PartnerLine) -> PartnerSpeech:
        return cls(_whole(line.text), lambda: line.goal_reached)


async def _whole(text: str) -> TextStream:
    yield text


@dataclass(frozen=True, slots=True)
class Correction:
    said: str
    better: str
    why_ko: str


@dataclass(frozen=True, slots=True)
class Feedback:
    corrections: tuple[Correction, ...]
    well_done: str
    summary: str


@dataclass(frozen=True, slots=True)
class Help:
    """A question's Korean translation and 2-3 answers the learner could give."""

    translation_ko: str
    suggestions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HelpRequest:
    """What a question asks: ``slot`` for a follow-up, None for "Shall we start?"."""

    question: str
    slot: Slot | None
    known: SlotValues


class PracticeLLM(Protocol):
    async def open_scene(self, scenario: SlotValues) -> PartnerSpeech:
        """The partner's first line."""
        ...

    async def answer(self, scenario: SlotValues, lines: Sequence[Line]) -> PartnerSpeech:
        """The partner's answer; ``lines`` is the role-play so far, the learner's turn last."""
        ...

    async def feedback(self, scenario: SlotValues, said: Sequence[str]) -> Feedback:
        """Corrections of the learner's role-play turns ``said``, one thing done well, a summary."""
        ...

    async def help(self, request: HelpRequest) -> Help: ...

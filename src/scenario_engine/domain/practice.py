"""The interface through which a session reaches the role-play partner, the coach and the helper.

Engines implement ``PracticeLLM`` (``engines/openai/practice.py``, ``engines/local/practice.py``);
the session only passes data in and speaks what comes back. Implementations read their
arguments and never change them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from scenario_engine.domain.dialog_state import Line
from scenario_engine.domain.slots import Slot, SlotValues


@dataclass(frozen=True, slots=True)
class PartnerLine:
    """What the partner says in character; ``goal_reached``: the learner's goal is done."""

    text: str
    goal_reached: bool = False


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
    async def open_scene(self, scenario: SlotValues) -> PartnerLine:
        """The partner's first line."""
        ...

    async def answer(self, scenario: SlotValues, lines: Sequence[Line]) -> PartnerLine:
        """The partner's answer; ``lines`` is the role-play so far, the learner's turn last."""
        ...

    async def feedback(self, scenario: SlotValues, said: Sequence[str]) -> Feedback:
        """Corrections of the learner's role-play turns ``said``, one thing done well, a summary."""
        ...

    async def help(self, request: HelpRequest) -> Help: ...

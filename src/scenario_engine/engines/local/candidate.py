"""A value the extractor could give a slot, with what it knows of how the learner said it.

Every reading (a vocabulary alias, an English phrase, a Korean particle frame) yields candidates;
``slot_choice`` picks one per slot from them, and ``corrections`` moves or drops them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from scenario_engine.domain.slots import Slot
from scenario_engine.engines.local.vocabulary import STRONG

_ANALYSED = STRONG + 1
"""Strength of a place or partner read from Korean morphology: its particle says the slot."""
_LAST_RANK = 1 << 16


def analysed_rank(slot: Slot) -> tuple[int, int]:
    """Strength and rank of a value read from Korean morphology: a place or partner is framed
    by its particle and beats a bare vocabulary word; a goal from the lexicon ties with a
    vocabulary alias that names the action and loses the tie, since those aliases were written
    for their exact phrases ("짐 부치" -> check a bag)."""
    return (STRONG, _LAST_RANK) if slot is Slot.GOAL else (_ANALYSED, 0)


@dataclass(frozen=True, slots=True)
class Candidate:
    slot: Slot
    value: str
    segment: int
    from_vocabulary: bool
    framed: bool
    strength: int
    start: int
    rank: int
    said: str | None = None
    """The English words the learner used for a vocabulary value ("salesman" for sales clerk)."""
    with_learner: bool = False
    """A partner the learner is with ("with my coworkers"): any other partner is preferred."""
    ambiguous: bool = False
    """The learner's word has several values of this slot ("선생님": a doctor or a teacher)."""

    def moved(self, value: str, start: int, segment: int) -> Candidate:
        return replace(self, value=value, start=start, segment=segment)

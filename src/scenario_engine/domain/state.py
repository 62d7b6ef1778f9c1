"""ScenarioState: what the learner has told us so far and what we have asked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scenario_engine.domain.slots import Slot, SlotValues


@dataclass
class ScenarioState:
    """Mutable state of one scenario dialog, owned by its ScenarioBuilder.

    ``attempts`` counts the follow-up questions asked so far; ``asked_fields`` records which
    slots were asked about, in order, so the same thing is not asked twice while another slot
    remains; ``awaiting`` is the slot the latest question asked about, which lets an extractor
    read a bare answer ("the receptionist") as that slot.
    """

    slots: SlotValues = field(default_factory=SlotValues)
    attempts: int = 0
    asked_fields: list[Slot] = field(default_factory=list)
    awaiting: Slot | None = None
    turns: list[str] = field(default_factory=list)

    @property
    def place(self) -> str | None:
        return self.slots.place

    @property
    def partner(self) -> str | None:
        return self.slots.partner

    @property
    def goal(self) -> str | None:
        return self.slots.goal

    def missing_fields(self) -> list[Slot]:
        return [slot for slot in Slot if not self.slots.get(slot)]

    def is_complete(self) -> bool:
        return not self.missing_fields()

    def scenario_json(self) -> dict[str, str | None]:
        """The final scenario in the public protocol's shape (SPEC.md, ``scenario.completed``)."""
        return {
            "place": self.slots.place,
            "conversation_partner": self.slots.partner,
            "conversation_goal": self.slots.goal,
        }

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (the session store keeps it); ``from_dict`` reads it back."""
        return {
            "slots": {slot.value: self.slots.get(slot) for slot in Slot},
            "attempts": self.attempts,
            "asked_fields": [slot.value for slot in self.asked_fields],
            "awaiting": self.awaiting.value if self.awaiting else None,
            "turns": list(self.turns),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScenarioState:
        """The inverse of ``to_dict``; keys added later have defaults, so old data still loads."""
        slots = data.get("slots") or {}
        awaiting = data.get("awaiting")
        return cls(
            slots=SlotValues(**{slot.value: slots.get(slot.value) for slot in Slot}),
            attempts=int(data.get("attempts", 0)),
            asked_fields=[Slot(value) for value in data.get("asked_fields", [])],
            awaiting=Slot(awaiting) if awaiting else None,
            turns=[str(turn) for turn in data.get("turns", [])],
        )

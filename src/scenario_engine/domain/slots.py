"""The three slots of a scenario and an immutable set of values for them."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum

MAX_SLOT_CHARS = 80
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean_slot_value(value: str | None) -> str | None:
    """A slot value safe to show a client or put in a prompt: one short line, no controls."""
    if value is None:
        return None
    cleaned = " ".join(_CONTROL.sub(" ", value).split())[:MAX_SLOT_CHARS].strip()
    return cleaned or None


class Slot(StrEnum):
    """A piece of the scenario the learner has to tell us."""

    PLACE = "place"
    PARTNER = "partner"
    GOAL = "goal"


@dataclass(frozen=True, slots=True)
class SlotValues:
    """Values for some of the slots; ``None`` means "not stated"."""

    place: str | None = None
    partner: str | None = None
    goal: str | None = None

    def __post_init__(self) -> None:
        # Whatever an engine returns, values are clean from here on (frozen: set via object).
        for slot in ("place", "partner", "goal"):
            object.__setattr__(self, slot, clean_slot_value(getattr(self, slot)))

    def get(self, slot: Slot) -> str | None:
        return getattr(self, slot.value)  # type: ignore[no-any-return]

    def with_value(self, slot: Slot, value: str | None) -> SlotValues:
        return replace(self, **{slot.value: value})

    def overlaid_with(self, newer: SlotValues) -> SlotValues:
        """Values of ``newer`` win where it states one: a later correction replaces the old."""
        return SlotValues(
            place=newer.place or self.place,
            partner=newer.partner or self.partner,
            goal=newer.goal or self.goal,
        )

    def is_empty(self) -> bool:
        return not (self.place or self.partner or self.goal)

    def filled(self) -> dict[Slot, str]:
        return {slot: value for slot in Slot if (value := self.get(slot))}

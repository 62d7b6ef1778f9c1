"""The structured answer of one turn's model call: the reply first, then what it rests on.

Strict structured output writes the keys in the schema's order. Every token written before
the reply's first sentence is waited for by the learner (12 ms each under the bench's model),
so the reply comes first (``REPLY_FIRST``) and ``asks_about`` and the slots after it: speech is
made from the reply while they are written, and said once the builder has judged the reply on
them (``DraftAnswer``). ``SLOTS_FIRST``, the former order, writes the slots and ``asks_about``
first so the builder decides before the reply begins; it is kept as a setting to measure the
two against each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from openai.types.shared_params import ResponseFormatJSONSchema

from scenario_engine.domain.slots import Slot, SlotValues
from scenario_engine.engines.openai.streamed_json import AnswerShape, BadAnswer

MAX_REPLY_CHARS = 600
"""A spoken question or confirmation longer than this is a broken reply, not a short one."""

JUDGED_KEYS = ("asks_about", *(slot.value for slot in Slot))
"""What the builder judges the reply on."""


class TurnOrder(StrEnum):
    REPLY_FIRST = "reply_first"
    SLOTS_FIRST = "slots_first"


_PROPERTIES: dict[str, Any] = {
    **{slot.value: {"type": ["string", "null"]} for slot in Slot},
    "asks_about": {
        "anyOf": [{"type": "string", "enum": [s.value for s in Slot]}, {"type": "null"}]
    },
    "reply": {"type": "string"},
}
_KEYS = {
    TurnOrder.REPLY_FIRST: ("reply", *JUDGED_KEYS),
    TurnOrder.SLOTS_FIRST: (*(slot.value for slot in Slot), "asks_about", "reply"),
}


def turn_format(order: TurnOrder) -> ResponseFormatJSONSchema:
    """Every slot (a string or null), the slot the reply asks about (null: the final text),
    and the reply, in ``order``'s order."""
    keys = _KEYS[order]
    return {
        "type": "json_schema",
        "json_schema": {
            "name": "scenario_turn",
            "strict": True,
            "schema": {
                "type": "object",
                "properties": {key: _PROPERTIES[key] for key in keys},
                "required": list(keys),
                "additionalProperties": False,
            },
        },
    }


def turn_shape(order: TurnOrder) -> AnswerShape:
    keys = _KEYS[order]
    cut = keys.index("reply")
    return AnswerShape(keys[:cut], "reply", keys[cut + 1 :], max_chars=MAX_REPLY_CHARS)


@dataclass(frozen=True, slots=True)
class Judged:
    """What the reply is judged on: the slots, and the slot it asks about (None: final)."""

    slots: SlotValues
    asks_about: Slot | None


def judged(data: dict[str, Any]) -> Judged:
    """The slots and ``asks_about`` of an answer (its head or its whole), checked."""
    values: dict[str, str | None] = {}
    for slot in Slot:
        value = data[slot.value]
        if value is not None and not isinstance(value, str):
            raise BadAnswer("a slot is neither string nor null")
        values[slot.value] = value
    asks = data["asks_about"]
    if asks is not None and asks not in {s.value for s in Slot}:
        raise BadAnswer("asks_about names no slot")
    return Judged(SlotValues(**values), Slot(asks) if asks is not None else None)

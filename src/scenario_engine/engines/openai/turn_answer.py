"""The structured answer of one turn's model call: slots first, then the reply.

Strict structured output writes the keys in the schema's order, so once ``reply`` has begun,
the slots and ``asks_about`` before it are complete (``StreamedJSON`` reads them): the builder
can decide while the reply text is still arriving, and speech can start on its first sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openai.types.shared_params import ResponseFormatJSONSchema

from scenario_engine.domain.slots import Slot, SlotValues
from scenario_engine.engines.openai.streamed_json import AnswerShape, BadAnswer

HEAD_KEYS = (*(slot.value for slot in Slot), "asks_about")
MAX_REPLY_CHARS = 600
"""A spoken question or confirmation longer than this is a broken reply, not a short one."""

TURN_FORMAT: ResponseFormatJSONSchema = {
    "type": "json_schema",
    "json_schema": {
        "name": "scenario_turn",
        "strict": True,
        "schema": {
            "type": "object",
            "properties": {
                **{slot.value: {"type": ["string", "null"]} for slot in Slot},
                "asks_about": {
                    "anyOf": [{"type": "string", "enum": [s.value for s in Slot]},
                              {"type": "null"}]
                },
                "reply": {"type": "string"},
            },
            "required": [*HEAD_KEYS, "reply"],
            "additionalProperties": False,
        },
    },
}
"""Every slot (a string or null), the slot the reply asks about (null: the final text), and
the reply, in this order: the reply last, so the rest is known before it is spoken."""


@dataclass(frozen=True, slots=True)
class Head:
    slots: SlotValues
    asks_about: Slot | None


TURN_SHAPE = AnswerShape(HEAD_KEYS, "reply", max_chars=MAX_REPLY_CHARS)


def turn_head(data: dict[str, Any]) -> Head:
    """The slots and ``asks_about`` of an answer's head, checked."""
    values: dict[str, str | None] = {}
    for slot in Slot:
        value = data[slot.value]
        if value is not None and not isinstance(value, str):
            raise BadAnswer("a slot is neither string nor null")
        values[slot.value] = value
    asks = data["asks_about"]
    if asks is not None and asks not in {s.value for s in Slot}:
        raise BadAnswer("asks_about names no slot")
    return Head(SlotValues(**values), Slot(asks) if asks is not None else None)

"""The structured answer of one model call, read while it streams: slots first, then the reply.

Strict structured output writes the keys in the schema's order, so once ``reply`` has begun,
the slots and ``asks_about`` before it are complete: the builder can decide while the reply
text is still arriving, and speech can start on its first sentence. The buffer is parsed
again on each delta with jiter's partial mode (the SDK's own JSON parser), which gives an
unfinished trailing string as far as it is certain (a half escape sequence is left out), so
the reply only ever grows. The whole answer is checked once more when it is complete.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import jiter
from openai.types.shared_params import ResponseFormatJSONSchema

from scenario_engine.domain.slots import Slot, SlotValues

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


class BadAnswer(Exception):
    """The model answered, but not with something usable."""


@dataclass(frozen=True, slots=True)
class Head:
    slots: SlotValues
    asks_about: Slot | None


class AnswerReader:
    """Fed the content deltas of one streamed answer; sans I/O."""

    def __init__(self) -> None:
        self._buffer = ""
        self.head: Head | None = None
        self._reply = ""
        """The reply as far as it was handed out."""

    def feed(self, delta: str) -> str:
        """Take a content delta; returns the reply text it completed (often empty)."""
        self._buffer += delta
        try:
            partial = jiter.from_json(self._buffer.encode(), partial_mode="trailing-strings")
        except ValueError:
            return ""  # e.g. a half-written literal: the next delta completes it
        if not isinstance(partial, dict) or "reply" not in partial:
            return ""
        if self.head is None:
            if not all(key in partial for key in HEAD_KEYS):
                return ""  # keys out of order: the whole answer is read at the end
            self.head = _head(partial)
        return self._grow(partial["reply"])

    def finish(self) -> str:
        """The stream ended: check the whole answer; returns the rest of the reply."""
        try:
            data: Any = json.loads(self._buffer)
        except json.JSONDecodeError:
            raise BadAnswer("not JSON (cut off?)") from None
        if not isinstance(data, dict) or set(data) != {*HEAD_KEYS, "reply"}:
            raise BadAnswer("not the turn object")
        head = _head(data)
        if self.head is not None and head != self.head:
            raise BadAnswer("the slots changed after they were read")
        self.head = head
        rest = self._grow(data["reply"])
        if not self._reply.strip():
            raise BadAnswer("empty reply")
        return rest

    def _grow(self, reply: object) -> str:
        if not isinstance(reply, str):
            raise BadAnswer("the reply is not a string")
        if len(reply) > MAX_REPLY_CHARS:
            raise BadAnswer("overlong reply")
        if not reply.startswith(self._reply):
            return ""  # cannot happen with jiter's partial strings; never repeat text
        new, self._reply = reply[len(self._reply) :], reply
        return new


def _head(data: dict[str, Any]) -> Head:
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

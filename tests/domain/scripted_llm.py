"""A ScenarioLLM whose answers a test scripts, to drive the builder through every path."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from scenario_engine.domain.llm import LLMError, TextStream, TurnAnswer
from scenario_engine.domain.slots import Slot, SlotValues
from scenario_engine.domain.state import ScenarioState


async def text_stream(*pieces: str | LLMError) -> TextStream:
    """A reply arriving in ``pieces``; an ``LLMError`` among them breaks it off there."""
    for piece in pieces:
        if isinstance(piece, LLMError):
            raise piece
        yield piece


class ScriptedLLM:
    """Extractions by utterance; the reply is ``Q about <slot>?`` for the first slot of the
    ask order still unknown, or ``final text`` (``fail_text`` breaks it before any word)."""

    def __init__(
        self,
        extractions: dict[str, SlotValues] | None = None,
        fallback_answers: list[SlotValues | LLMError] | None = None,
    ) -> None:
        self.extractions = extractions or {}
        self.fallback_answers = list(fallback_answers or [])
        self.fail_extract = False
        self.fail_text = False
        self.calls: list[str] = []
        self.on_extract: Callable[[str, ScenarioState], None] | None = None

    async def turn(self, utterance: str, state: ScenarioState, ask_order: Sequence[Slot]) -> (
        TurnAnswer
    ):
        self.calls.append(f"turn:{utterance}")
        if self.on_extract:
            self.on_extract(utterance, state)
        if self.fail_extract:
            raise LLMError("llm_timeout", "scripted timeout")
        found = self.extractions.get(utterance, SlotValues())
        known = state.slots.overlaid_with(found)
        missing = [slot for slot in ask_order if not known.get(slot)]
        if missing:
            self.calls.append(f"asks:{missing[0].value}")
            return TurnAnswer(found, missing[0], self._reply(f"Q about {missing[0].value}?"))
        return TurnAnswer(found, None, self._reply("final text"))

    async def fallback(self, state: ScenarioState) -> TurnAnswer:
        self.calls.append("fallback")
        answer = self.fallback_answers.pop(0) if self.fallback_answers else SlotValues()
        if isinstance(answer, LLMError):
            raise answer
        return TurnAnswer(answer, None, self._reply("fallback final text"))

    def _reply(self, text: str) -> TextStream:
        if self.fail_text:
            return text_stream(LLMError("llm_timeout", "scripted timeout"))
        first, space, rest = text.partition(" ")
        return text_stream(first + space, rest)

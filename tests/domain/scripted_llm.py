"""A ScenarioLLM whose answers a test scripts, to drive the builder through every path."""

from __future__ import annotations

from collections.abc import Callable

from scenario_engine.domain.llm import LLMError
from scenario_engine.domain.slots import Slot, SlotValues
from scenario_engine.domain.state import ScenarioState


class ScriptedLLM:
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

    async def extract(self, utterance: str, state: ScenarioState) -> SlotValues:
        self.calls.append(f"extract:{utterance}")
        if self.on_extract:
            self.on_extract(utterance, state)
        if self.fail_extract:
            raise LLMError("llm_timeout", "scripted timeout")
        return self.extractions.get(utterance, SlotValues())

    async def follow_up(self, slot: Slot, state: ScenarioState) -> str:
        self.calls.append(f"follow_up:{slot.value}")
        if self.fail_text:
            raise LLMError("llm_timeout", "scripted timeout")
        return f"Q about {slot.value}?"

    async def final(self, state: ScenarioState) -> str:
        self.calls.append("final")
        if self.fail_text:
            raise LLMError("llm_timeout", "scripted timeout")
        return "final text"

    async def fallback(self, state: ScenarioState) -> SlotValues:
        self.calls.append("fallback")
        answer = self.fallback_answers.pop(0) if self.fallback_answers else SlotValues()
        if isinstance(answer, LLMError):
            raise answer
        return answer

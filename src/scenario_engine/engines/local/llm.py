"""LocalScenarioLLM: the ScenarioLLM of the embedded engine — a rule-based extractor and templates.

Deterministic and offline: extraction is the bilingual SlotExtractor, questions and final texts
are the domain's own phrasing. Extraction runs in a worker thread because Korean morphology
holds the GIL for its whole call; the event loop only waits for the thread's result.
"""

from __future__ import annotations

import asyncio

from scenario_engine.domain import phrasing
from scenario_engine.domain.slots import Slot, SlotValues
from scenario_engine.domain.state import ScenarioState
from scenario_engine.engines.local.extractor import SlotExtractor


class LocalScenarioLLM:
    name = "local-rules"

    def __init__(self, extractor: SlotExtractor | None = None) -> None:
        self._extractor = extractor or SlotExtractor()

    async def extract(self, utterance: str, state: ScenarioState) -> SlotValues:
        return await asyncio.to_thread(self._extractor.extract, utterance, state.awaiting)

    async def follow_up(self, slot: Slot, state: ScenarioState) -> str:
        return phrasing.follow_up_question(slot, state.slots, state.attempts)

    async def final(self, state: ScenarioState) -> str:
        return phrasing.final_text(state.slots)

    async def fallback(self, state: ScenarioState) -> SlotValues:
        """Re-read every turn in order, each as the answer to the question that preceded it."""
        return await asyncio.to_thread(self._reread, list(state.turns), list(state.asked_fields))

    def _reread(self, turns: list[str], asked_fields: list[Slot]) -> SlotValues:
        found = SlotValues()
        for index, turn in enumerate(turns):
            asked = asked_fields[index - 1] if 0 < index <= len(asked_fields) else None
            found = found.overlaid_with(self._extractor.extract(turn, asked))
        return found

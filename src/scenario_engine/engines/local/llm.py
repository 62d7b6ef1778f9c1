"""LocalScenarioLLM: the ScenarioLLM of the embedded engine — a rule-based extractor, no text.

Deterministic and offline: extraction is the bilingual SlotExtractor; it writes no reply of
its own, so the builder speaks the domain's templates (``phrasing``), which is what a rule
engine would write anyway. Extraction runs in a worker thread: it waits there for the Korean
analyzer's process (``morphology``), so the event loop never waits for it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from scenario_engine.domain.llm import TurnAnswer
from scenario_engine.domain.slots import Slot, SlotValues
from scenario_engine.domain.state import ScenarioState
from scenario_engine.engines.local.extractor import SlotExtractor


class LocalScenarioLLM:
    name = "local-rules"

    def __init__(self, extractor: SlotExtractor | None = None) -> None:
        self._extractor = extractor or SlotExtractor()

    async def turn(self, utterance: str, state: ScenarioState, ask_order: Sequence[Slot]) -> (
        TurnAnswer
    ):
        found = await asyncio.to_thread(self._extractor.extract, utterance, state.awaiting)
        return TurnAnswer(found)

    async def fallback(self, state: ScenarioState) -> TurnAnswer:
        """Re-read every turn in order, each as the answer to the question that preceded it."""
        found = await asyncio.to_thread(self._reread, list(state.turns), list(state.asked_fields))
        return TurnAnswer(found)

    def _reread(self, turns: list[str], asked_fields: list[Slot]) -> SlotValues:
        found = SlotValues()
        for index, turn in enumerate(turns):
            asked = asked_fields[index - 1] if 0 < index <= len(asked_fields) else None
            found = found.overlaid_with(self._extractor.extract(turn, asked))
        return found

"""ScenarioBuilder: the dialog logic of the seed design, over an abstract ScenarioLLM.

It decides, after each learner turn, whether to ask a follow-up question, finalize, or
finalize by fallback after ``max_attempts`` questions. It never performs I/O itself.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from scenario_engine.domain import phrasing
from scenario_engine.domain.llm import LLMError, ScenarioLLM
from scenario_engine.domain.prompts import KOREAN_FALLBACK_MESSAGE
from scenario_engine.domain.slots import Slot, SlotValues
from scenario_engine.domain.state import ScenarioState

FALLBACK_TRIES = 2
"""Tries of the last best-effort extraction, as in the seed design."""

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Reply:
    """What to say to the learner after a turn.

    ``scenario`` is set when the dialog is over (the ``scenario.completed`` payload);
    ``fault`` carries the model failure behind a Korean fallback reply; ``by_fallback`` marks
    a dialog finished by the fallback extraction after ``max_attempts`` questions.
    """

    text: str
    language: str = "en"
    scenario: dict[str, str | None] | None = None
    fault: LLMError | None = None
    by_fallback: bool = False

    @property
    def is_question(self) -> bool:
        return self.scenario is None and self.fault is None


class ScenarioBuilder:
    def __init__(
        self,
        llm: ScenarioLLM,
        max_attempts: int,
        state: ScenarioState | None = None,
        unextracted: list[str] | None = None,
    ):
        self._llm = llm
        self.max_attempts = max_attempts
        self.state = state or ScenarioState()
        self._unextracted: list[str] = list(unextracted or [])

    @property
    def unextracted(self) -> list[str]:
        """Turns whose extraction failed, to extract again with the next (a resumed dialog's
        builder starts from them)."""
        return list(self._unextracted)

    # --- the seed's operations ---------------------------------------------------------------
    async def ingest_user_text(self, text: str) -> SlotValues:
        """Record a learner turn, extract its slots and merge them into the state.

        Turns whose extraction failed are kept and extracted again with the next one, so
        nothing the learner said is lost to a transient model failure.
        """
        self.state.turns.append(text)
        self._unextracted.append(text)
        found = await self._llm.extract(" ".join(self._unextracted), self.state)
        self._unextracted.clear()
        self.state.slots = self.state.slots.overlaid_with(found)
        return found

    def is_complete(self) -> bool:
        return self.state.is_complete()

    def missing_fields(self) -> list[Slot]:
        return self.state.missing_fields()

    async def build_follow_up_question(self) -> str:
        """Ask about a missing slot not asked before (while one remains); counts the attempt."""
        missing = self.missing_fields()
        if not missing:
            raise ValueError("the scenario is complete; nothing to ask")
        fresh = [slot for slot in missing if slot not in self.state.asked_fields]
        slot = fresh[0] if fresh else missing[0]
        try:
            question = await self._llm.follow_up(slot, self.state)
        except LLMError as exc:
            logger.warning("follow-up question failed (%s); using the template", exc.code)
            question = phrasing.follow_up_question(slot, self.state.slots, self.state.attempts)
        self.state.attempts += 1
        self.state.asked_fields.append(slot)
        self.state.awaiting = slot
        return question

    async def finalize_scenario(self) -> Reply:
        try:
            text = await self._llm.final(self.state)
        except LLMError as exc:
            logger.warning("final text failed (%s); using the template", exc.code)
            text = phrasing.final_text(self.state.slots)
        return Reply(text=text, scenario=self.state.scenario_json())

    async def finalize_with_fallback(self) -> Reply:
        """Last best-effort extraction over the whole conversation, then finalize.

        Slots still unknown after ``FALLBACK_TRIES`` tries stay null.
        """
        for attempt in range(1, FALLBACK_TRIES + 1):
            try:
                found = await self._llm.fallback(self.state)
            except LLMError as exc:
                logger.warning("fallback extraction try %d failed (%s)", attempt, exc.code)
                continue
            self.state.slots = self.state.slots.overlaid_with(found)
            break
        final = await self.finalize_scenario()
        return replace(final, by_fallback=True)

    # --- the decision after each turn ----------------------------------------------------------
    async def respond(self, text: str) -> Reply:
        """Take one learner turn and decide what the service says next."""
        try:
            await self.ingest_user_text(text)
        except LLMError as exc:
            logger.warning("extraction failed (%s); the turn is kept", exc.code)
            return Reply(text=KOREAN_FALLBACK_MESSAGE, language="ko", fault=exc)
        if self.is_complete():
            return await self.finalize_scenario()
        if self.state.attempts >= self.max_attempts:
            return await self.finalize_with_fallback()
        return Reply(text=await self.build_follow_up_question())

"""ScenarioBuilder: the dialog logic of the seed design, over an abstract ScenarioLLM.

It decides, after each learner turn, whether to ask a follow-up question, finalize, or
finalize by fallback after ``max_attempts`` questions. One model call per turn brings the
slots and a proposed reply together; the builder merges the slots, makes the decision itself
and uses the model's words only when they say what it decided (a question about the slot it
picked, or the final text), else the template of ``phrasing``. It never performs I/O itself.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from scenario_engine.domain import phrasing
from scenario_engine.domain.failed_turns import FailedTurns
from scenario_engine.domain.llm import LLMError, ScenarioLLM, TurnAnswer, TurnCall
from scenario_engine.domain.prompts import KOREAN_FALLBACK_MESSAGE
from scenario_engine.domain.reply_text import ReplyText
from scenario_engine.domain.slots import Slot
from scenario_engine.domain.state import ScenarioState

FALLBACK_TRIES = 2
"""Tries of the last best-effort extraction, as in the seed design."""

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Reply:
    """What to say to the learner after a turn.

    ``speech`` may still be arriving from the model (``speech.text`` is whole once it was
    read). ``scenario`` is set when the dialog is over (the ``scenario.completed`` payload);
    ``fault`` carries the model failure behind a Korean fallback reply; ``by_fallback`` marks
    a dialog finished by the fallback extraction after ``max_attempts`` questions.
    """

    speech: ReplyText
    language: str = "en"
    scenario: dict[str, str | None] | None = None
    fault: LLMError | None = None
    by_fallback: bool = False

    @property
    def text(self) -> str:
        return self.speech.text

    @property
    def is_question(self) -> bool:
        return self.scenario is None and self.fault is None


class ScenarioBuilder:
    def __init__(
        self,
        llm: ScenarioLLM,
        max_attempts: int,
        state: ScenarioState | None = None,
        failed_turns: FailedTurns | None = None,
    ):
        self._llm = llm
        self.max_attempts = max_attempts
        self.state = state or ScenarioState()
        self._failed_turns = failed_turns or FailedTurns()

    def is_complete(self) -> bool:
        return self.state.is_complete()

    def missing_fields(self) -> list[Slot]:
        return self.state.missing_fields()

    def ask_order(self) -> list[Slot]:
        """Which missing slot a question is about: the first in this order (never-asked first)."""
        asked = self.state.asked_fields
        return [s for s in Slot if s not in asked] + [s for s in Slot if s in asked]

    def next_call(self, text: str) -> TurnCall:
        """The model call ``respond(text)`` would make now, changing nothing: a session may
        start it before it knows that ``text`` is the whole turn (session/speculation.py)."""
        state = ScenarioState.from_dict(self.state.to_dict())
        state.turns.append(text)
        return TurnCall(self._failed_turns.preview(text), state, tuple(self.ask_order()))

    # --- the decision after each turn ----------------------------------------------------------
    async def respond(self, text: str) -> Reply:
        """Take one learner turn and decide what the service says next.

        Turns whose model call failed are kept and sent again with the next one, so nothing
        the learner said is lost to a transient failure (within ``FailedTurns``' caps; too
        many failures in a row raise ``ModelGaveUp``).
        """
        self.state.turns.append(text)
        utterance = self._failed_turns.utterance(text)
        try:
            answer = await self._llm.turn(utterance, self.state, self.ask_order())
        except LLMError as exc:
            logger.warning("extraction failed (%s); the turn is kept", exc.code)
            self._failed_turns.failed()
            return Reply(ReplyText.fixed(KOREAN_FALLBACK_MESSAGE), language="ko", fault=exc)
        self._failed_turns.succeeded()
        self.state.slots = self.state.slots.overlaid_with(answer.slots)
        if self.is_complete():
            return await self._final(answer)
        if self.state.attempts >= self.max_attempts:
            await answer.discard()
            return await self.finalize_with_fallback()
        return Reply(await self._question(answer))

    async def _question(self, answer: TurnAnswer) -> ReplyText:
        """Ask about a missing slot not asked before (while one remains); counts the attempt."""
        slot = next(s for s in self.ask_order() if s in self.missing_fields())
        template = phrasing.follow_up_question(slot, self.state.slots, self.state.attempts)
        self.state.attempts += 1
        self.state.asked_fields.append(slot)
        self.state.awaiting = slot
        return await self._words(answer, slot, template)

    async def _final(self, answer: TurnAnswer, *, by_fallback: bool = False) -> Reply:
        speech = await self._words(answer, None, phrasing.final_text(self.state.slots))
        return Reply(speech, scenario=self.state.scenario_json(), by_fallback=by_fallback)

    @staticmethod
    async def _words(answer: TurnAnswer, wanted: Slot | None, template: str) -> ReplyText:
        """The model's reply if it says what was decided (a question about ``wanted``, or the
        final text when ``wanted`` is None), else ``template``."""
        if answer.reply is None:
            return ReplyText.fixed(template)
        if answer.asks_about is wanted:
            return ReplyText(answer.reply, template)
        logger.info("the model's reply is about %s, not %s; using the template",
                    answer.asks_about or "the final text", wanted or "the final text")
        await answer.discard()
        return ReplyText.fixed(template)

    async def finalize_with_fallback(self) -> Reply:
        """Last best-effort extraction over the whole conversation, then finalize.

        Slots still unknown after ``FALLBACK_TRIES`` tries stay null.
        """
        answer = TurnAnswer(self.state.slots)
        for attempt in range(1, FALLBACK_TRIES + 1):
            try:
                answer = await self._llm.fallback(self.state)
            except LLMError as exc:
                logger.warning("fallback extraction try %d failed (%s)", attempt, exc.code)
                continue
            self.state.slots = self.state.slots.overlaid_with(answer.slots)
            break
        return await self._final(answer, by_fallback=True)

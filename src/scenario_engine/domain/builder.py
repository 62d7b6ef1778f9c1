"""ScenarioBuilder: the dialog logic of the seed design, over an abstract ScenarioLLM.

It decides, after each learner turn, whether to ask a follow-up question, finalize, or
finalize by fallback after ``max_attempts`` questions. One model call per turn brings the
slots and a proposed reply together; the builder merges the slots, makes the decision itself
and uses the model's words only when they say what it decided (a question about the slot it
picked, or the final text), else the template of ``phrasing``. A model that writes its
reply before the slots gets its reply taken early (``on_draft``) and judged once the slots
are in, so speech can be made while they are written yet said only if it stands. It never
performs I/O itself.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from scenario_engine.domain import phrasing
from scenario_engine.domain.failed_turns import FailedTurns
from scenario_engine.domain.llm import Answer, LLMError, ScenarioLLM, TurnAnswer, TurnCall
from scenario_engine.domain.prompts import KOREAN_FALLBACK_MESSAGE
from scenario_engine.domain.reply_text import ReplyText
from scenario_engine.domain.slots import Slot
from scenario_engine.domain.state import ScenarioState

FALLBACK_TRIES = 2
"""Tries of the last best-effort extraction, as in the seed design."""

logger = logging.getLogger(__name__)

_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
"""A reply with Korean in it (the learner's words echoed) is not said in the English voice."""

OnDraft = Callable[[ReplyText], None]
"""Takes a reply the model wrote before the builder could judge it (see ``respond``)."""


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
    async def respond(self, text: str, on_draft: OnDraft | None = None) -> Reply:
        """Take one learner turn and decide what the service says next.

        A model that writes its reply before the slots (``DraftAnswer``) hands the reply to
        ``on_draft`` at once, before anything is decided: speech may be made from it, but only
        said if it comes back as this reply's ``speech`` (the builder accepted it); whoever
        took it drops it otherwise. Turns whose model call failed are kept and sent again
        with the next one, so nothing the learner said is lost to a transient failure (within
        ``FailedTurns``' caps; too many failures in a row raise ``ModelGaveUp``).
        """
        self.state.turns.append(text)
        utterance = self._failed_turns.utterance(text)
        try:
            answer, draft = await self._settled(
                await self._llm.turn(utterance, self.state, self.ask_order()), on_draft
            )
        except LLMError as exc:
            logger.warning("extraction failed (%s); the turn is kept", exc.code)
            self._failed_turns.failed()
            return Reply(ReplyText.fixed(KOREAN_FALLBACK_MESSAGE), language="ko", fault=exc)
        self._failed_turns.succeeded()
        self.state.slots = self.state.slots.overlaid_with(answer.slots)
        if self.is_complete():
            return await self._final(answer, draft)
        if self.state.attempts >= self.max_attempts:
            await _drop(answer, draft)
            return await self.finalize_with_fallback()
        return Reply(await self._question(answer, draft))

    @staticmethod
    async def _settled(
        called: Answer, on_draft: OnDraft | None
    ) -> tuple[TurnAnswer, _Draft | None]:
        """The answer with its slots; a draft reply goes to ``on_draft`` while they come."""
        if isinstance(called, TurnAnswer):
            return called, None
        draft = _Draft(ReplyText(called.reply, ""), owned=on_draft is None)
        if on_draft is not None:
            on_draft(draft.text)
        try:
            return await called.settle(), draft
        except BaseException:
            await called.discard()
            if draft.owned:
                await draft.text.aclose()
            raise

    async def _question(self, answer: TurnAnswer, draft: _Draft | None) -> ReplyText:
        """Ask about a missing slot not asked before (while one remains); counts the attempt."""
        slot = next(s for s in self.ask_order() if s in self.missing_fields())
        template = phrasing.follow_up_question(slot, self.state.slots, self.state.attempts)
        self.state.attempts += 1
        self.state.asked_fields.append(slot)
        self.state.awaiting = slot
        return await self._words(answer, draft, slot, template)

    async def _final(
        self, answer: TurnAnswer, draft: _Draft | None, *, by_fallback: bool = False
    ) -> Reply:
        speech = await self._words(answer, draft, None, phrasing.final_text(self.state.slots))
        return Reply(speech, scenario=self.state.scenario_json(), by_fallback=by_fallback)

    @staticmethod
    async def _words(
        answer: TurnAnswer, draft: _Draft | None, wanted: Slot | None, template: str
    ) -> ReplyText:
        """The model's reply if it says what was decided (a question about ``wanted``, or the
        final text when ``wanted`` is None), else ``template``. A draft that stands is
        returned itself, so speech already made from it can be said."""
        if answer.reply is None:
            await _drop(answer, draft)
            return ReplyText.fixed(template)
        if answer.written is not None and _HANGUL.search(answer.written):
            logger.info("the model's reply is not English; using the template")
            await _drop(answer, draft)
            return ReplyText.fixed(template)
        if answer.asks_about is wanted:
            if draft is not None and draft.text.reads(answer.reply):
                return draft.text.standing_in_for(template)
            await _drop(None, draft)  # a retry wrote other words than the draft's
            return ReplyText(answer.reply, template)
        logger.info("the model's reply is about %s, not %s; using the template",
                    answer.asks_about or "the final text", wanted or "the final text")
        await _drop(answer, draft)
        return ReplyText.fixed(template)

    async def finalize_with_fallback(self) -> Reply:
        """Last best-effort extraction over the whole conversation, then finalize.

        Slots still unknown after ``FALLBACK_TRIES`` tries stay null.
        """
        answer, draft = TurnAnswer(self.state.slots), None
        for attempt in range(1, FALLBACK_TRIES + 1):
            try:
                answer, draft = await self._settled(await self._llm.fallback(self.state), None)
            except LLMError as exc:
                logger.warning("fallback extraction try %d failed (%s)", attempt, exc.code)
                continue
            self.state.slots = self.state.slots.overlaid_with(answer.slots)
            break
        return await self._final(answer, draft, by_fallback=True)


@dataclass(frozen=True, slots=True)
class _Draft:
    """A reply the model wrote before its slots; ``owned``: no one else took it."""

    text: ReplyText
    owned: bool


async def _drop(answer: TurnAnswer | None, draft: _Draft | None) -> None:
    """The model's words are not used: close what the builder alone still reads."""
    if draft is not None and answer is not None and draft.text.reads(answer.reply):
        answer = None  # the draft's own stream: closed with the draft, by its owner
    if answer is not None:
        await answer.discard()
    if draft is not None and draft.owned:
        await draft.text.aclose()

"""A ScenarioLLM whose answers a test scripts, to drive the builder through every path."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from scenario_engine.domain.llm import Answer, LLMError, TextStream, TurnAnswer
from scenario_engine.domain.slots import Slot, SlotValues
from scenario_engine.domain.state import ScenarioState


async def text_stream(*pieces: str | LLMError) -> TextStream:
    """A reply arriving in ``pieces``; an ``LLMError`` among them breaks it off there."""
    for piece in pieces:
        if isinstance(piece, LLMError):
            raise piece
        yield piece


class ScriptedDraft:
    """A reply-first answer: ``reply`` now, ``answer``'s slots once ``settle`` is awaited
    (``settled`` is set then; ``fail`` makes it raise instead, as a call out of retries)."""

    def __init__(
        self,
        answer: TurnAnswer,
        written: str,
        fail: LLMError | None = None,
        retried: str | None = None,
    ) -> None:
        """``retried``: the draft's rest went wrong and a retry wrote these words instead."""
        assert answer.reply is not None
        self.reply = answer.reply
        reply = answer.reply if retried is None else text_stream(retried)
        self._answer = TurnAnswer(answer.slots, answer.asks_about, reply, retried or written)
        self._fail = fail
        self.discarded = False
        self.settled = asyncio.Event()

    async def settle(self) -> TurnAnswer:
        await asyncio.sleep(0)  # the slots come after the reply began
        self.settled.set()
        if self._fail is not None:
            raise self._fail
        return self._answer

    async def discard(self) -> None:
        self.discarded = True


class ScriptedLLM:
    """Extractions by utterance; the reply is ``Q about <slot>?`` for the first slot of the
    ask order still unknown, or ``final text`` (``fail_text`` breaks it before any word).
    ``reply_first``: answers are ``ScriptedDraft``s, the reply before the slots."""

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
        self.reply_first = False
        self.drafts: list[ScriptedDraft] = []

    async def turn(self, utterance: str, state: ScenarioState, ask_order: Sequence[Slot]) -> (
        Answer
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
            return self._answer(found, missing[0], f"Q about {missing[0].value}?")
        return self._answer(found, None, "final text")

    async def fallback(self, state: ScenarioState) -> Answer:
        self.calls.append("fallback")
        answer = self.fallback_answers.pop(0) if self.fallback_answers else SlotValues()
        if isinstance(answer, LLMError):
            raise answer
        return self._answer(answer, None, "fallback final text")

    def _answer(self, slots: SlotValues, asks_about: Slot | None, text: str) -> Answer:
        answer = TurnAnswer(slots, asks_about, self._reply(text))
        if not self.reply_first:
            return answer
        self.drafts.append(ScriptedDraft(answer, text))
        return self.drafts[-1]

    def _reply(self, text: str) -> TextStream:
        if self.fail_text:
            return text_stream(LLMError("llm_timeout", "scripted timeout"))
        first, space, rest = text.partition(" ")
        return text_stream(first + space, rest)

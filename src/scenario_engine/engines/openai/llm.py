"""OpenAIScenarioLLM: the builder's model calls over chat completions, streamed.

A turn is one call: a strict JSON schema (``turn_answer``) brings the reply and the slots
together, streamed. In the default order the reply comes first: the call returns once its
first words are in, as a ``StreamedDraft`` whose slots follow (speech is made from the reply
meanwhile, and said once the builder accepted it). In the slots-first order the call returns
once the slots are read and the reply streams on (``StreamedCalls``, with its retry budget,
either way). The fallback extraction after ``max_attempts`` is its own call of the same
shape. The learner's words enter the prompt as quoted JSON data inside ``<learner>`` tags,
never as instructions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scenario_engine.domain.llm import Answer, TurnAnswer
from scenario_engine.domain.prompts import Prompt, build_fallback_prompt, build_turn_prompt
from scenario_engine.domain.slots import Slot
from scenario_engine.domain.state import ScenarioState
from scenario_engine.engines.openai.draft_answer import StreamedDraft
from scenario_engine.engines.openai.streamed_call import CallFormat, StreamedCalls
from scenario_engine.engines.openai.turn_answer import (
    Judged,
    TurnOrder,
    judged,
    turn_format,
    turn_shape,
)

MAX_COMPLETION_TOKENS = 300
"""Slots and a sentence or two take ~60 tokens; more is a model that lost its way."""


def _nothing_to_judge(head: dict[str, Any]) -> None:
    """The head of a reply-first answer is empty: it is judged on what comes after."""


def turn_call(order: TurnOrder) -> CallFormat[Any]:
    if order is TurnOrder.REPLY_FIRST:
        return CallFormat(turn_format(order), turn_shape(order), _nothing_to_judge,
                          MAX_COMPLETION_TOKENS, await_words=True)
    return CallFormat(turn_format(order), turn_shape(order), judged, MAX_COMPLETION_TOKENS)


class OpenAIScenarioLLM:
    """Implements ``ScenarioLLM``; stateless apart from the shared client."""

    def __init__(self, calls: StreamedCalls, order: TurnOrder = TurnOrder.REPLY_FIRST) -> None:
        self._calls = calls
        self._order = order
        self._format = turn_call(order)

    async def turn(self, utterance: str, state: ScenarioState, ask_order: Sequence[Slot]) -> (
        Answer
    ):
        return await self._answer(build_turn_prompt(utterance, state, ask_order))

    async def fallback(self, state: ScenarioState) -> Answer:
        return await self._answer(build_fallback_prompt(state))

    async def _answer(self, prompt: Prompt) -> Answer:
        opened = await self._calls.call(prompt, self._format)
        if self._order is TurnOrder.REPLY_FIRST:
            return StreamedDraft(self._calls, prompt, self._format, opened, judged)
        head: Judged = opened.head
        return TurnAnswer(head.slots, head.asks_about, opened.text)

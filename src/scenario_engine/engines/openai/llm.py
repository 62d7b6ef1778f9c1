"""OpenAIScenarioLLM: the builder's model calls over chat completions, streamed.

A turn is one call: a strict JSON schema (``TURN_FORMAT``) brings the slots and the next
thing to say together, streamed, so the call returns once the slots are read and the reply
text follows while speech already starts (``StreamedCalls``, with its retry budget). The
fallback extraction after ``max_attempts`` is its own call of the same shape. The learner's
words enter the prompt as quoted JSON data inside ``<learner>`` tags, never as instructions.
"""

from __future__ import annotations

from collections.abc import Sequence

from scenario_engine.domain.llm import TurnAnswer
from scenario_engine.domain.prompts import Prompt, build_fallback_prompt, build_turn_prompt
from scenario_engine.domain.slots import Slot
from scenario_engine.domain.state import ScenarioState
from scenario_engine.engines.openai.streamed_call import CallFormat, StreamedCalls
from scenario_engine.engines.openai.turn_answer import TURN_FORMAT, TURN_SHAPE, Head, turn_head

MAX_COMPLETION_TOKENS = 300
"""Slots and a sentence or two take ~60 tokens; more is a model that lost its way."""

TURN_CALL = CallFormat(TURN_FORMAT, TURN_SHAPE, turn_head, MAX_COMPLETION_TOKENS)


class OpenAIScenarioLLM:
    """Implements ``ScenarioLLM``; stateless apart from the shared client."""

    def __init__(self, calls: StreamedCalls) -> None:
        self._calls = calls

    async def turn(self, utterance: str, state: ScenarioState, ask_order: Sequence[Slot]) -> (
        TurnAnswer
    ):
        return await self._answer(build_turn_prompt(utterance, state, ask_order))

    async def fallback(self, state: ScenarioState) -> TurnAnswer:
        return await self._answer(build_fallback_prompt(state))

    async def _answer(self, prompt: Prompt) -> TurnAnswer:
        opened = await self._calls.call(prompt, TURN_CALL)
        head: Head = opened.head
        return TurnAnswer(head.slots, head.asks_about, opened.text)

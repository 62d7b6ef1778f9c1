"""TurnDeadline: one deadline for all the model work of a learner turn.

Each model call had its own timeout and retries (15 s, two retries, backoff): with a model
that answers in 30 s the learner waited 46.5 s in silence per turn, and the fallback path
chained three such calls (~140 s). Here one deadline starts with the turn's model call and
covers it, its retries, the fallback extraction of the same turn and the streamed reply.
Past it the call raises ``LLMError("llm_timeout")``, which the builder already answers: the
turn is kept and the Korean fallback said, or, once the slots were read, the template text
of ``phrasing`` stands in for the model's words. It wraps a ``ScenarioLLM`` so the builder
and the engines stay as they are.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Sequence

from scenario_engine.domain.llm import LLMError, ScenarioLLM, TextStream, TurnAnswer
from scenario_engine.domain.slots import Slot
from scenario_engine.domain.state import ScenarioState


class TurnDeadline:
    """Implements ``ScenarioLLM`` over ``llm``; a turn's model work starts with ``turn``."""

    def __init__(self, llm: ScenarioLLM, limit_s: float) -> None:
        self._llm = llm
        self._limit_s = limit_s
        self._deadline: float | None = None

    async def turn(
        self, utterance: str, state: ScenarioState, ask_order: Sequence[Slot]
    ) -> TurnAnswer:
        self._deadline = asyncio.get_running_loop().time() + self._limit_s
        return await self._within(self._llm.turn(utterance, state, ask_order))

    async def fallback(self, state: ScenarioState) -> TurnAnswer:
        """Within the deadline of the turn that ran out of questions."""
        if self._deadline is None:
            self._deadline = asyncio.get_running_loop().time() + self._limit_s
        return await self._within(self._llm.fallback(state))

    async def _within(self, call: Awaitable[TurnAnswer]) -> TurnAnswer:
        deadline = self._deadline
        assert deadline is not None
        try:
            async with asyncio.timeout_at(deadline):
                answer = await call
        except TimeoutError:
            raise self._expired() from None
        if answer.reply is None:
            return answer
        return dataclasses.replace(answer, reply=self._bounded(answer.reply, deadline))

    async def _bounded(self, stream: TextStream, deadline: float) -> TextStream:
        try:
            while True:
                try:
                    async with asyncio.timeout_at(deadline):
                        piece = await anext(stream)
                except StopAsyncIteration:
                    return
                except TimeoutError:
                    raise self._expired() from None
                yield piece
        finally:
            await stream.aclose()

    def _expired(self) -> LLMError:
        return LLMError("llm_timeout", f"the turn's model work took over {self._limit_s:g} s")

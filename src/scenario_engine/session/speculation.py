"""Speculative turns: the model call of a learner turn, started at a pause before the turn ends.

With early commit (engines/openai/pause_turns.py) the speech input hears what the learner
said at a pause, while the silence that ends the turn is still running. The session starts
the builder's model call for those words then (``start``, with ``ScenarioBuilder.next_call``:
the very call the builder would make, computed without changing its state). If the turn
ends there, the builder makes that same call and gets the answer already under way; if the
learner goes on, the call is cancelled (``drop``) and its answer never reaches anyone. The
builder and the dialog see only final turns: a speculative answer is used only for a call
equal in every argument (the words, the whole scenario state, the order of the questions),
anything else drops it and asks afresh. Each call started is counted as used or dropped
(``scenario_speculative_turns_total``): a dropped one is a model call paid for nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from scenario_engine.domain.builder import ScenarioBuilder
from scenario_engine.domain.llm import Answer, ScenarioLLM, TurnAnswer, TurnCall
from scenario_engine.domain.slots import Slot
from scenario_engine.domain.state import ScenarioState
from scenario_engine.dropped_tasks import retrieve_failure
from scenario_engine.observability.metrics import Metrics


class _Started:
    """One speculative call: it holds its answer until it is taken, and discards the
    answer's still streaming reply if it is cancelled instead."""

    def __init__(self, llm: ScenarioLLM, call: TurnCall) -> None:
        self.call = call
        self._taken = asyncio.Event()
        self.task = asyncio.create_task(self._ask(llm), name="speculative-turn")
        self.task.add_done_callback(retrieve_failure)

    async def _ask(self, llm: ScenarioLLM) -> Answer:
        answer = await llm.turn(self.call.utterance, self.call.state, self.call.ask_order)
        try:
            await self._taken.wait()
        except asyncio.CancelledError:
            await answer.discard()
            if not isinstance(answer, TurnAnswer):  # a draft's reply is its taker's: ours
                await answer.reply.aclose()
            raise
        return answer

    async def take(self) -> Answer:
        self._taken.set()
        return await self.task


class SpeculativeTurns:
    """Implements ``ScenarioLLM`` over ``llm``, answering a turn from a call started early."""

    def __init__(self, llm: ScenarioLLM, metrics: Metrics) -> None:
        self._llm = llm
        self._metrics = metrics
        self._started: _Started | None = None
        self._dropped: set[asyncio.Task[Answer]] = set()

    def foresee(self, text: str | None, builder: ScenarioBuilder | None) -> None:
        """The learner paused after ``text`` (None: they went on): start the call ``builder``
        would make for it (None: the next turn is not the builder's, or one is waiting)."""
        if text is None or builder is None:
            self.drop()
        else:
            self.start(builder.next_call(text))

    def start(self, call: TurnCall) -> None:
        """Begin ``call`` now, for a turn that may turn out to be these words."""
        self.drop()
        self._started = _Started(self._llm, call)

    def drop(self) -> None:
        """The speculative call, if any, is not the turn's: cancel it."""
        started, self._started = self._started, None
        if started is None:
            return
        self._metrics.speculative_turns.labels("dropped").inc()
        started.task.cancel()
        self._dropped.add(started.task)
        started.task.add_done_callback(self._dropped.discard)

    async def aclose(self) -> None:
        """Cancel what is under way and wait until it has stopped (the session ends)."""
        self.drop()
        await asyncio.gather(*self._dropped, return_exceptions=True)

    async def turn(self, utterance: str, state: ScenarioState, ask_order: Sequence[Slot]) -> (
        Answer
    ):
        started = self._started
        if started is not None and started.call == TurnCall(utterance, state, tuple(ask_order)):
            self._started = None
            self._metrics.speculative_turns.labels("used").inc()
            return await started.take()
        self.drop()
        return await self._llm.turn(utterance, state, ask_order)

    async def fallback(self, state: ScenarioState) -> Answer:
        self.drop()
        return await self._llm.fallback(state)

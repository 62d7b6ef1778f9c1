"""One deadline covers a turn's model work: the call, its fallback and the streamed reply."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from scenario_engine.domain import phrasing
from scenario_engine.domain.builder import ScenarioBuilder
from scenario_engine.domain.llm import TextStream, TurnAnswer
from scenario_engine.domain.prompts import KOREAN_FALLBACK_MESSAGE
from scenario_engine.domain.slots import Slot, SlotValues
from scenario_engine.domain.state import ScenarioState
from scenario_engine.session.turn_deadline import TurnDeadline
from tests.domain.scripted_llm import text_stream


class SlowLLM:
    """A model that takes ``turn_s`` to read the slots, ``fallback_s`` per fallback call, and
    whose reply stalls for ``stall_s`` after its first piece."""

    def __init__(
        self, slots: SlotValues, turn_s: float = 0.0, fallback_s: float = 0.0, stall_s: float = 0
    ) -> None:
        self.slots, self.turn_s, self.fallback_s, self.stall_s = slots, turn_s, fallback_s, stall_s
        self.fallbacks = 0

    async def turn(
        self, utterance: str, state: ScenarioState, ask_order: Sequence[Slot]
    ) -> TurnAnswer:
        await asyncio.sleep(self.turn_s)
        missing = [
            slot for slot in ask_order if not state.slots.overlaid_with(self.slots).get(slot)
        ]
        return TurnAnswer(self.slots, missing[0] if missing else None, self._reply())

    async def fallback(self, state: ScenarioState) -> TurnAnswer:
        self.fallbacks += 1
        await asyncio.sleep(self.fallback_s)
        return TurnAnswer(self.slots, None, text_stream("fallback words"))

    async def _reply(self) -> TextStream:
        yield "Who "
        await asyncio.sleep(self.stall_s)
        yield "is it?"


async def test_a_model_slower_than_the_deadline_costs_the_deadline_and_keeps_the_turn() -> None:
    builder = ScenarioBuilder(TurnDeadline(SlowLLM(SlotValues(), turn_s=30), 0.3), 3)
    started = time.monotonic()
    reply = await builder.respond("i am at a hotel")
    assert time.monotonic() - started < 1.0
    assert reply.text == KOREAN_FALLBACK_MESSAGE
    assert reply.fault is not None and reply.fault.code == "llm_timeout"
    assert builder.state.turns == ["i am at a hotel"]


async def test_a_reply_that_stalls_is_cut_at_the_deadline() -> None:
    llm = SlowLLM(SlotValues(place="hotel"), stall_s=30)
    builder = ScenarioBuilder(TurnDeadline(llm, 0.3), 3)
    reply = await builder.respond("i am at a hotel")
    started = time.monotonic()
    assert await reply.speech.read_all() == "Who"  # what was said stays said; no more waiting
    assert time.monotonic() - started < 1.0


async def test_a_reply_that_stalls_before_its_first_word_is_the_template() -> None:
    class Silent(SlowLLM):
        async def _reply(self) -> TextStream:
            await asyncio.sleep(30)
            yield "never"

    builder = ScenarioBuilder(TurnDeadline(Silent(SlotValues(place="hotel")), 0.3), 3)
    reply = await builder.respond("i am at a hotel")
    expected = phrasing.follow_up_question(Slot.PARTNER, builder.state.slots, 0)
    assert await reply.speech.read_all() == expected


async def test_the_fallback_extraction_shares_the_deadline_of_its_turn() -> None:
    """The fallback path chained three calls of a full timeout each (~140 s): now the turn
    ends at its deadline with the final template and the slots it has."""
    llm = SlowLLM(SlotValues(place="hotel"), turn_s=0.1, fallback_s=30)
    builder = ScenarioBuilder(TurnDeadline(llm, 0.4), 1)
    builder.state.attempts = 1  # the questions are used up: this turn ends the dialog
    started = time.monotonic()
    reply = await builder.respond("i am at a hotel")
    assert time.monotonic() - started < 1.0
    assert llm.fallbacks == 2  # both tries made, the second failing at once
    assert reply.by_fallback and reply.scenario == builder.state.scenario_json()
    assert reply.text == phrasing.final_text(builder.state.slots)

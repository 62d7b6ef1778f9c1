"""One deadline covers a turn's model work: the call, its fallback, the streamed reply, and the
partner's, the coach's and the helper's calls of the same turn."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

import pytest

from scenario_engine.domain import phrasing
from scenario_engine.domain.builder import ScenarioBuilder
from scenario_engine.domain.dialog_state import Line
from scenario_engine.domain.llm import LLMError, TextStream, TurnAnswer
from scenario_engine.domain.practice import (
    Feedback,
    Help,
    HelpRequest,
    PartnerLine,
    PartnerSpeech,
)
from scenario_engine.domain.prompts import KOREAN_FALLBACK_MESSAGE
from scenario_engine.domain.reply_text import ReplyText
from scenario_engine.domain.slots import Slot, SlotValues
from scenario_engine.domain.state import ScenarioState
from scenario_engine.session.turn_deadline import PracticeDeadline, TurnClock, TurnDeadline
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
    builder = ScenarioBuilder(TurnDeadline(SlowLLM(SlotValues(), turn_s=30), TurnClock(0.3)), 3)
    started = time.monotonic()
    reply = await builder.respond("i am at a hotel")
    assert time.monotonic() - started < 5.0  # the deadline (and a loaded machine), not 30 s
    assert reply.text == KOREAN_FALLBACK_MESSAGE
    assert reply.fault is not None and reply.fault.code == "llm_timeout"
    assert builder.state.turns == ["i am at a hotel"]


async def test_a_reply_that_stalls_is_cut_at_the_deadline() -> None:
    llm = SlowLLM(SlotValues(place="hotel"), stall_s=30)
    builder = ScenarioBuilder(TurnDeadline(llm, TurnClock(0.3)), 3)
    reply = await builder.respond("i am at a hotel")
    started = time.monotonic()
    assert await reply.speech.read_all() == "Who"  # what was said stays said; no more waiting
    assert time.monotonic() - started < 5.0  # the deadline, not the stall's 30 s


async def test_a_reply_that_stalls_before_its_first_word_is_the_template() -> None:
    class Silent(SlowLLM):
        async def _reply(self) -> TextStream:
            await asyncio.sleep(30)
            yield "never"

    builder = ScenarioBuilder(TurnDeadline(Silent(SlotValues(place="hotel")), TurnClock(0.3)), 3)
    reply = await builder.respond("i am at a hotel")
    expected = phrasing.follow_up_question(Slot.PARTNER, builder.state.slots, 0)
    assert await reply.speech.read_all() == expected


async def test_a_drafted_reply_whose_slots_never_come_ends_at_the_deadline() -> None:
    """Reply first: the reply came, the slots after it stall; the draft is not said."""

    class Stalling:
        def __init__(self) -> None:
            self.reply = text_stream("Who ", "is it?")
            self.discarded = False

        async def settle(self) -> TurnAnswer:
            await asyncio.sleep(30)
            raise AssertionError("the deadline ends it first")

        async def discard(self) -> None:
            self.discarded = True

    draft = Stalling()

    class Drafting(SlowLLM):
        async def turn(
            self, utterance: str, state: ScenarioState, ask_order: Sequence[Slot]
        ) -> Stalling:
            return draft

    builder = ScenarioBuilder(TurnDeadline(Drafting(SlotValues()), TurnClock(0.3)), 3)
    taken: list[ReplyText] = []
    started = time.monotonic()
    reply = await builder.respond("i am at a hotel", on_draft=taken.append)
    assert time.monotonic() - started < 5.0  # the deadline (and a loaded machine), not 30 s
    assert reply.text == KOREAN_FALLBACK_MESSAGE and reply.speech is not taken[0]
    assert reply.fault is not None and reply.fault.code == "llm_timeout"
    assert draft.discarded and builder.state.turns == ["i am at a hotel"]


async def test_the_fallback_extraction_shares_the_deadline_of_its_turn() -> None:
    """The fallback path chained three calls of a full timeout each (~140 s): now the turn
    ends at its deadline with the final template and the slots it has."""
    llm = SlowLLM(SlotValues(place="hotel"), turn_s=0.1, fallback_s=30)
    builder = ScenarioBuilder(TurnDeadline(llm, TurnClock(2.0)), 1)
    builder.state.attempts = 1  # the questions are used up: this turn ends the dialog
    started = time.monotonic()
    reply = await builder.respond("i am at a hotel")
    # One shared deadline ends the turn at 2 s; a deadline per call would take 4.1 s.
    assert time.monotonic() - started < 3.5
    assert llm.fallbacks == 2  # both tries made, the second failing at once
    assert reply.by_fallback and reply.scenario == builder.state.scenario_json()
    assert reply.text == phrasing.final_text(builder.state.slots)


class SlowPractice:
    """Partner, coach and helper that take ``seconds`` each."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    async def _after(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def open_scene(self, scenario: SlotValues) -> PartnerSpeech:
        await self._after(self.seconds)
        return PartnerSpeech.whole(PartnerLine("Welcome!"))

    async def answer(self, scenario: SlotValues, lines: Sequence[Line]) -> PartnerSpeech:
        await self._after(self.seconds)
        return PartnerSpeech.whole(PartnerLine("Here is your key.", goal_reached=True))

    async def feedback(self, scenario: SlotValues, said: Sequence[str]) -> Feedback:
        await self._after(self.seconds)
        return Feedback((), "Well done.", "You checked in.")

    async def help(self, request: HelpRequest) -> Help:
        await self._after(self.seconds)
        return Help("도움", ("Yes.", "No."))


async def test_the_practice_calls_share_the_deadline_of_their_turn() -> None:
    """Partner, feedback and help each waited out their own timeouts and retries; now each
    call of a turn ends at that turn's deadline, not at one of its own."""
    clock = TurnClock(3.0)
    stalled = PracticeDeadline(SlowPractice(30), clock)
    clock.start()
    await asyncio.sleep(2.0)  # the turn's earlier work (the builder's call, the reply)
    started = time.monotonic()
    with pytest.raises(LLMError) as late:
        await stalled.help(HelpRequest("Shall we start?", None, SlotValues()))
    assert late.value.code == "llm_timeout"
    assert time.monotonic() - started < 2.9  # what was left of the turn (~1 s), not 3 s more
    clock.start()  # the next turn has a whole deadline again
    quick = PracticeDeadline(SlowPractice(0.1), clock)
    line = await quick.answer(SlotValues(), [])
    assert [piece async for piece in line.text] == ["Here is your key."]
    assert line.goal_reached()


async def test_a_stalled_partner_coach_or_helper_costs_the_deadline() -> None:
    clock = TurnClock(0.3)
    practice = PracticeDeadline(SlowPractice(30), clock)
    calls = [
        lambda: practice.open_scene(SlotValues()),
        lambda: practice.answer(SlotValues(), []),
        lambda: practice.feedback(SlotValues(), ["I have reservation"]),
        lambda: practice.help(HelpRequest("Who?", Slot.PARTNER, SlotValues())),
    ]
    for call in calls:
        clock.start()
        started = time.monotonic()
        with pytest.raises(LLMError) as late:
            await call()
        assert late.value.code == "llm_timeout" and "0.3 s" in str(late.value)
        assert time.monotonic() - started < 5.0  # the deadline, not the model's 30 s

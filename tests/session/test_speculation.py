"""A turn's model call started at a pause: used when the turn is those words, dropped else."""

from __future__ import annotations

import asyncio
import time

from scenario_engine.domain.builder import ScenarioBuilder
from scenario_engine.domain.failed_turns import FailedTurns
from scenario_engine.domain.llm import TurnCall
from scenario_engine.domain.slots import Slot, SlotValues
from scenario_engine.domain.state import ScenarioState
from scenario_engine.observability.metrics import Metrics
from scenario_engine.session.speculation import SpeculativeTurns
from tests.domain.scripted_llm import ScriptedLLM
from tests.session.test_turn_deadline import SlowLLM

HOTEL = SlotValues(place="hotel")


def outcomes(metrics: Metrics) -> dict[str, float]:
    sample = metrics.registry.get_sample_value
    return {
        outcome: sample("scenario_speculative_turns_total", {"outcome": outcome}) or 0.0
        for outcome in ("used", "dropped")
    }


def speculating(llm: ScriptedLLM | SlowLLM) -> tuple[SpeculativeTurns, ScenarioBuilder, Metrics]:
    metrics = Metrics()
    speculation = SpeculativeTurns(llm, metrics)
    return speculation, ScenarioBuilder(speculation, 3, failed_turns=FailedTurns()), metrics


async def test_next_call_is_the_call_respond_makes_and_changes_nothing() -> None:
    llm = ScriptedLLM({"i am at a hotel": HOTEL})
    made: list[TurnCall] = []
    llm.on_extract = lambda utterance, state: made.append(
        TurnCall(utterance, ScenarioState.from_dict(state.to_dict()), tuple(builder.ask_order()))
    )
    builder = ScenarioBuilder(llm, 3)
    before = builder.state.to_dict()
    call = builder.next_call("i am at a hotel")
    assert builder.state.to_dict() == before
    await builder.respond("i am at a hotel")
    assert made == [TurnCall("i am at a hotel", call.state, (Slot.PLACE, Slot.PARTNER, Slot.GOAL))]
    assert call == made[0]


async def test_a_turn_that_is_the_pauses_words_takes_the_call_started_there() -> None:
    llm = ScriptedLLM({"i am at a hotel": HOTEL})
    speculation, builder, metrics = speculating(llm)
    speculation.start(builder.next_call("i am at a hotel"))
    await asyncio.sleep(0)  # the call is under way
    assert llm.calls == ["turn:i am at a hotel", "asks:partner"]
    reply = await builder.respond("i am at a hotel")
    assert await reply.speech.read_all() == "Q about partner?"
    assert llm.calls == ["turn:i am at a hotel", "asks:partner"]  # one call for the turn
    assert outcomes(metrics) == {"used": 1, "dropped": 0}
    assert builder.state.slots == HOTEL


async def test_a_turn_with_more_words_drops_the_call_and_asks_afresh() -> None:
    llm = ScriptedLLM({"i am at a hotel with the receptionist": HOTEL})
    speculation, builder, metrics = speculating(llm)
    speculation.start(builder.next_call("i am at a hotel"))
    await asyncio.sleep(0)
    await builder.respond("i am at a hotel with the receptionist")
    assert [c for c in llm.calls if c.startswith("turn:")] == [
        "turn:i am at a hotel", "turn:i am at a hotel with the receptionist"
    ]
    assert outcomes(metrics) == {"used": 0, "dropped": 1}
    assert builder.state.turns == ["i am at a hotel with the receptionist"]


async def test_a_state_changed_since_the_pause_drops_the_call() -> None:
    llm = ScriptedLLM({"the receptionist": SlotValues(partner="receptionist")})
    speculation, builder, metrics = speculating(llm)
    speculation.start(builder.next_call("the receptionist"))
    builder.state.slots = HOTEL  # e.g. a scenario.edit came in between
    await builder.respond("the receptionist")
    assert outcomes(metrics) == {"used": 0, "dropped": 1}


async def test_the_backlog_of_failed_turns_is_part_of_the_call() -> None:
    llm = ScriptedLLM()
    speculation, builder, metrics = speculating(llm)
    llm.fail_extract = True
    await builder.respond("i am at")
    llm.fail_extract = False
    speculation.start(builder.next_call("a hotel"))
    await builder.respond("a hotel")
    assert llm.calls[-2:] == ["turn:i am at a hotel", "asks:place"]
    assert outcomes(metrics) == {"used": 1, "dropped": 0}


async def test_dropping_cancels_a_call_under_way() -> None:
    speculation, builder, metrics = speculating(SlowLLM(HOTEL, turn_s=30))
    speculation.start(builder.next_call("i am at a hotel"))
    await asyncio.sleep(0.01)
    started = time.monotonic()
    await speculation.aclose()  # drops it and waits until it stopped
    assert time.monotonic() - started < 5.0
    assert outcomes(metrics) == {"used": 0, "dropped": 1}

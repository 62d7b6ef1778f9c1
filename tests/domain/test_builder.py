from scenario_engine.domain.builder import FALLBACK_TRIES, ScenarioBuilder
from scenario_engine.domain.llm import LLMError
from scenario_engine.domain.prompts import KOREAN_FALLBACK_MESSAGE
from scenario_engine.domain.slots import Slot, SlotValues
from tests.domain.scripted_llm import ScriptedLLM

HOTEL = SlotValues(place="hotel", partner="receptionist", goal="check in")


async def test_complete_in_one_turn_finalizes_with_the_scenario() -> None:
    builder = ScenarioBuilder(ScriptedLLM({"all": HOTEL}), max_attempts=3)
    reply = await builder.respond("all")
    assert reply.text == "final text"
    assert reply.scenario == {
        "place": "hotel",
        "conversation_partner": "receptionist",
        "conversation_goal": "check in",
    }
    assert builder.state.attempts == 0


async def test_later_correction_replaces_earlier_value_and_nulls_do_not_erase() -> None:
    llm = ScriptedLLM(
        {
            "a": SlotValues(place="bank", goal="open an account"),
            "b": SlotValues(place="post office"),
        }
    )
    builder = ScenarioBuilder(llm, max_attempts=3)
    await builder.respond("a")
    await builder.respond("b")
    assert builder.state.slots == SlotValues(place="post office", goal="open an account")


async def test_follow_up_asks_each_missing_slot_once_before_repeating() -> None:
    builder = ScenarioBuilder(ScriptedLLM(), max_attempts=5)
    asked = [(await builder.respond(str(turn))).text for turn in range(4)]
    assert asked == ["Q about place?", "Q about partner?", "Q about goal?", "Q about place?"]
    assert builder.state.asked_fields == [Slot.PLACE, Slot.PARTNER, Slot.GOAL, Slot.PLACE]
    assert builder.state.attempts == 4


async def test_follow_up_skips_filled_slots_and_sets_awaiting() -> None:
    builder = ScenarioBuilder(ScriptedLLM({"x": SlotValues(place="cafe")}), max_attempts=3)
    reply = await builder.respond("x")
    assert reply.text == "Q about partner?"
    assert builder.state.awaiting is Slot.PARTNER
    assert builder.missing_fields() == [Slot.PARTNER, Slot.GOAL]


async def test_attempts_limit_leads_to_fallback_that_fills_what_it_can() -> None:
    llm = ScriptedLLM(fallback_answers=[SlotValues(place="airport")])
    builder = ScenarioBuilder(llm, max_attempts=2)
    assert (await builder.respond("1")).scenario is None
    assert (await builder.respond("2")).scenario is None
    reply = await builder.respond("3")
    assert llm.calls.count("follow_up:place") + llm.calls.count("follow_up:partner") == 2
    assert "fallback" in llm.calls
    assert reply.scenario == {
        "place": "airport",
        "conversation_partner": None,
        "conversation_goal": None,
    }
    assert builder.state.turns == ["1", "2", "3"]


async def test_fallback_tries_at_most_twice_then_finalizes_with_nulls() -> None:
    failure = LLMError("llm_timeout", "t")
    llm = ScriptedLLM(
        {"a": SlotValues(goal="order food")},
        fallback_answers=[failure, failure, SlotValues(place="never")],
    )
    builder = ScenarioBuilder(llm, max_attempts=1)
    await builder.respond("a")
    reply = await builder.respond("b")
    assert llm.calls.count("fallback") == FALLBACK_TRIES == 2
    assert reply.scenario == {
        "place": None,
        "conversation_partner": None,
        "conversation_goal": "order food",
    }


async def test_fallback_second_try_succeeds() -> None:
    llm = ScriptedLLM(fallback_answers=[LLMError("bad_json", "x"), SlotValues(partner="nurse")])
    builder = ScenarioBuilder(llm, max_attempts=1)
    await builder.respond("a")
    reply = await builder.respond("b")
    assert reply.scenario is not None and reply.scenario["conversation_partner"] == "nurse"


async def test_extraction_failure_answers_in_korean_and_keeps_the_turn() -> None:
    llm = ScriptedLLM({"hotel receptionist check in": HOTEL})
    builder = ScenarioBuilder(llm, max_attempts=3)
    llm.fail_extract = True
    reply = await builder.respond("hotel receptionist")
    assert reply.text == KOREAN_FALLBACK_MESSAGE and reply.language == "ko"
    assert reply.fault is not None and reply.fault.code == "llm_timeout"
    assert builder.state.attempts == 0
    llm.fail_extract = False
    reply = await builder.respond("check in")
    # The failed turn is extracted again together with the new one.
    assert "extract:hotel receptionist check in" in llm.calls
    assert reply.scenario is not None
    assert builder.state.turns == ["hotel receptionist", "check in"]


async def test_text_failures_fall_back_to_template_wording() -> None:
    llm = ScriptedLLM({"p": SlotValues(place="pharmacy")})
    llm.fail_text = True
    builder = ScenarioBuilder(llm, max_attempts=3)
    reply = await builder.respond("p")
    assert reply.text == "Who will you talk to at the pharmacy?"
    llm.extractions["rest"] = SlotValues(partner="pharmacist", goal="buy medicine")
    final = await builder.respond("rest")
    assert "pharmacist" in final.text and final.scenario is not None

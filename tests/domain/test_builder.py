from scenario_engine.domain.builder import FALLBACK_TRIES, Reply, ScenarioBuilder
from scenario_engine.domain.llm import LLMError, TurnAnswer
from scenario_engine.domain.prompts import KOREAN_FALLBACK_MESSAGE
from scenario_engine.domain.slots import Slot, SlotValues
from scenario_engine.domain.state import ScenarioState
from tests.domain.scripted_llm import ScriptedLLM, text_stream

HOTEL = SlotValues(place="hotel", partner="receptionist", goal="check in")


async def said(reply: Reply) -> str:
    """The reply's words as a learner hears them (a streamed reply is read to its end)."""
    return await reply.speech.read_all()


async def test_complete_in_one_turn_finalizes_with_the_scenario_in_one_call() -> None:
    llm = ScriptedLLM({"all": HOTEL})
    builder = ScenarioBuilder(llm, max_attempts=3)
    reply = await builder.respond("all")
    assert await said(reply) == "final text"
    assert reply.scenario == {
        "place": "hotel",
        "conversation_partner": "receptionist",
        "conversation_goal": "check in",
    }
    assert builder.state.attempts == 0
    assert llm.calls == ["turn:all"]


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
    llm = ScriptedLLM()
    builder = ScenarioBuilder(llm, max_attempts=5)
    asked = [await said(await builder.respond(str(turn))) for turn in range(4)]
    assert asked == ["Q about place?", "Q about partner?", "Q about goal?", "Q about place?"]
    assert builder.state.asked_fields == [Slot.PLACE, Slot.PARTNER, Slot.GOAL, Slot.PLACE]
    assert builder.state.attempts == 4
    assert [call for call in llm.calls if call.startswith("turn:")] == [
        f"turn:{turn}" for turn in range(4)
    ]  # one model call per turn


async def test_follow_up_skips_filled_slots_and_sets_awaiting() -> None:
    builder = ScenarioBuilder(ScriptedLLM({"x": SlotValues(place="cafe")}), max_attempts=3)
    reply = await builder.respond("x")
    assert await said(reply) == "Q about partner?"
    assert builder.state.awaiting is Slot.PARTNER
    assert builder.missing_fields() == [Slot.PARTNER, Slot.GOAL]


async def test_the_reply_is_known_to_be_used_before_its_text_arrives() -> None:
    """The builder decides on the slots alone: the reply text is still a stream."""
    builder = ScenarioBuilder(ScriptedLLM({"x": SlotValues(place="cafe")}), max_attempts=3)
    reply = await builder.respond("x")
    assert not reply.speech.done and reply.text == ""
    assert [piece async for piece in reply.speech.pieces()] == ["Q ", "about partner?"]
    assert reply.speech.done and reply.text == "Q about partner?"


class OffTopicLLM(ScriptedLLM):
    """Asks about another slot than the builder picks, or asks where the final is due."""

    async def turn(self, utterance: str, state: ScenarioState, ask_order: object) -> TurnAnswer:
        found = self.extractions.get(utterance, SlotValues())
        self.closed = False

        async def reply():  # type: ignore[no-untyped-def]
            try:
                yield "Where is the moon?"
            finally:
                self.closed = True

        return TurnAnswer(found, Slot.GOAL, reply())


async def test_a_reply_that_says_something_else_is_replaced_by_the_template() -> None:
    llm = OffTopicLLM({"x": SlotValues(place="pharmacy"), "y": HOTEL})
    builder = ScenarioBuilder(llm, max_attempts=3)
    question = await builder.respond("x")  # the builder asks about the partner, not the goal
    assert await said(question) == "Who will you talk to at the pharmacy?"
    final = await builder.respond("y")  # complete: a question is not the final text
    assert "receptionist" in await said(final) and final.scenario is not None


async def test_attempts_limit_leads_to_fallback_that_fills_what_it_can() -> None:
    llm = ScriptedLLM(fallback_answers=[SlotValues(place="airport")])
    builder = ScenarioBuilder(llm, max_attempts=2)
    assert (await builder.respond("1")).scenario is None
    assert (await builder.respond("2")).scenario is None
    reply = await builder.respond("3")
    assert builder.state.asked_fields == [Slot.PLACE, Slot.PARTNER]
    assert llm.calls.count("fallback") == 1
    assert reply.by_fallback and await said(reply) == "fallback final text"
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
    assert "order food" in await said(reply)  # the template final text


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
    assert "turn:hotel receptionist check in" in llm.calls
    assert reply.scenario is not None
    assert builder.state.turns == ["hotel receptionist", "check in"]


async def test_a_reply_that_breaks_before_its_first_word_falls_back_to_the_template() -> None:
    llm = ScriptedLLM({"p": SlotValues(place="pharmacy")})
    llm.fail_text = True
    builder = ScenarioBuilder(llm, max_attempts=3)
    reply = await builder.respond("p")
    assert await said(reply) == "Who will you talk to at the pharmacy?"
    llm.extractions["rest"] = SlotValues(partner="pharmacist", goal="buy medicine")
    final = await builder.respond("rest")
    assert "pharmacist" in await said(final) and final.scenario is not None


async def test_a_reply_that_breaks_after_some_words_keeps_what_was_said() -> None:
    class Breaking(ScriptedLLM):
        async def turn(self, utterance: str, state: ScenarioState, ask_order: object) -> (
            TurnAnswer
        ):
            stream = text_stream("Who will you", LLMError("llm_connection", "gone"))
            return TurnAnswer(SlotValues(place="pharmacy"), Slot.PARTNER, stream)

    reply = await ScenarioBuilder(Breaking(), max_attempts=3).respond("p")
    assert await said(reply) == "Who will you"

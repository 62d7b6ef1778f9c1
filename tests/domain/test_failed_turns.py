"""Failed turns are sent again within caps, and a run of failures ends the dialog."""

import pytest

from scenario_engine.domain.builder import ScenarioBuilder
from scenario_engine.domain.failed_turns import FailedTurns, ModelGaveUp
from scenario_engine.domain.prompts import KOREAN_FALLBACK_MESSAGE
from scenario_engine.domain.slots import SlotValues
from tests.domain.scripted_llm import ScriptedLLM


def test_the_backlog_keeps_the_newest_turns_within_its_caps() -> None:
    backlog = FailedTurns(max_turns=3, max_chars=25, max_failed=1000)
    assert backlog.utterance("one") == "one"
    backlog.failed()
    assert backlog.utterance("two") == "one two"
    backlog.failed()
    assert backlog.utterance("three") == "one two three"
    backlog.failed()
    assert backlog.utterance("four") == "two three four"  # three turns at most
    backlog.failed()
    assert backlog.utterance("a much longer fifth turn") == "a much longer fifth turn"
    backlog.failed()
    long_turn = "x" * 100  # over the length cap alone: the newest turn is always whole
    assert backlog.utterance(long_turn) == long_turn
    backlog.succeeded()
    assert backlog.utterance("six") == "six"


async def test_a_model_that_keeps_failing_gets_a_bounded_prompt_then_ends_the_dialog() -> None:
    """While the model is down the prompt stops growing (it grew to 200,058 characters over
    200 turns), and the third failure in a row ends the dialog instead of a fourth apology."""
    llm = ScriptedLLM({"i am at a hotel": SlotValues(place="hotel")})
    llm.fail_extract = True
    builder = ScenarioBuilder(llm, 3, failed_turns=FailedTurns(2, 1000, max_failed=3))
    for text in ("i am at a hotel", "the receptionist"):
        reply = await builder.respond(text)
        assert reply.text == KOREAN_FALLBACK_MESSAGE and reply.fault is not None
    with pytest.raises(ModelGaveUp, match="failed 3 turns in a row"):
        await builder.respond("to check in")
    assert llm.calls == [
        "turn:i am at a hotel",
        "turn:i am at a hotel the receptionist",
        "turn:the receptionist to check in",  # two turns at most: the oldest went first
    ]


async def test_a_success_resets_the_run_of_failures_and_the_backlog() -> None:
    llm = ScriptedLLM({"at a hotel i am": SlotValues(place="hotel")})
    builder = ScenarioBuilder(llm, 5, failed_turns=FailedTurns(3, 1000, max_failed=2))
    for _ in range(3):  # never two failures in a row: the dialog goes on
        llm.fail_extract = True
        assert (await builder.respond("at a hotel")).fault is not None
        llm.fail_extract = False
        assert (await builder.respond("i am")).fault is None
    assert builder.state.slots.place == "hotel"  # the failed turn was sent again
    assert llm.calls.count("turn:at a hotel i am") == 3  # and only once each time

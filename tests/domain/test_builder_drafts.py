"""The builder and a model that writes its reply before the slots: the draft is handed out
before anything is decided, and is the reply only if it says what the builder decided."""

from __future__ import annotations

from scenario_engine.domain.builder import ScenarioBuilder
from scenario_engine.domain.llm import Answer, LLMError, TurnAnswer
from scenario_engine.domain.prompts import KOREAN_FALLBACK_MESSAGE
from scenario_engine.domain.reply_text import ReplyText
from scenario_engine.domain.slots import Slot, SlotValues
from scenario_engine.domain.state import ScenarioState
from tests.domain.scripted_llm import ScriptedDraft, ScriptedLLM, text_stream

HOTEL = SlotValues(place="hotel", partner="receptionist", goal="check in")


def drafting(extractions: dict[str, SlotValues]) -> ScriptedLLM:
    llm = ScriptedLLM(extractions)
    llm.reply_first = True
    return llm


class Taker:
    """The session's side: takes each draft (and notes whether the slots were in by then)."""

    def __init__(self, llm: ScriptedLLM) -> None:
        self.llm = llm
        self.taken: list[ReplyText] = []
        self.before_the_slots: list[bool] = []

    def __call__(self, draft: ReplyText) -> None:
        self.taken.append(draft)
        self.before_the_slots.append(not self.llm.drafts[-1].settled.is_set())


async def test_a_draft_that_asks_what_was_decided_is_the_reply_itself() -> None:
    llm = drafting({"x": SlotValues(place="cafe")})
    builder = ScenarioBuilder(llm, max_attempts=3)
    taker = Taker(llm)

    reply = await builder.respond("x", on_draft=taker)

    assert taker.before_the_slots == [True]  # handed out before the builder could judge it
    assert reply.speech is taker.taken[0]  # the same words: speech made of it may be said
    assert await reply.speech.read_all() == "Q about partner?"
    assert builder.state.awaiting is Slot.PARTNER and builder.state.slots.place == "cafe"


async def test_a_final_draft_on_complete_slots_is_the_final_text() -> None:
    llm = drafting({"x": HOTEL})
    builder = ScenarioBuilder(llm, max_attempts=3)
    taker = Taker(llm)

    reply = await builder.respond("x", on_draft=taker)

    assert reply.scenario is not None and reply.speech is taker.taken[0]
    assert await reply.speech.read_all() == "final text"


class OffTopicDrafts(ScriptedLLM):
    """Drafts a question about the goal, whatever the builder will pick, or Korean words."""

    def __init__(self, extractions: dict[str, SlotValues], text: str) -> None:
        super().__init__(extractions)
        self.text = text

    async def turn(self, utterance: str, state: ScenarioState, ask_order: object) -> Answer:
        found = self.extractions.get(utterance, SlotValues())
        draft = ScriptedDraft(TurnAnswer(found, Slot.GOAL, text_stream(self.text)), self.text)
        self.drafts.append(draft)
        return draft


async def test_a_draft_about_another_slot_is_not_the_reply_the_template_is() -> None:
    llm = OffTopicDrafts({"x": SlotValues(place="pharmacy")}, "What do you want to do?")
    builder = ScenarioBuilder(llm, max_attempts=3)
    taker = Taker(llm)

    reply = await builder.respond("x", on_draft=taker)  # the builder asks about the partner

    assert reply.speech is not taker.taken[0]
    assert await reply.speech.read_all() == "Who will you talk to at the pharmacy?"
    assert await taker.taken[0].read_all() == "What do you want to do?"  # the taker drops it


async def test_a_question_drafted_when_the_slots_are_complete_gives_way_to_the_final_text() -> None:
    llm = OffTopicDrafts({"x": HOTEL}, "What do you want to do?")
    builder = ScenarioBuilder(llm, max_attempts=3)
    taker = Taker(llm)

    reply = await builder.respond("x", on_draft=taker)

    assert reply.scenario is not None and reply.speech is not taker.taken[0]
    assert "receptionist" in await reply.speech.read_all()


async def test_a_draft_with_korean_in_it_is_not_said_in_the_english_voice() -> None:
    llm = OffTopicDrafts({"x": SlotValues(place="hotel", partner="receptionist")},
                         "What do you want to do at the 호텔?")
    builder = ScenarioBuilder(llm, max_attempts=3)
    taker = Taker(llm)

    reply = await builder.respond("x", on_draft=taker)  # asks about the goal, as drafted

    assert reply.speech is not taker.taken[0]
    text = await reply.speech.read_all()
    assert "호텔" not in text and "receptionist" in text  # the template


async def test_a_draft_whose_slots_never_come_is_a_failed_turn_kept_for_the_next() -> None:
    class Broken(ScriptedLLM):
        async def turn(self, utterance: str, state: ScenarioState, ask_order: object) -> (
            Answer
        ):
            answer = TurnAnswer(SlotValues(), Slot.PLACE, text_stream("Where are you?"))
            self.drafts.append(ScriptedDraft(answer, "Where are you?",
                                             LLMError("llm_bad_reply", "scripted")))
            return self.drafts[-1]

    llm = Broken()
    builder = ScenarioBuilder(llm, max_attempts=3)
    taker = Taker(llm)

    reply = await builder.respond("i am at a hotel", on_draft=taker)

    assert reply.speech is not taker.taken[0] and reply.text == KOREAN_FALLBACK_MESSAGE
    assert reply.fault is not None and reply.fault.code == "llm_bad_reply"
    assert llm.drafts[0].discarded
    assert builder.state.turns == ["i am at a hotel"]


async def test_words_a_retry_wrote_after_the_draft_are_the_reply_not_the_draft() -> None:
    class Retried(ScriptedLLM):
        async def turn(self, utterance: str, state: ScenarioState, ask_order: object) -> (
            Answer
        ):
            answer = TurnAnswer(SlotValues(place="hotel"), Slot.PARTNER, text_stream("Who?"))
            self.drafts.append(ScriptedDraft(answer, "Who?", retried="Who is it?"))
            return self.drafts[-1]

    llm = Retried()
    builder = ScenarioBuilder(llm, max_attempts=3)
    taker = Taker(llm)

    reply = await builder.respond("x", on_draft=taker)

    assert reply.speech is not taker.taken[0]
    assert await reply.speech.read_all() == "Who is it?"


async def test_without_a_taker_the_builder_reads_the_draft_itself() -> None:
    llm = drafting({"x": SlotValues(place="cafe"), "y": SlotValues()})
    builder = ScenarioBuilder(llm, max_attempts=1)

    question = await builder.respond("x")
    assert await question.speech.read_all() == "Q about partner?"
    final = await builder.respond("y")  # out of questions: the fallback, drafted too
    assert final.by_fallback and await final.speech.read_all() == "fallback final text"
    assert llm.calls[-1] == "fallback"

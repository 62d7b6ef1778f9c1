from scenario_engine.domain.phrasing import final_text, follow_up_question
from scenario_engine.domain.slots import Slot, SlotValues


def test_question_names_what_is_known() -> None:
    assert follow_up_question(Slot.PARTNER, SlotValues(place="hotel"), 0) == (
        "Who will you talk to at the hotel?"
    )
    assert "receptionist" in follow_up_question(Slot.GOAL, SlotValues(partner="receptionist"), 0)
    assert "check in" in follow_up_question(Slot.PLACE, SlotValues(goal="check in"), 0)


def test_questions_vary_with_the_attempt() -> None:
    known = SlotValues(place="bank")
    assert follow_up_question(Slot.PARTNER, known, 0) != follow_up_question(Slot.PARTNER, known, 1)


def test_final_text_uses_only_known_slots() -> None:
    text = final_text(SlotValues(place="hotel", partner="receptionist", goal="check in"))
    assert "at the hotel" in text and "the receptionist" in text and "to check in" in text
    partial = final_text(SlotValues(goal="order food"))
    assert "order food" in partial and "None" not in partial
    assert "None" not in final_text(SlotValues())

from scenario_engine.domain.slots import Slot, SlotValues
from scenario_engine.domain.state import ScenarioState


def test_missing_fields_and_completion() -> None:
    state = ScenarioState()
    assert state.missing_fields() == [Slot.PLACE, Slot.PARTNER, Slot.GOAL]
    state.slots = SlotValues(place="cafe", partner="barista", goal="order coffee")
    assert state.is_complete()
    assert state.scenario_json() == {
        "place": "cafe",
        "conversation_partner": "barista",
        "conversation_goal": "order coffee",
    }


def test_overlay_keeps_old_values_where_the_newer_has_none() -> None:
    old = SlotValues(place="bank", partner="teller")
    assert old.overlaid_with(SlotValues(place="post office")) == SlotValues(
        place="post office", partner="teller"
    )


def test_slot_values_are_cleaned_of_controls_and_capped() -> None:
    values = SlotValues(place="the\x00 hotel\n\tlobby", partner="x" * 500, goal="  \x1b ")
    assert values.place == "the hotel lobby"
    assert values.partner == "x" * 80
    assert values.goal is None

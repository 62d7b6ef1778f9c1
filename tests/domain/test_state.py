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

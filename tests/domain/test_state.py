import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


slot_text = st.none() | st.text(min_size=1, max_size=90)


@given(
    place=slot_text,
    partner=slot_text,
    goal=slot_text,
    attempts=st.integers(0, 20),
    asked=st.lists(st.sampled_from(list(Slot)), max_size=5),
    awaiting=st.none() | st.sampled_from(list(Slot)),
    turns=st.lists(st.text(max_size=200), max_size=5),
)
def test_state_survives_a_round_trip_through_json(  # type: ignore[no-untyped-def]
    place, partner, goal, attempts, asked, awaiting, turns
) -> None:
    state = ScenarioState(
        slots=SlotValues(place=place, partner=partner, goal=goal),
        attempts=attempts,
        asked_fields=asked,
        awaiting=awaiting,
        turns=turns,
    )
    assert ScenarioState.from_dict(json.loads(json.dumps(state.to_dict()))) == state


@pytest.mark.parametrize(
    "broken",
    [
        {},
        {"slots": {"place": 3, "partner": None, "goal": None}},
        {"attempts": "many"},
        {"asked_fields": ["weather"]},
        {"turns": [None]},
    ],
)
def test_foreign_data_is_refused_not_half_read(broken: dict[str, object]) -> None:
    data = ScenarioState().to_dict() | broken if broken else {}
    with pytest.raises((KeyError, ValueError, TypeError)):
        ScenarioState.from_dict(data)

"""DialogState is the session store's record: it must survive JSON unchanged, old and new."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scenario_engine.domain.dialog_state import (
    STATE_VERSION,
    DialogState,
    Line,
    Phase,
    SessionOptions,
    Speaker,
)
from scenario_engine.domain.slots import Slot, SlotValues
from scenario_engine.domain.state import ScenarioState

_slot_value = st.none() | st.from_regex(r"[a-z]{1,10}( [a-z]{1,10})?", fullmatch=True)

scenario_states = st.builds(
    ScenarioState,
    slots=st.builds(SlotValues, place=_slot_value, partner=_slot_value, goal=_slot_value),
    attempts=st.integers(0, 5),
    asked_fields=st.lists(st.sampled_from(list(Slot)), max_size=4),
    awaiting=st.none() | st.sampled_from(list(Slot)),
    turns=st.lists(st.text(max_size=40), max_size=4),
)
dialog_states = st.builds(
    DialogState,
    phase=st.sampled_from(list(Phase)),
    scenario=scenario_states,
    options=st.builds(
        SessionOptions,
        confirm_scenario=st.booleans(),
        roleplay=st.booleans(),
        help_language=st.none() | st.just("ko"),
    ),
    transcript=st.lists(
        st.builds(
            Line, st.sampled_from(list(Speaker)), st.text(max_size=40), st.sampled_from(list(Phase))
        ),
        max_size=6,
    ),
    proposals=st.integers(0, 5),
    by_fallback=st.booleans(),
    roleplay_turns=st.integers(0, 10),
)


@given(dialog_states)
def test_json_round_trip_gives_back_the_same_state(state: DialogState) -> None:
    stored = json.dumps(state.to_dict(), ensure_ascii=False)
    assert DialogState.from_dict(json.loads(stored)) == state


def test_the_stored_shape_is_stable() -> None:
    """Issue 15's store keeps this dict: renaming a key breaks every stored session."""
    state = DialogState(
        phase=Phase.ROLE_PLAY,
        scenario=ScenarioState(
            slots=SlotValues(place="hotel", partner="receptionist", goal="check in"),
            attempts=1, asked_fields=[Slot.GOAL], awaiting=Slot.GOAL,
            turns=["I'm at a hotel", "check in"],
        ),
        options=SessionOptions(confirm_scenario=True, roleplay=True, help_language="ko"),
        transcript=[Line(Speaker.LEARNER, "yes", Phase.PROPOSED)],
        proposals=1, roleplay_turns=0,
    )  # fmt: skip
    assert state.to_dict() == {
        "version": STATE_VERSION,
        "phase": "role_play",
        "scenario": {
            "slots": {"place": "hotel", "partner": "receptionist", "goal": "check in"},
            "attempts": 1, "asked_fields": ["goal"], "awaiting": "goal",
            "turns": ["I'm at a hotel", "check in"],
        },
        "options": {"confirm_scenario": True, "roleplay": True, "help_language": "ko"},
        "transcript": [{"speaker": "learner", "text": "yes", "phase": "proposed"}],
        "proposals": 1, "by_fallback": False, "roleplay_turns": 0,
    }  # fmt: skip


def test_a_dict_missing_later_fields_loads_with_their_defaults() -> None:
    assert DialogState.from_dict({"phase": "collecting"}) == DialogState()


def test_a_state_from_a_newer_release_is_refused() -> None:
    with pytest.raises(ValueError, match="newer"):
        DialogState.from_dict({"version": STATE_VERSION + 1})

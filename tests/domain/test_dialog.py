"""The dialog's phases, driven without a server: feed events, check phase and effects."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scenario_engine.domain.dialog import TRANSITIONS, Dialog, DialogLimits, TransitionError
from scenario_engine.domain.dialog_events import (
    AnswerInCharacter,
    AskBuilder,
    AskForCorrection,
    Close,
    Complete,
    Configure,
    Configured,
    EndRolePlay,
    Event,
    FeedbackGiven,
    GiveFeedback,
    LearnerTurn,
    OpenRolePlay,
    PartnerSaid,
    Propose,
    ScenarioReady,
    SlotEdited,
    TutorSaid,
)
from scenario_engine.domain.dialog_state import DialogState, Phase, SessionOptions, Speaker
from scenario_engine.domain.slots import Slot, SlotValues

LIMITS = DialogLimits(max_proposals=2, max_roleplay_turns=3)
HOTEL = SlotValues(place="hotel", partner="receptionist", goal="check in")
ALL_OPTIONS = SessionOptions(confirm_scenario=True, roleplay=True, help_language="ko")


def _dialog(options: SessionOptions | None = None, slots: SlotValues = HOTEL) -> Dialog:
    dialog = Dialog(LIMITS)
    if options is not None:
        assert dialog.handle(Configure(options)) == [Configured(options)]
    dialog.state.scenario.slots = slots  # what the builder would have learned
    return dialog


def _proposed(options: SessionOptions = ALL_OPTIONS) -> Dialog:
    dialog = _dialog(options)
    assert dialog.handle(LearnerTurn("I'm at a hotel to check in")) == [
        AskBuilder("I'm at a hotel to check in")
    ]
    [propose] = dialog.handle(ScenarioReady())
    assert isinstance(propose, Propose) and dialog.phase is Phase.PROPOSED
    return dialog


def _role_play() -> Dialog:
    dialog = _proposed()
    dialog.handle(LearnerTurn("yes"))
    assert dialog.phase is Phase.ROLE_PLAY
    assert dialog.handle(PartnerSaid("Hello, welcome. How can I help you?")) == []
    return dialog


def test_without_options_the_seed_contract_holds_completed_then_close() -> None:
    dialog = _dialog()
    assert dialog.handle(LearnerTurn("hotel, receptionist, check in")) == [
        AskBuilder("hotel, receptionist, check in")
    ]
    effects = dialog.handle(ScenarioReady())
    assert effects == [Complete(HOTEL_JSON, by_fallback=False), Close("scenario completed")]
    assert dialog.phase is Phase.COMPLETED


HOTEL_JSON = {"place": "hotel", "conversation_partner": "receptionist",
              "conversation_goal": "check in"}  # fmt: skip


def test_options_are_refused_after_the_first_turn_naming_phase_and_event() -> None:
    dialog = _dialog()
    dialog.handle(LearnerTurn("hello"))
    with pytest.raises(TransitionError) as raised:
        dialog.handle(Configure(ALL_OPTIONS))
    assert str(raised.value) == (
        "'session.configure' is not allowed in phase 'collecting': "
        "options are set before the first turn"
    )
    assert dialog.state.options == SessionOptions()


def test_a_proposal_names_the_gaps_the_fallback_left() -> None:
    dialog = _dialog(ALL_OPTIONS, SlotValues(place="hotel"))
    dialog.handle(LearnerTurn("I don't know"))
    [propose] = dialog.handle(ScenarioReady(by_fallback=True))
    assert propose == Propose(
        {"place": "hotel", "conversation_partner": None, "conversation_goal": None},
        gaps=(Slot.PARTNER, Slot.GOAL),
    )
    [complete, _] = dialog.handle(LearnerTurn("네, 좋아요"))
    assert complete == Complete(propose.scenario, by_fallback=True)


@pytest.mark.parametrize("yes", ["yes", "Yes, let's start!", "네", "좋아요", "sounds good"])
def test_yes_completes_and_opens_the_role_play(yes: str) -> None:
    dialog = _proposed()
    assert dialog.handle(LearnerTurn(yes)) == [
        Complete(HOTEL_JSON, by_fallback=False),
        OpenRolePlay(HOTEL_JSON),
    ]
    assert dialog.phase is Phase.ROLE_PLAY


def test_yes_without_role_play_completes_and_closes() -> None:
    dialog = _proposed(SessionOptions(confirm_scenario=True))
    assert dialog.handle(LearnerTurn("yes")) == [
        Complete(HOTEL_JSON, by_fallback=False),
        Close("scenario completed"),
    ]


def test_a_correction_goes_to_the_builder_and_is_proposed_again() -> None:
    dialog = _proposed()
    assert dialog.handle(LearnerTurn("no, I want to check out")) == [
        AskBuilder("no, I want to check out")
    ]
    assert dialog.phase is Phase.COLLECTING
    dialog.state.scenario.slots = HOTEL.with_value(Slot.GOAL, "check out")
    [propose] = dialog.handle(ScenarioReady())
    assert propose == Propose({**HOTEL_JSON, "conversation_goal": "check out"}, gaps=())
    assert dialog.state.proposals == 2


def test_a_bare_no_asks_what_to_change() -> None:
    dialog = _proposed()
    assert dialog.handle(LearnerTurn("아니요")) == [AskForCorrection()]
    assert dialog.phase is Phase.COLLECTING
    assert dialog.handle(LearnerTurn("the goal is check out")) == [
        AskBuilder("the goal is check out")
    ]


def test_after_the_last_proposal_a_correction_is_applied_then_the_scenario_completes() -> None:
    dialog = _proposed()
    dialog.handle(LearnerTurn("no, a motel"))
    dialog.handle(ScenarioReady())
    assert dialog.state.proposals == LIMITS.max_proposals
    assert dialog.handle(LearnerTurn("no, the goal is check out")) == [
        AskBuilder("no, the goal is check out")
    ]
    [complete, open_role_play] = dialog.handle(ScenarioReady())
    assert isinstance(complete, Complete) and isinstance(open_role_play, OpenRolePlay)


def test_a_bare_no_after_the_last_proposal_completes_with_what_is_known() -> None:
    dialog = _proposed()
    dialog.handle(LearnerTurn("no, a motel"))
    dialog.handle(ScenarioReady())
    [complete, _] = dialog.handle(LearnerTurn("no"))
    assert isinstance(complete, Complete)


def test_editing_a_slot_on_the_card_proposes_again() -> None:
    dialog = _proposed()
    [propose] = dialog.handle(SlotEdited(Slot.PLACE, "motel"))
    assert propose == Propose({**HOTEL_JSON, "place": "motel"}, gaps=())


def test_role_play_turns_are_answered_until_the_turn_limit_then_feedback() -> None:
    dialog = _role_play()
    for turn in ("I want check in", "My name is Kim", "Two night"):
        assert dialog.handle(LearnerTurn(turn)) == [AnswerInCharacter(turn)]
        effects = dialog.handle(PartnerSaid("Sure."))
    assert effects == [GiveFeedback("turn_limit")]
    assert dialog.phase is Phase.FEEDBACK
    assert dialog.handle(FeedbackGiven()) == [Close("role-play finished")]
    learner = [line.text for line in dialog.state.lines(Phase.ROLE_PLAY)
               if line.speaker is Speaker.LEARNER]  # fmt: skip
    assert learner == ["I want check in", "My name is Kim", "Two night"]


def test_the_partner_reaching_the_goal_ends_the_role_play_but_not_its_opening() -> None:
    dialog = _proposed()
    dialog.handle(LearnerTurn("yes"))
    assert dialog.handle(PartnerSaid("Hello! Checking in?", goal_reached=True)) == []
    dialog.handle(LearnerTurn("Yes, I have a reservation."))
    assert dialog.handle(PartnerSaid("Here is your key.", goal_reached=True)) == [
        GiveFeedback("goal")
    ]


def test_the_learner_can_end_the_role_play() -> None:
    dialog = _role_play()
    assert dialog.handle(EndRolePlay()) == [GiveFeedback("learner")]


SAMPLES: list[Event] = [
    Configure(SessionOptions()),
    LearnerTurn("hello"),
    ScenarioReady(),
    SlotEdited(Slot.GOAL, "check out"),
    TutorSaid("Where are you?"),
    PartnerSaid("Hello."),
    EndRolePlay(),
    FeedbackGiven(),
]


@pytest.mark.parametrize("phase", list(Phase))
@pytest.mark.parametrize("event", SAMPLES, ids=lambda event: event.kind)
def test_every_pair_missing_from_the_table_is_an_error_naming_phase_and_event(
    phase: Phase, event: Event
) -> None:
    dialog = Dialog(LIMITS, DialogState(phase=phase, options=ALL_OPTIONS))
    if (phase, event.kind) in TRANSITIONS:
        dialog.handle(event)
        assert dialog.phase in TRANSITIONS[phase, event.kind]
        return
    with pytest.raises(TransitionError) as raised:
        dialog.handle(event)
    assert raised.value.phase is phase and raised.value.kind == event.kind
    assert f"{event.kind!r} is not allowed in phase {phase.value!r}" == str(raised.value)
    assert dialog.state == DialogState(phase=phase, options=ALL_OPTIONS)


def test_a_restored_state_goes_on_where_it_stopped() -> None:
    dialog = _proposed()
    stored = json.dumps(dialog.state.to_dict())
    restored = Dialog(LIMITS, DialogState.from_dict(json.loads(stored)))
    assert restored.phase is Phase.PROPOSED
    assert restored.handle(LearnerTurn("yes")) == dialog.handle(LearnerTurn("yes"))
    assert restored.state == dialog.state


MORE = [LearnerTurn("yes"), LearnerTurn("no"), PartnerSaid("Done.", goal_reached=True)]
OPTION_SETS = [SessionOptions(), ALL_OPTIONS, SessionOptions(confirm_scenario=True)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*SAMPLES, *MORE]), max_size=30), st.sampled_from(OPTION_SETS))
def test_any_event_sequence_moves_only_along_the_table(
    events: list[Event], options: SessionOptions
) -> None:
    dialog = _dialog(options)
    for event in events:
        before = dialog.phase
        try:
            dialog.handle(event)
        except TransitionError:
            continue
        assert dialog.phase in TRANSITIONS[before, event.kind]
        assert dialog.state.proposals <= LIMITS.max_proposals

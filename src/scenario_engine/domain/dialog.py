"""Dialog: the phases of one learner's session, as a pure state machine.

Events go in (``Dialog.handle``), effects come out; nothing here awaits or does I/O, so every
path is tested without a server (tests/domain/test_dialog.py). The session carries the data:
it runs the builder, speaks, sends events, and reports back what happened as events.

Every phase change is listed in ``TRANSITIONS``; a (phase, event) pair missing from it raises
``TransitionError`` naming both, and a handler that lands outside the listed targets is a bug
caught by an assertion. The state is one plain dataclass (``DialogState``), restored by
passing it to the constructor.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from scenario_engine.domain.confirmation import Answer, read_answer
from scenario_engine.domain.dialog_events import (
    AnswerInCharacter,
    AskBuilder,
    AskForCorrection,
    Close,
    Complete,
    Configure,
    Configured,
    Effect,
    EndedBy,
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
from scenario_engine.domain.dialog_state import DialogState, Line, Phase, Speaker

logger = logging.getLogger(__name__)


# --- the machine --------------------------------------------------------------------------------
class TransitionError(Exception):
    """An event the current phase does not take; the session answers it with a coded error."""

    def __init__(self, phase: Phase, kind: str, detail: str = "") -> None:
        reason = f": {detail}" if detail else ""
        super().__init__(f"{kind!r} is not allowed in phase {phase.value!r}{reason}")
        self.phase = phase
        self.kind = kind


P = Phase
TRANSITIONS: dict[tuple[Phase, str], frozenset[Phase]] = {
    (P.COLLECTING, Configure.kind): frozenset({P.COLLECTING}),
    (P.COLLECTING, LearnerTurn.kind): frozenset({P.COLLECTING}),
    (P.COLLECTING, ScenarioReady.kind): frozenset({P.PROPOSED, P.COMPLETED, P.ROLE_PLAY}),
    (P.PROPOSED, LearnerTurn.kind): frozenset({P.COLLECTING, P.COMPLETED, P.ROLE_PLAY}),
    (P.PROPOSED, SlotEdited.kind): frozenset({P.PROPOSED, P.COMPLETED, P.ROLE_PLAY}),
    (P.ROLE_PLAY, LearnerTurn.kind): frozenset({P.ROLE_PLAY}),
    (P.ROLE_PLAY, PartnerSaid.kind): frozenset({P.ROLE_PLAY, P.FEEDBACK}),
    (P.ROLE_PLAY, EndRolePlay.kind): frozenset({P.FEEDBACK}),
    (P.FEEDBACK, FeedbackGiven.kind): frozenset({P.FEEDBACK}),
    **{(phase, TutorSaid.kind): frozenset({phase}) for phase in P},
}
"""(phase, event kind) -> the phases the event may lead to. Nothing else moves the phase."""


@dataclass(frozen=True, slots=True)
class DialogLimits:
    """Budgets from AppConfig: read-backs before finalizing anyway, learner turns of a role-play."""

    max_proposals: int
    max_roleplay_turns: int


class Dialog:
    def __init__(self, limits: DialogLimits, state: DialogState | None = None) -> None:
        self.limits = limits
        self.state = state or DialogState()

    @property
    def phase(self) -> Phase:
        return self.state.phase

    def allows(self, event: Event) -> bool:
        return (self.phase, event.kind) in TRANSITIONS

    def handle(self, event: Event) -> list[Effect]:
        """Apply ``event``; returns what the session must do, in order."""
        targets = TRANSITIONS.get((self.phase, event.kind))
        if targets is None:
            raise TransitionError(self.phase, event.kind)
        effects = _HANDLERS[type(event)](self, event)
        assert self.phase in targets, f"{event.kind} led to {self.phase}, not in {targets}"
        return effects

    # --- handlers, one per event type; TRANSITIONS says in which phases each may run -----------
    def _on_configure(self, event: Configure) -> list[Effect]:
        if self.state.started:
            raise TransitionError(self.phase, event.kind, "options are set before the first turn")
        self.state.options = event.options
        return [Configured(event.options)]

    def _on_learner_turn(self, event: LearnerTurn) -> list[Effect]:
        self._record(Speaker.LEARNER, event.text)
        if self.phase is Phase.COLLECTING:
            return [AskBuilder(event.text)]
        if self.phase is Phase.ROLE_PLAY:
            self.state.roleplay_turns += 1
            return [AnswerInCharacter(event.text)]
        answer = read_answer(event.text)
        if answer is Answer.YES:
            return self._complete()
        if answer is Answer.NO:
            if self.state.proposals >= self.limits.max_proposals:
                return self._complete()  # the read-backs are spent: finalize with what we have
            self._enter(Phase.COLLECTING)
            return [AskForCorrection()]
        # A correction: the builder takes it as a turn; its ScenarioReady proposes again while
        # read-backs remain, and completes otherwise.
        self._enter(Phase.COLLECTING)
        return [AskBuilder(event.text)]

    def _on_scenario_ready(self, event: ScenarioReady) -> list[Effect]:
        self.state.by_fallback = self.state.by_fallback or event.by_fallback
        return self._propose_or_complete()

    def _on_slot_edited(self, event: SlotEdited) -> list[Effect]:
        scenario = self.state.scenario
        scenario.slots = scenario.slots.with_value(event.slot, event.value)
        self._record(Speaker.LEARNER, f"{event.slot.value}: {event.value}")
        return self._propose_or_complete()

    def _on_tutor_said(self, event: TutorSaid) -> list[Effect]:
        self._record(Speaker.TUTOR, event.text)
        return []

    def _on_partner_said(self, event: PartnerSaid) -> list[Effect]:
        self._record(Speaker.PARTNER, event.text)
        if event.goal_reached and self.state.roleplay_turns > 0:
            return self._to_feedback("goal")
        if self.state.roleplay_turns >= self.limits.max_roleplay_turns:
            return self._to_feedback("turn_limit")
        return []

    def _on_end_role_play(self, event: EndRolePlay) -> list[Effect]:
        return self._to_feedback("learner")

    def _on_feedback_given(self, event: FeedbackGiven) -> list[Effect]:
        return [Close("role-play finished")]

    # --- what the handlers share ------------------------------------------------------------
    def _enter(self, phase: Phase) -> None:
        """The one place the phase changes."""
        if phase is not self.state.phase:
            logger.debug("dialog phase %s -> %s", self.state.phase.value, phase.value)
            self.state.phase = phase

    def _record(self, speaker: Speaker, text: str) -> None:
        self.state.transcript.append(Line(speaker, text, self.state.phase))

    def _scenario(self) -> dict[str, str | None]:
        return self.state.scenario.scenario_json()

    def _propose_or_complete(self) -> list[Effect]:
        state = self.state
        if state.options.confirm_scenario and state.proposals < self.limits.max_proposals:
            state.proposals += 1
            self._enter(Phase.PROPOSED)
            return [Propose(self._scenario(), tuple(state.scenario.missing_fields()))]
        return self._complete()

    def _complete(self) -> list[Effect]:
        self._enter(Phase.COMPLETED)
        effects: list[Effect] = [Complete(self._scenario(), self.state.by_fallback)]
        if self.state.options.roleplay:
            self._enter(Phase.ROLE_PLAY)
            effects.append(OpenRolePlay(self._scenario()))
        else:
            effects.append(Close("scenario completed"))
        return effects

    def _to_feedback(self, ended_by: EndedBy) -> list[Effect]:
        self._enter(Phase.FEEDBACK)
        return [GiveFeedback(ended_by)]


_HANDLERS: dict[type, Callable[..., list[Effect]]] = {
    Configure: Dialog._on_configure,
    LearnerTurn: Dialog._on_learner_turn,
    ScenarioReady: Dialog._on_scenario_ready,
    SlotEdited: Dialog._on_slot_edited,
    TutorSaid: Dialog._on_tutor_said,
    PartnerSaid: Dialog._on_partner_said,
    EndRolePlay: Dialog._on_end_role_play,
    FeedbackGiven: Dialog._on_feedback_given,
}
"""The handler of each event type; ``TRANSITIONS`` says in which phases it may run."""

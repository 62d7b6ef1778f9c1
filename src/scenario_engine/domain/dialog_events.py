"""The Dialog's vocabulary: the events it takes in and the effects it hands out.

Plain frozen dataclasses, no behaviour: ``dialog.py`` decides, the session's flow carries
out. Each event's ``kind`` is its name in ``TRANSITIONS`` and in the errors a phase gives
for an event it does not take.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from scenario_engine.domain.dialog_state import SessionOptions
from scenario_engine.domain.slots import Slot


# --- events (in) --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Configure:
    kind: ClassVar[str] = "session.configure"
    options: SessionOptions


@dataclass(frozen=True, slots=True)
class LearnerTurn:
    kind: ClassVar[str] = "learner_turn"
    text: str


@dataclass(frozen=True, slots=True)
class ScenarioReady:
    """The builder finished the scenario (all slots known, or by fallback after its budget)."""

    kind: ClassVar[str] = "scenario_ready"
    by_fallback: bool = False


@dataclass(frozen=True, slots=True)
class SlotEdited:
    """The learner corrected one slot directly (tapped it on the card)."""

    kind: ClassVar[str] = "scenario.edit"
    slot: Slot
    value: str


@dataclass(frozen=True, slots=True)
class TutorSaid:
    """The service spoke outside the role-play (kept in the transcript)."""

    kind: ClassVar[str] = "tutor_said"
    text: str


@dataclass(frozen=True, slots=True)
class PartnerSaid:
    """The partner spoke in character; ``goal_reached``: the scene's goal is done."""

    kind: ClassVar[str] = "partner_said"
    text: str
    goal_reached: bool = False


@dataclass(frozen=True, slots=True)
class EndRolePlay:
    kind: ClassVar[str] = "roleplay.end"


@dataclass(frozen=True, slots=True)
class FeedbackGiven:
    kind: ClassVar[str] = "feedback_given"


Event = (
    Configure
    | LearnerTurn
    | ScenarioReady
    | SlotEdited
    | TutorSaid
    | PartnerSaid
    | EndRolePlay
    | FeedbackGiven
)


# --- effects (out) ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Configured:
    """Tell the client which options are in force (``session.configured``)."""

    options: SessionOptions


@dataclass(frozen=True, slots=True)
class AskBuilder:
    """Give ``text`` to the ScenarioBuilder as a turn and say its reply."""

    text: str


@dataclass(frozen=True, slots=True)
class Propose:
    """Read the scenario back and ask for a yes (``scenario.proposed``); name ``gaps``."""

    scenario: dict[str, str | None]
    gaps: tuple[Slot, ...]


@dataclass(frozen=True, slots=True)
class AskForCorrection:
    """The learner said no without saying what is wrong: ask what to change."""


@dataclass(frozen=True, slots=True)
class Complete:
    """Send ``scenario.completed`` (the seed's contract, unchanged)."""

    scenario: dict[str, str | None]
    by_fallback: bool


@dataclass(frozen=True, slots=True)
class OpenRolePlay:
    """Send ``roleplay.started`` and speak the partner's first line."""

    scenario: dict[str, str | None]


@dataclass(frozen=True, slots=True)
class AnswerInCharacter:
    """Speak the partner's answer to the learner's ``text``."""

    text: str


EndedBy = Literal["learner", "goal", "turn_limit"]


@dataclass(frozen=True, slots=True)
class GiveFeedback:
    """Judge the learner's role-play lines; ``ended_by`` says what ended the role-play."""

    ended_by: EndedBy


@dataclass(frozen=True, slots=True)
class Close:
    """Close the session normally (1000)."""

    reason: str


Effect = (
    Configured
    | AskBuilder
    | Propose
    | AskForCorrection
    | Complete
    | OpenRolePlay
    | AnswerInCharacter
    | GiveFeedback
    | Close
)

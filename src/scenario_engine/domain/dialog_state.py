"""DialogState: everything one learner's dialog needs to go on, as plain data.

One dataclass, no callables, no coroutine state: the session store (Redis) keeps
``to_dict()`` as JSON and a resumed session passes ``from_dict(...)`` to ``Dialog``. The dict
shape is a published contract between processes: fields are only ever added, each with a
default, so a dict written by an older release still loads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from scenario_engine.domain.state import ScenarioState

STATE_VERSION = 1
"""Bumped only if a field's meaning changes (adding one with a default does not)."""


class Phase(StrEnum):
    """Where the dialog is; the values are stable (they are stored and sent to clients)."""

    COLLECTING = "collecting"
    """Asking for place, partner and goal."""
    PROPOSED = "proposed"
    """A complete scenario was read back; waiting for yes, no or a correction."""
    COMPLETED = "completed"
    """``scenario.completed`` went out; without a role-play the session closes here."""
    ROLE_PLAY = "role_play"
    """The service plays the partner."""
    FEEDBACK = "feedback"
    """The role-play is over; feedback is given, then the session closes."""


class Speaker(StrEnum):
    LEARNER = "learner"
    TUTOR = "tutor"
    """The service while it sets the scenario up."""
    PARTNER = "partner"
    """The service in character, during the role-play."""


@dataclass(frozen=True, slots=True)
class Line:
    """One thing said, by either side."""

    speaker: Speaker
    text: str
    phase: Phase

    def to_dict(self) -> dict[str, str]:
        return {"speaker": self.speaker.value, "text": self.text, "phase": self.phase.value}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Line:
        return cls(Speaker(data["speaker"]), str(data["text"]), Phase(data["phase"]))


@dataclass(frozen=True, slots=True)
class SessionOptions:
    """What a client opted into with ``session.configure``; the defaults are the seed contract."""

    confirm_scenario: bool = False
    roleplay: bool = False
    help_language: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "confirm_scenario": self.confirm_scenario,
            "roleplay": self.roleplay,
            "help_language": self.help_language,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SessionOptions:
        return cls(
            confirm_scenario=bool(data.get("confirm_scenario", False)),
            roleplay=bool(data.get("roleplay", False)),
            help_language=data.get("help_language"),
        )


@dataclass
class DialogState:
    """The state ``Dialog`` changes; the ScenarioBuilder works on ``scenario`` in place.

    ``proposals`` counts the ``scenario.proposed`` read-backs so far; ``by_fallback`` marks a
    scenario finished by the fallback extraction (proposed with its gaps named);
    ``roleplay_turns`` counts the learner's turns in the role-play, against its turn limit.
    """

    phase: Phase = Phase.COLLECTING
    scenario: ScenarioState = field(default_factory=ScenarioState)
    options: SessionOptions = field(default_factory=SessionOptions)
    transcript: list[Line] = field(default_factory=list)
    proposals: int = 0
    by_fallback: bool = False
    roleplay_turns: int = 0

    @property
    def started(self) -> bool:
        """The learner has taken a turn (options can no longer change)."""
        return any(line.speaker is Speaker.LEARNER for line in self.transcript)

    def lines(self, phase: Phase) -> list[Line]:
        return [line for line in self.transcript if line.phase is phase]

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "phase": self.phase.value,
            "scenario": self.scenario.to_dict(),
            "options": self.options.to_dict(),
            "transcript": [line.to_dict() for line in self.transcript],
            "proposals": self.proposals,
            "by_fallback": self.by_fallback,
            "roleplay_turns": self.roleplay_turns,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DialogState:
        """The inverse of ``to_dict``. A newer ``version`` than this code knows is refused."""
        version = int(data.get("version", STATE_VERSION))
        if version > STATE_VERSION:
            raise ValueError(f"dialog state version {version} is newer than {STATE_VERSION}")
        return cls(
            phase=Phase(data.get("phase", Phase.COLLECTING.value)),
            scenario=ScenarioState.from_dict(data.get("scenario") or {}),
            options=SessionOptions.from_dict(data.get("options") or {}),
            transcript=[Line.from_dict(line) for line in data.get("transcript", [])],
            proposals=int(data.get("proposals", 0)),
            by_fallback=bool(data.get("by_fallback", False)),
            roleplay_turns=int(data.get("roleplay_turns", 0)),
        )

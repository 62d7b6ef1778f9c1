"""DialogRecord: what a session stores after every change, and what a resumed one starts from.

The dialog itself is ``DialogState`` (domain/dialog_state.py: phase, scenario, options,
transcript), copied only at turn boundaries (once a turn was answered), never in the middle of a
turn. A learner turn accepted but not yet answered is kept apart in ``pending``, so a session
that resumes answers it once, without taking it into the state twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from scenario_engine.domain.dialog_state import DialogState, Phase, Speaker
from scenario_engine.protocol import ScenarioJson, SessionResumed, TranscriptLine

RECORD_VERSION = 1


@dataclass(frozen=True, slots=True)
class PendingTurn:
    kind: str
    """``text`` (typed) or ``voice`` (transcribed)."""
    text: str


@dataclass(slots=True)
class DialogRecord:
    session_id: str
    dialog: DialogState = field(default_factory=DialogState)
    """The dialog after the last answered turn (a copy: the session's own state moves on)."""
    pending: list[PendingTurn] = field(default_factory=list)
    """Accepted learner turns not answered yet, oldest first."""

    @property
    def over(self) -> bool:
        """The dialog has ended: completed (without a role-play), or its feedback given."""
        return self.dialog.phase in (Phase.COMPLETED, Phase.FEEDBACK)

    def answered(self, dialog: DialogState, learner_turn: bool) -> None:
        """A turn boundary: the oldest pending turn (if ``learner_turn``; else a steering event
        such as ``session.configure``) was answered, leaving ``dialog``."""
        if learner_turn and self.pending:
            self.pending.pop(0)
        self.dialog = DialogState.from_dict(dialog.to_dict())

    def resumed_event(self) -> SessionResumed:
        """What a client needs to redraw its page: slots so far, the transcript, the phase.
        Pending turns are in the transcript: the learner said them; answers follow."""
        lines = [(line.speaker.value, line.text) for line in self.dialog.transcript]
        lines += [(Speaker.LEARNER.value, turn.text) for turn in self.pending]
        return SessionResumed(
            session_id=self.session_id,
            phase=self.dialog.phase.value,
            slots=ScenarioJson.model_validate(self.dialog.scenario.scenario_json()),
            transcript=[TranscriptLine(speaker=who, text=text) for who, text in lines],
        )

    def to_bytes(self) -> bytes:
        return orjson.dumps(
            {
                "v": RECORD_VERSION,
                "session_id": self.session_id,
                "dialog": self.dialog.to_dict(),
                "pending": [[turn.kind, turn.text] for turn in self.pending],
            }
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> DialogRecord:
        """The record ``to_bytes`` wrote; ValueError for anything else (another version too)."""
        try:
            raw: dict[str, Any] = orjson.loads(data)
            if raw["v"] != RECORD_VERSION:
                raise ValueError(f"record version {raw['v']!r}")
            return cls(
                session_id=str(raw["session_id"]),
                dialog=DialogState.from_dict(raw["dialog"]),
                pending=[PendingTurn(str(kind), str(text)) for kind, text in raw["pending"]],
            )
        except (KeyError, TypeError, ValueError, AttributeError, orjson.JSONDecodeError) as exc:
            raise ValueError(f"not a dialog record ({type(exc).__name__})") from None

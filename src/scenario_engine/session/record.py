"""DialogRecord: what a session stores after every change, and what a resumed one starts from.

The builder's state is copied only at turn boundaries (after a reply was decided), never in the
middle of a turn; a turn accepted but not yet answered is kept apart in ``pending``, so a session
that resumes answers it once, without taking it into the state twice. The transcript is what
both sides said, for the client to redraw its page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import orjson

from scenario_engine.domain.state import ScenarioState
from scenario_engine.protocol import ScenarioJson, SessionResumed, TranscriptLine

RECORD_VERSION = 1

Role = Literal["learner", "service"]


@dataclass(frozen=True, slots=True)
class PendingTurn:
    kind: str
    """``text`` (typed) or ``voice`` (transcribed)."""
    text: str


@dataclass(slots=True)
class DialogRecord:
    session_id: str
    state: dict[str, Any] = field(default_factory=lambda: ScenarioState().to_dict())
    """``ScenarioState.to_dict()`` after the last answered turn."""
    unextracted: list[str] = field(default_factory=list)
    """Turns kept in the state whose extraction failed: extracted again with the next one."""
    transcript: list[tuple[Role, str]] = field(default_factory=list)
    pending: list[PendingTurn] = field(default_factory=list)
    """Accepted learner turns not answered yet, oldest first."""
    scenario: dict[str, str | None] | None = None
    """The final scenario, once the dialog completed."""

    @property
    def phase(self) -> str:
        return "completed" if self.scenario is not None else "collecting"

    def accepted(self, turn: PendingTurn) -> None:
        self.pending.append(turn)
        self.transcript.append(("learner", turn.text))

    def answered(
        self, state: ScenarioState, unextracted: list[str], reply: str,
        scenario: dict[str, str | None] | None,
    ) -> None:  # fmt: skip
        """The oldest pending turn was answered with ``reply``, leaving ``state``."""
        self.pending.pop(0)
        self.state = state.to_dict()
        self.unextracted = unextracted
        self.transcript.append(("service", reply))
        self.scenario = scenario

    def resumed_event(self) -> SessionResumed:
        """What a client needs to redraw its page: slots so far, the transcript, the phase."""
        slots = ScenarioState.from_dict(self.state).scenario_json()
        return SessionResumed(
            session_id=self.session_id,
            phase=self.phase,
            slots=ScenarioJson.model_validate(slots),
            transcript=[TranscriptLine(role=role, text=text) for role, text in self.transcript],
        )

    def to_bytes(self) -> bytes:
        return orjson.dumps(
            {
                "v": RECORD_VERSION,
                "session_id": self.session_id,
                "state": self.state,
                "unextracted": self.unextracted,
                "transcript": [[role, text] for role, text in self.transcript],
                "pending": [[turn.kind, turn.text] for turn in self.pending],
                "scenario": self.scenario,
            }
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> DialogRecord:
        """The record ``to_bytes`` wrote; ValueError for anything else (another version too)."""
        try:
            raw = orjson.loads(data)
            if raw["v"] != RECORD_VERSION:
                raise ValueError(f"record version {raw['v']!r}")
            ScenarioState.from_dict(raw["state"])  # refuse a state that cannot be restored
            transcript: list[tuple[Role, str]] = []
            for role, text in raw["transcript"]:
                if role not in ("learner", "service") or not isinstance(text, str):
                    raise ValueError("transcript line")
                transcript.append((role, text))
            return cls(
                session_id=str(raw["session_id"]),
                state=raw["state"],
                unextracted=[str(turn) for turn in raw["unextracted"]],
                transcript=transcript,
                pending=[PendingTurn(str(kind), str(text)) for kind, text in raw["pending"]],
                scenario=raw["scenario"],
            )
        except (KeyError, TypeError, ValueError, orjson.JSONDecodeError) as exc:
            raise ValueError(f"not a dialog record ({type(exc).__name__})") from None

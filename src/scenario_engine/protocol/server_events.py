"""Events the service sends (SPEC.md, "Service -> client"), and their encoding."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from scenario_engine.protocol.errors import ErrorCode


class _ServerEvent(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)


class EngineDescription(BaseModel):
    """Which engine serves the session, so a client can adapt (e.g. commit when VAD is off)."""

    name: str
    speech_input: str
    llm: str
    speech_output: str
    turn_detection: Literal["server_vad", "manual"]
    input_sample_rates: tuple[int, int] = Field(description="Accepted sample_rate range, in Hz.")
    output_sample_rate: int


class SessionReady(_ServerEvent):
    """The speech engine session is up; the client may send.

    ``resume_token`` lets this client take the dialog up again on a new connection (to any
    instance) after losing this one: keep it private, like a password, for the session.
    """

    type: Literal["session.ready"] = "session.ready"
    session_id: str
    resume_token: str
    """Before ``engine``: a frame logger that shows a frame's head and tail (websockets at
    DEBUG) never shows the token's characters."""
    engine: EngineDescription


class SessionReconnecting(_ServerEvent):
    """The upstream speech engine dropped and is being reconnected; nothing said is lost."""

    type: Literal["session.reconnecting"] = "session.reconnecting"
    attempt: int


class InputAudioSpeechStarted(_ServerEvent):
    """Server VAD heard the learner start speaking."""

    type: Literal["input_audio.speech_started"] = "input_audio.speech_started"


class InputAudioSpeechStopped(_ServerEvent):
    """Server VAD heard the learner stop; the turn is being transcribed."""

    type: Literal["input_audio.speech_stopped"] = "input_audio.speech_stopped"


class InputAudioTranscript(_ServerEvent):
    """A learner turn was transcribed."""

    type: Literal["input_audio.transcript"] = "input_audio.transcript"
    transcript: str


class ResponseAudioDelta(_ServerEvent):
    """A chunk of a spoken reply: base64 PCM16 mono little-endian."""

    type: Literal["response.audio.delta"] = "response.audio.delta"
    delta: str
    sample_rate: int


class ResponseAudioDone(_ServerEvent):
    """End of one spoken reply."""

    type: Literal["response.audio.done"] = "response.audio.done"


class ResponseAudioCancelled(_ServerEvent):
    """The learner spoke over the reply: drop its buffered audio and stop playing at once."""

    type: Literal["response.audio.cancelled"] = "response.audio.cancelled"
    reason: Literal["barge_in"] = "barge_in"


class ResponseAudioTranscriptDone(_ServerEvent):
    """The full text of a reply (sent even when no audio could be made)."""

    type: Literal["response.audio_transcript.done"] = "response.audio_transcript.done"
    transcript: str


class ScenarioJson(BaseModel):
    """The final scenario; null where the learner never said it."""

    model_config = ConfigDict(frozen=True)

    place: str | None
    conversation_partner: str | None
    conversation_goal: str | None


class TranscriptLine(BaseModel):
    """One thing said: by the ``learner`` (typed or transcribed), the ``tutor`` (the service
    setting the scenario up) or the ``partner`` (the service in character, in a role-play)."""

    model_config = ConfigDict(frozen=True)

    speaker: Literal["learner", "tutor", "partner"]
    text: str


class SessionResumed(_ServerEvent):
    """The dialog of ``session.resume`` goes on on this connection; what to redraw."""

    type: Literal["session.resumed"] = "session.resumed"
    session_id: str
    phase: str = Field(description="Where the dialog is (domain/dialog_state.py, Phase).")
    slots: ScenarioJson
    transcript: list[TranscriptLine]


class ScenarioCompleted(_ServerEvent):
    """The scenario is final; the service then closes the socket with code 1000."""

    type: Literal["scenario.completed"] = "scenario.completed"
    scenario: ScenarioJson = Field(alias="json")
    completed: Literal[True] = True


class SessionConfigured(_ServerEvent):
    """The options in force after ``session.configure``."""

    type: Literal["session.configured"] = "session.configured"
    confirm_scenario: bool
    roleplay: bool
    help_language: Literal["ko"] | None


class ScenarioProposed(_ServerEvent):
    """A complete scenario read back for a yes (``confirm_scenario``); ``missing`` names the
    fields the fallback left null, ``proposal`` counts the read-backs from 1."""

    type: Literal["scenario.proposed"] = "scenario.proposed"
    scenario: ScenarioJson = Field(alias="json")
    missing: list[Literal["place", "conversation_partner", "conversation_goal"]]
    proposal: int


class ResponseHelp(_ServerEvent):
    """Korean help for the question just asked (``help_language: "ko"``)."""

    type: Literal["response.help"] = "response.help"
    translation_ko: str
    suggestions: list[str] = Field(min_length=2, max_length=3)


class RolePlayStarted(_ServerEvent):
    """The service now plays ``partner``; its speech follows as ``response.audio.*``."""

    type: Literal["roleplay.started"] = "roleplay.started"
    partner: str | None
    scenario: ScenarioJson


class FeedbackCorrection(BaseModel):
    """One thing the learner said, said better, and why (in Korean)."""

    model_config = ConfigDict(frozen=True)

    said: str
    better: str
    why_ko: str


class RolePlayFeedback(_ServerEvent):
    """How the role-play went; the session closes (1000) after it."""

    type: Literal["roleplay.feedback"] = "roleplay.feedback"
    corrections: list[FeedbackCorrection]
    well_done: str
    summary: str
    ended_by: Literal["learner", "goal", "turn_limit"]


class ErrorEvent(_ServerEvent):
    """Bad input or an engine fault; ``code`` is stable (docs/protocol.md lists them)."""

    type: Literal["error"] = "error"
    code: ErrorCode
    message: str


AnyServerEvent = (
    SessionReady
    | SessionResumed
    | SessionReconnecting
    | InputAudioSpeechStarted
    | InputAudioSpeechStopped
    | InputAudioTranscript
    | ResponseAudioDelta
    | ResponseAudioDone
    | ResponseAudioCancelled
    | ResponseAudioTranscriptDone
    | ScenarioCompleted
    | SessionConfigured
    | ScenarioProposed
    | ResponseHelp
    | RolePlayStarted
    | RolePlayFeedback
    | ErrorEvent
)
"""Any server event model (for type hints)."""

ServerEvent = Annotated[AnyServerEvent, Field(discriminator="type")]
"""The discriminated union, for validating a frame the service sent."""


def encode_server_event(event: _ServerEvent) -> str:
    """The JSON text frame for ``event``; aliases apply (``scenario`` goes out as ``json``)."""
    return event.model_dump_json(by_alias=True)


AUDIO_DELTA_PREFIX = '{"type":"response.audio.delta"'
"""How every encoded ``response.audio.delta`` frame starts (``encode_audio_delta``)."""


def encode_audio_delta(delta_b64: str, sample_rate: int) -> str:
    """The ``response.audio.delta`` frame, written directly: byte for byte what
    ``encode_server_event(ResponseAudioDelta(...))`` gives (a test holds them equal), without
    validating a model around ~6 KB of base64 ten times a second per reply. Base64 needs no
    JSON escaping."""
    return (
        AUDIO_DELTA_PREFIX + ',"delta":"' + delta_b64
        + '","sample_rate":' + str(int(sample_rate)) + "}"
    )  # fmt: skip

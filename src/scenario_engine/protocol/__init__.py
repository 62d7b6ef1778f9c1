"""The public client protocol: JSON text frames over one WebSocket (SPEC.md).

Pure and synchronous: models of every event, and a parser that turns a raw frame into an
event or a coded error. The transport does the I/O.
"""

from scenario_engine.protocol.client_events import (
    ClientEvent,
    InputAudioChunk,
    InputAudioClear,
    InputAudioCommit,
    RolePlayEnd,
    ScenarioEdit,
    SessionConfigure,
    SessionResume,
    TextTurn,
)
from scenario_engine.protocol.errors import ErrorCode, ProtocolError
from scenario_engine.protocol.parse import ProtocolLimits, parse_client_frame
from scenario_engine.protocol.server_events import (
    ErrorEvent,
    InputAudioSpeechStarted,
    InputAudioSpeechStopped,
    InputAudioTranscript,
    ResponseAudioDelta,
    ResponseAudioDone,
    ResponseAudioTranscriptDone,
    ResponseHelp,
    RolePlayFeedback,
    RolePlayStarted,
    ScenarioCompleted,
    ScenarioJson,
    ScenarioProposed,
    ServerEvent,
    SessionConfigured,
    SessionReady,
    SessionReconnecting,
    SessionResumed,
    TranscriptLine,
    encode_audio_delta,
    encode_server_event,
)

__all__ = [
    "ClientEvent",
    "ErrorCode",
    "ErrorEvent",
    "InputAudioChunk",
    "InputAudioClear",
    "InputAudioCommit",
    "InputAudioSpeechStarted",
    "InputAudioSpeechStopped",
    "InputAudioTranscript",
    "ProtocolError",
    "ProtocolLimits",
    "ResponseAudioDelta",
    "ResponseAudioDone",
    "ResponseAudioTranscriptDone",
    "ResponseHelp",
    "RolePlayEnd",
    "RolePlayFeedback",
    "RolePlayStarted",
    "ScenarioCompleted",
    "ScenarioEdit",
    "ScenarioJson",
    "ScenarioProposed",
    "ServerEvent",
    "SessionConfigure",
    "SessionConfigured",
    "SessionReady",
    "SessionReconnecting",
    "SessionResume",
    "SessionResumed",
    "TextTurn",
    "TranscriptLine",
    "encode_audio_delta",
    "encode_server_event",
    "parse_client_frame",
]

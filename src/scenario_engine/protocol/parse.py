"""Turn one raw client frame into a ClientEvent or a coded ProtocolError, without raising."""

from __future__ import annotations

import binascii
from dataclasses import dataclass
from typing import Any

import orjson
from pydantic import TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from scenario_engine.protocol.client_events import (
    DEFAULT_MAX_TEXT_CHARS,
    MAX_SAMPLE_RATE,
    MIN_SAMPLE_RATE,
    ClientEvent,
    InputAudioChunk,
)
from scenario_engine.protocol.errors import ErrorCode, ProtocolError

_CLIENT_EVENT: TypeAdapter[ClientEvent] = TypeAdapter(ClientEvent)
_EVENT_TYPES = (
    "input_audio_chunk, input_audio_commit, input_audio_clear, text, session.configure, "
    "scenario.edit, roleplay.end, session.resume"
)

# pydantic error types -> our stable codes (custom errors already carry our code as type).
_CODE_OF_ERROR_TYPE: dict[str, ErrorCode] = {
    "json_invalid": ErrorCode.INVALID_JSON,
    "json_type": ErrorCode.INVALID_JSON,
    "dict_type": ErrorCode.NOT_AN_OBJECT,
    "union_tag_invalid": ErrorCode.UNKNOWN_EVENT_TYPE,
    "union_tag_not_found": ErrorCode.MISSING_FIELD,
    "missing": ErrorCode.MISSING_FIELD,
    "extra_forbidden": ErrorCode.UNKNOWN_FIELD,
}
_OWN_CODES = {code.value: code for code in ErrorCode}
_ABSENT = object()


@dataclass(frozen=True, slots=True)
class ProtocolLimits:
    """Limits a frame must respect (from AppConfig)."""

    max_frame_bytes: int = 256 * 1024
    max_text_chars: int = DEFAULT_MAX_TEXT_CHARS


def parse_client_frame(frame: str | bytes, limits: ProtocolLimits) -> ClientEvent | ProtocolError:
    """Parse a WebSocket frame: text frames hold one JSON event; binary frames are refused."""
    if isinstance(frame, bytes):
        return ProtocolError(
            ErrorCode.BINARY_FRAME, "binary frames are not accepted; send JSON text frames"
        )
    if len(frame) > limits.max_frame_bytes or (
        not frame.isascii() and len(frame.encode()) > limits.max_frame_bytes
    ):
        return ProtocolError(
            ErrorCode.FRAME_TOO_LARGE,
            f"frame is larger than the limit of {limits.max_frame_bytes} bytes",
        )
    chunk = _audio_chunk(frame)
    if chunk is not None:
        return chunk
    try:
        return _CLIENT_EVENT.validate_json(frame, context={"max_text_chars": limits.max_text_chars})
    except ValidationError as exc:
        return _coded(exc.errors(include_url=False)[0])


def _audio_chunk(frame: str) -> InputAudioChunk | None:
    """The fast path for the one frame that comes 50 times a second: a well-formed audio chunk.

    Checks exactly what the model's validators check (strict types, no other field, rate in
    range, strict base64 of whole samples) without pydantic's per-field Python validators,
    which cost most of a chunk's parse. Anything else, valid or not, returns None and goes
    the model's way, which owns every error code and message.
    """
    try:
        data: Any = orjson.loads(frame)
    except orjson.JSONDecodeError:
        return None
    if type(data) is not dict or data.get("type") != "input_audio_chunk":
        return None
    audio = data.get("audio")
    rate = data.get("sample_rate", _ABSENT)
    if rate is _ABSENT:
        rate, fields = None, 2
    elif type(rate) is int and MIN_SAMPLE_RATE <= rate <= MAX_SAMPLE_RATE:
        fields = 3
    else:
        return None
    if type(audio) is not str or len(data) != fields:
        return None
    try:
        pcm = binascii.a2b_base64(audio, strict_mode=True)
    except (binascii.Error, ValueError):  # ValueError: a non-ASCII character in the text
        return None
    if len(pcm) % 2:
        return None
    return InputAudioChunk.checked(audio, rate, pcm)


def _coded(error: ErrorDetails) -> ProtocolError:
    kind = error["type"]
    code = _CODE_OF_ERROR_TYPE.get(kind) or _OWN_CODES.get(kind, ErrorCode.INVALID_FIELD)
    field = ".".join(str(part) for part in error["loc"][1:])
    if code is ErrorCode.UNKNOWN_EVENT_TYPE:
        tag = str(error.get("ctx", {}).get("tag", "?"))[:40]
        message = f"unknown event type {tag!r}; expected one of: {_EVENT_TYPES}"
    elif code is ErrorCode.NOT_AN_OBJECT:
        message = "a frame must hold a JSON object with a 'type' field"
    elif kind == "union_tag_not_found":
        message = f"the event has no 'type' field; expected one of: {_EVENT_TYPES}"
    elif code is ErrorCode.INVALID_JSON:
        message = f"frame is not valid JSON: {error['msg']}"
    elif field:
        message = f"{field}: {error['msg']}"
    else:
        message = error["msg"]
    return ProtocolError(code, message)

"""Turn one raw client frame into a ClientEvent or a coded ProtocolError, without raising."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from scenario_engine.protocol.client_events import DEFAULT_MAX_TEXT_CHARS, ClientEvent
from scenario_engine.protocol.errors import ErrorCode, ProtocolError

_CLIENT_EVENT: TypeAdapter[ClientEvent] = TypeAdapter(ClientEvent)
_EVENT_TYPES = "input_audio_chunk, input_audio_commit, input_audio_clear, text"

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
    if len(frame) > limits.max_frame_bytes or len(frame.encode()) > limits.max_frame_bytes:
        return ProtocolError(
            ErrorCode.FRAME_TOO_LARGE,
            f"frame is larger than the limit of {limits.max_frame_bytes} bytes",
        )
    try:
        return _CLIENT_EVENT.validate_json(frame, context={"max_text_chars": limits.max_text_chars})
    except ValidationError as exc:
        return _coded(exc.errors(include_url=False)[0])


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

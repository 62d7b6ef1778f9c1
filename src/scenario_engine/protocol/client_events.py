"""Events a client sends (SPEC.md, "Client -> service")."""

from __future__ import annotations

import binascii
import re
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from scenario_engine.protocol.errors import ErrorCode
from scenario_engine.protocol.text_form import canonical_text

MIN_SAMPLE_RATE = 8_000
MAX_SAMPLE_RATE = 48_000
DEFAULT_SAMPLE_RATE = 24_000
DEFAULT_MAX_TEXT_CHARS = 1000

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""C0 (but tab and line breaks), DEL and C1 (NEL U+0085 and CSI U+009B included): never typed."""
_new = object.__new__
_set = object.__setattr__


class _ClientEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class InputAudioChunk(_ClientEvent):
    """Append learner audio: base64 PCM16 mono little-endian."""

    type: Literal["input_audio_chunk"]
    audio: str
    sample_rate: int = DEFAULT_SAMPLE_RATE
    _pcm: bytes = PrivateAttr(b"")

    @property
    def pcm(self) -> bytes:
        """The decoded samples (decoded once, while validating).

        Read from the private-attribute slot directly: ``self._pcm`` goes through pydantic's
        ``__getattr__``, which cost as much as parsing the frame.
        """
        private = self.__pydantic_private__
        return private["_pcm"] if private else b""

    @classmethod
    def checked(cls, audio: str, sample_rate: int | None, pcm: bytes) -> InputAudioChunk:
        """Build a chunk whose fields were already validated by the same rules as below
        (``parse``'s fast path): the instance ``model_validate`` would return, for a fifth
        of the cost (tests compare the two). ``sample_rate`` None: the frame had none."""
        chunk = _new(cls)
        fields = {"type", "audio"} if sample_rate is None else {"type", "audio", "sample_rate"}
        rate = DEFAULT_SAMPLE_RATE if sample_rate is None else sample_rate
        _set(chunk, "__dict__", {"type": "input_audio_chunk", "audio": audio,
                                 "sample_rate": rate})  # fmt: skip
        _set(chunk, "__pydantic_fields_set__", fields)
        _set(chunk, "__pydantic_extra__", None)
        _set(chunk, "__pydantic_private__", {"_pcm": pcm})
        return chunk

    @field_validator("sample_rate")
    @classmethod
    def _rate_in_range(cls, value: int) -> int:
        if not MIN_SAMPLE_RATE <= value <= MAX_SAMPLE_RATE:
            raise PydanticCustomError(
                ErrorCode.UNSUPPORTED_SAMPLE_RATE,
                "sample_rate must be between {lo} and {hi} Hz, got {rate}",
                {"lo": MIN_SAMPLE_RATE, "hi": MAX_SAMPLE_RATE, "rate": value},
            )
        return value

    @model_validator(mode="after")
    def _audio_is_pcm16(self) -> InputAudioChunk:
        try:
            pcm = binascii.a2b_base64(self.audio, strict_mode=True)
        except binascii.Error:
            raise PydanticCustomError(
                ErrorCode.INVALID_AUDIO, "audio is not valid base64"
            ) from None
        if len(pcm) % 2:
            raise PydanticCustomError(
                ErrorCode.INVALID_AUDIO,
                "audio must be whole PCM16 samples (an even number of bytes), got {n} bytes",
                {"n": len(pcm)},
            )
        self._pcm = pcm
        return self


class InputAudioCommit(_ClientEvent):
    """End of the learner's turn when server VAD is off."""

    type: Literal["input_audio_commit"]


class InputAudioClear(_ClientEvent):
    """Drop buffered, uncommitted audio."""

    type: Literal["input_audio_clear"]


class TextTurn(_ClientEvent):
    """A typed learner turn; it may start the conversation."""

    type: Literal["text"]
    text: str

    @field_validator("text")
    @classmethod
    def _text_is_speech_like(cls, value: str, info: ValidationInfo) -> str:
        limit = (info.context or {}).get("max_text_chars", DEFAULT_MAX_TEXT_CHARS)
        value = canonical_text(value)
        if len(value) > limit:
            raise PydanticCustomError(
                ErrorCode.TEXT_TOO_LONG,
                "text is {n} characters long; the limit is {limit}",
                {"n": len(value), "limit": limit},
            )
        if _CONTROL_CHARS.search(value):
            raise PydanticCustomError(
                ErrorCode.INVALID_TEXT, "text must not contain NUL or other control characters"
            )
        stripped = value.strip()
        if not stripped:
            raise PydanticCustomError(ErrorCode.EMPTY_TEXT, "text is empty")
        return stripped


class SessionConfigure(_ClientEvent):
    """Opt into the confirm step, the role-play and Korean help; before the first turn only.

    Every option left out takes its default (off), so the answer (``session.configured``) is
    exactly what this event asked for.
    """

    type: Literal["session.configure"]
    confirm_scenario: bool = False
    roleplay: bool = False
    help_language: Literal["ko"] | None = None


ScenarioField = Literal["place", "conversation_partner", "conversation_goal"]
MAX_EDIT_CHARS = 80


class ScenarioEdit(_ClientEvent):
    """Correct one field of a proposed scenario (the page's tap-to-edit)."""

    type: Literal["scenario.edit"]
    field: ScenarioField
    value: str

    @field_validator("value")
    @classmethod
    def _value_is_short_text(cls, value: str) -> str:
        value = canonical_text(value)
        stripped = " ".join(value.split())
        if not stripped:
            raise PydanticCustomError(ErrorCode.EMPTY_TEXT, "value is empty")
        if len(stripped) > MAX_EDIT_CHARS or _CONTROL_CHARS.search(value):
            raise PydanticCustomError(
                ErrorCode.INVALID_FIELD,
                "value must be one line of at most {limit} characters",
                {"limit": MAX_EDIT_CHARS},
            )
        return stripped


class RolePlayEnd(_ClientEvent):
    """The learner ends the role-play; feedback follows."""

    type: Literal["roleplay.end"]


RESUME_TOKEN_PATTERN = r"^[A-Za-z0-9_-]{22,128}$"
"""``secrets.token_urlsafe`` of at least 16 bytes (128 bits); anything else is no token of ours."""


class SessionResume(_ClientEvent):
    """Continue a dialog after a lost socket: the ``resume_token`` of its ``session.ready``.

    Only as the first frame of a connection. Pydantic's message for a pattern mismatch does not
    repeat the input, so a mistyped token is never echoed in an error.
    """

    type: Literal["session.resume"]
    token: Annotated[str, Field(pattern=RESUME_TOKEN_PATTERN)]


ClientEvent = Annotated[
    InputAudioChunk
    | InputAudioCommit
    | InputAudioClear
    | TextTurn
    | SessionConfigure
    | ScenarioEdit
    | RolePlayEnd
    | SessionResume,
    Field(discriminator="type"),
]

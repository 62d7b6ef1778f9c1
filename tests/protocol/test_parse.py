import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scenario_engine.protocol import (
    ErrorCode,
    InputAudioChunk,
    ProtocolError,
    ProtocolLimits,
    TextTurn,
    parse_client_frame,
)

LIMITS = ProtocolLimits(max_frame_bytes=4096, max_text_chars=100)

BAD_FRAMES = [
    ("not json", "hello", ErrorCode.INVALID_JSON),
    ("truncated json", '{"type": "text"', ErrorCode.INVALID_JSON),
    ("deeply nested", "[" * 1000 + "]" * 1000, ErrorCode.INVALID_JSON),
    ("array", "[1, 2]", ErrorCode.NOT_AN_OBJECT),
    ("string", '"text"', ErrorCode.NOT_AN_OBJECT),
    ("null", "null", ErrorCode.NOT_AN_OBJECT),
    ("no type", "{}", ErrorCode.MISSING_FIELD),
    ("unknown type", '{"type": "hello"}', ErrorCode.UNKNOWN_EVENT_TYPE),
    ("type not a string", '{"type": 7}', ErrorCode.UNKNOWN_EVENT_TYPE),
    ("missing text", '{"type": "text"}', ErrorCode.MISSING_FIELD),
    ("text not a string", '{"type": "text", "text": 5}', ErrorCode.INVALID_FIELD),
    ("extra field", '{"type": "text", "text": "hi", "x": 1}', ErrorCode.UNKNOWN_FIELD),
    ("extra on commit", '{"type": "input_audio_commit", "audio": ""}', ErrorCode.UNKNOWN_FIELD),
    ("empty text", '{"type": "text", "text": ""}', ErrorCode.EMPTY_TEXT),
    ("white space", '{"type": "text", "text": " \\n\\t "}', ErrorCode.EMPTY_TEXT),
    ("NUL", '{"type": "text", "text": "a\\u0000b"}', ErrorCode.INVALID_TEXT),
    ("control char", '{"type": "text", "text": "a\\u001bb"}', ErrorCode.INVALID_TEXT),
    ("C1 CSI", '{"type": "text", "text": "a\\u009b31mb"}', ErrorCode.INVALID_TEXT),
    ("C1 NEL", '{"type": "text", "text": "a\\u0085b"}', ErrorCode.INVALID_TEXT),
    ("zero-width only", '{"type": "text", "text": "\\u200b\\u200b\\ufeff"}', ErrorCode.EMPTY_TEXT),
    ("text too long", json.dumps({"type": "text", "text": "a" * 101}), ErrorCode.TEXT_TOO_LONG),
    ("missing audio", '{"type": "input_audio_chunk"}', ErrorCode.MISSING_FIELD),
    ("bad base64", '{"type": "input_audio_chunk", "audio": "@@@@"}', ErrorCode.INVALID_AUDIO),
    ("bad padding", '{"type": "input_audio_chunk", "audio": "AAA"}', ErrorCode.INVALID_AUDIO),
    ("odd bytes", '{"type": "input_audio_chunk", "audio": "AAAA"}', ErrorCode.INVALID_AUDIO),
    (
        "rate low",
        '{"type": "input_audio_chunk", "audio": "AAA=", "sample_rate": 7999}',
        ErrorCode.UNSUPPORTED_SAMPLE_RATE,
    ),
    (
        "rate high",
        '{"type": "input_audio_chunk", "audio": "AAA=", "sample_rate": 96000}',
        ErrorCode.UNSUPPORTED_SAMPLE_RATE,
    ),
    (
        "rate a string",
        '{"type": "input_audio_chunk", "audio": "AAA=", "sample_rate": "24000"}',
        ErrorCode.INVALID_FIELD,
    ),
    (
        "frame too large",
        json.dumps({"type": "text", "text": "a" * 5000}),
        ErrorCode.FRAME_TOO_LARGE,
    ),
    ("binary", b'{"type": "text", "text": "hi"}', ErrorCode.BINARY_FRAME),
]


@pytest.mark.parametrize(
    ("frame", "code"), [(f, c) for _, f, c in BAD_FRAMES], ids=[name for name, _, _ in BAD_FRAMES]
)
def test_bad_frames_get_their_code_and_a_message(frame: str | bytes, code: ErrorCode) -> None:
    result = parse_client_frame(frame, LIMITS)
    assert isinstance(result, ProtocolError)
    assert result.code is code
    assert result.message and len(result.message) < 300


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("the recep\u00adtionist", "the receptionist"),  # a soft hyphen split the word
        ("check\u200b in", "check in"),
        ("\uff48\uff4f\uff54\uff45\uff4c", "hotel"),  # full-width Latin
        ("at a caf\u0065\u0301", "at a caf\u00e9"),  # composed
        ("호텔에서 체크인", "호텔에서 체크인"),
    ],
)
def test_typed_text_is_in_one_canonical_form(typed: str, canonical: str) -> None:
    event = parse_client_frame(json.dumps({"type": "text", "text": typed}), LIMITS)
    assert isinstance(event, TextTurn) and event.text == canonical


def test_audio_chunk_is_decoded_once_and_keeps_its_base64() -> None:
    pcm = bytes(range(8))
    encoded = base64.b64encode(pcm).decode()
    event = parse_client_frame(
        json.dumps({"type": "input_audio_chunk", "audio": encoded, "sample_rate": 16000}), LIMITS
    )
    assert isinstance(event, InputAudioChunk)
    assert (event.pcm, event.audio, event.sample_rate) == (pcm, encoded, 16000)


def test_text_is_stripped_and_unicode_kept() -> None:
    event = parse_client_frame('{"type": "text", "text": "  공항에서 check-in  "}', LIMITS)
    assert isinstance(event, TextTurn) and event.text == "공항에서 check-in"


@given(st.one_of(st.text(max_size=300), st.binary(max_size=300)))
def test_any_frame_parses_to_an_event_or_a_coded_error(frame: str | bytes) -> None:
    result = parse_client_frame(frame, LIMITS)
    if isinstance(result, ProtocolError):
        assert result.code in ErrorCode


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(
    st.sampled_from(["text", "input_audio_chunk", "input_audio_commit", "input_audio_clear", "x"]),
    st.dictionaries(st.sampled_from(["text", "audio", "sample_rate", "extra"]), JSON_VALUES),
)
def test_any_json_object_parses_to_an_event_or_a_coded_error(
    kind: str, fields: dict[str, object]
) -> None:
    result = parse_client_frame(json.dumps({"type": kind, **fields}), LIMITS)
    if isinstance(result, ProtocolError):
        assert result.code in ErrorCode
    else:
        assert result.type == kind

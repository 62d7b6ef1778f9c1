"""The audio fast path of parse_client_frame answers exactly as the pydantic models would."""

import base64
import json

from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from scenario_engine.protocol import (
    ErrorCode,
    InputAudioChunk,
    ProtocolError,
    ProtocolLimits,
    parse_client_frame,
)
from scenario_engine.protocol.client_events import ClientEvent
from scenario_engine.protocol.parse import _audio_chunk

MODELS: TypeAdapter[ClientEvent] = TypeAdapter(ClientEvent)

AUDIO = st.one_of(
    st.binary(max_size=12).map(lambda b: base64.b64encode(b).decode()),
    st.text(alphabet="AB=+/@ \n", max_size=8),
    st.integers(),
    st.none(),
)
RATE = st.one_of(
    st.integers(min_value=7990, max_value=48010),
    st.sampled_from([8000, 24000, 48000, True, None, 24000.0, "24000", 2**70]),
)


def _by_models(frame: str) -> InputAudioChunk | None:
    try:
        event = MODELS.validate_json(frame)
    except ValidationError:
        return None
    return event if isinstance(event, InputAudioChunk) else None


@given(
    audio=AUDIO,
    rate=st.one_of(st.just("absent"), RATE),
    extra=st.sampled_from([None, ("x", 1), ("type", "text"), ("audio", "AAAA")]),
)
def test_fast_path_accepts_exactly_what_the_models_accept(
    audio: object, rate: object, extra: tuple[str, object] | None
) -> None:
    fields: dict[str, object] = {"type": "input_audio_chunk", "audio": audio}
    if rate != "absent":
        fields["sample_rate"] = rate
    frame = json.dumps(fields)
    if extra is not None:
        frame = frame[:-1] + f", {json.dumps(extra[0])}: {json.dumps(extra[1])}}}"
    fast, slow = _audio_chunk(frame), _by_models(frame)
    if fast is not None:
        assert slow is not None
        assert fast == slow
        assert fast.pcm == slow.pcm
        assert fast.model_fields_set == slow.model_fields_set
        assert fast.model_dump() == slow.model_dump()


def test_a_chunk_from_the_fast_path_is_the_validated_model() -> None:
    pcm = bytes(range(16))
    frame = json.dumps({"type": "input_audio_chunk", "audio": base64.b64encode(pcm).decode()})
    fast = parse_client_frame(frame, ProtocolLimits())
    slow = MODELS.validate_json(frame)
    assert isinstance(fast, InputAudioChunk) and isinstance(slow, InputAudioChunk)
    assert (fast, fast.pcm, fast.sample_rate, repr(fast)) == (slow, pcm, 24000, repr(slow))
    assert fast.model_fields_set == {"type", "audio"}
    assert fast.model_copy(update={"sample_rate": 16000}).sample_rate == 16000
    assert fast.model_dump_json() == slow.model_dump_json()


def test_non_ascii_audio_is_the_model_s_coded_error_not_a_crash() -> None:
    """Found by test_parse's property test: binascii raises ValueError, not binascii.Error,
    for a str with a non-ASCII character, and the fast path let it escape."""
    frame = '{"type": "input_audio_chunk", "audio": "\\u0080"}'
    assert _audio_chunk(frame) is None  # the model's way, which owns the error codes
    limits = ProtocolLimits(max_frame_bytes=4096, max_text_chars=100)
    result = parse_client_frame(frame, limits)
    assert isinstance(result, ProtocolError) and result.code in ErrorCode

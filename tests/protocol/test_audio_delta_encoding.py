"""The hand-written response.audio.delta frame is the model's own encoding."""

import base64

from hypothesis import given
from hypothesis import strategies as st

from scenario_engine.protocol import ResponseAudioDelta, encode_audio_delta, encode_server_event


@given(st.binary(max_size=64), st.sampled_from([8000, 16000, 24000, 48000]))
def test_audio_delta_frame_equals_the_model_encoding(pcm: bytes, rate: int) -> None:
    delta = base64.b64encode(pcm).decode("ascii")
    assert encode_audio_delta(delta, rate) == encode_server_event(
        ResponseAudioDelta(delta=delta, sample_rate=rate)
    )

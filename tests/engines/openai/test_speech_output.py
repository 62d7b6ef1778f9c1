"""OpenAISpeechOutput against the fake peer: PCM streamed as it arrives, and its faults."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest

from scenario_engine.config import AppConfig
from scenario_engine.engines.base import SpeechOutput, SpeechOutputError
from scenario_engine.engines.openai.engine import OpenAIEngine
from tests.fake_openai import FakeOpenAI, HttpFault


@pytest.fixture
async def tts_for(
    make_config: Callable[..., AppConfig],
) -> AsyncIterator[Callable[..., SpeechOutput]]:
    engines: list[OpenAIEngine] = []

    def build(**overrides: object) -> SpeechOutput:
        engines.append(OpenAIEngine(make_config(**overrides)))
        return engines[-1].speech_output

    yield build
    for engine in engines:
        await engine.aclose()


async def test_speech_streams_pcm16_at_24k(
    peer: FakeOpenAI, tts_for: Callable[..., SpeechOutput]
) -> None:
    peer.speech.chunk_bytes = 4801  # odd on purpose: no sample may be split between chunks
    tts = tts_for(tts_model="gpt-4o-mini-tts", tts_voice="coral")
    text = "Who are you talking to?"

    received = [chunk async for chunk in tts.stream(text, "en")]

    assert tts.sample_rate == 24_000
    assert all(len(chunk) % 2 == 0 for chunk in received)
    assert sum(map(len, received)) == len(text) * peer.speech.bytes_per_char
    assert len(received) > 1
    request = peer.speech.requests[0]
    assert request == {
        "model": "gpt-4o-mini-tts",
        "voice": "coral",
        "input": text,
        "response_format": "pcm",
    }


async def test_the_first_chunk_arrives_before_synthesis_ends(
    peer: FakeOpenAI, tts_for: Callable[..., SpeechOutput]
) -> None:
    peer.speech.hold_after_first_chunk = asyncio.Event()  # the peer pauses mid-synthesis
    stream = tts_for().stream("A long confirmation that takes a while to say.", "en")

    first = await asyncio.wait_for(anext(stream), timeout=2)

    assert first
    assert peer.speech.chunks_sent <= 1  # the rest is not even synthesised yet
    peer.speech.hold_after_first_chunk.set()
    rest = [chunk async for chunk in stream]
    assert rest


async def test_korean_text_is_spoken_too(
    peer: FakeOpenAI, tts_for: Callable[..., SpeechOutput]
) -> None:
    text = "죄송해요, 잠시 문제가 생겼어요."
    received = [chunk async for chunk in tts_for().stream(text, "ko")]
    assert sum(map(len, received)) == len(text) * peer.speech.bytes_per_char


@pytest.mark.parametrize(
    ("status", "code"),
    [(429, "tts_rate_limited"), (500, "tts_upstream_error"), (401, "tts_auth")],
)
async def test_an_error_status_raises_speech_output_error(
    peer: FakeOpenAI, tts_for: Callable[..., SpeechOutput], status: int, code: str
) -> None:
    peer.speech.faults.extend([HttpFault(status=status)] * 3)

    with pytest.raises(SpeechOutputError) as caught:
        _ = [chunk async for chunk in tts_for(max_retries=2).stream("Hello", "en")]

    assert caught.value.code == code


async def test_a_passing_error_is_retried_by_the_sdk(
    peer: FakeOpenAI, tts_for: Callable[..., SpeechOutput]
) -> None:
    peer.speech.faults.append(HttpFault(status=503))
    received = [chunk async for chunk in tts_for(max_retries=1).stream("Hello", "en")]
    assert sum(map(len, received)) == 5 * peer.speech.bytes_per_char


async def test_a_stall_before_the_answer_raises_tts_timeout(
    peer: FakeOpenAI, tts_for: Callable[..., SpeechOutput]
) -> None:
    peer.speech.faults.append(HttpFault(stall_s=1.5))

    with pytest.raises(SpeechOutputError) as caught:
        _ = [c async for c in tts_for(openai_timeout_s=0.3, max_retries=0).stream("Hi", "en")]

    assert caught.value.code == "tts_timeout"


async def test_a_stall_mid_stream_raises_tts_timeout_after_the_first_audio(
    peer: FakeOpenAI, tts_for: Callable[..., SpeechOutput]
) -> None:
    peer.speech.hold_after_first_chunk = asyncio.Event()  # never set: synthesis hangs
    received: list[bytes] = []

    with pytest.raises(SpeechOutputError) as caught:
        async for chunk in tts_for(openai_timeout_s=0.3).stream("Hello there, traveller.", "en"):
            received.append(chunk)

    assert caught.value.code == "tts_timeout"
    assert len(received) == 1
    peer.speech.hold_after_first_chunk.set()

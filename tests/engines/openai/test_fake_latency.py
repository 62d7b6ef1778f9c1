"""The fake peer's latency model, measured through the official SDK: each delay is where it says.

Bounds are one-sided where load can only add time (2 shared cores), and generous above.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time

import pytest
from openai import AsyncOpenAI
from websockets.asyncio.client import connect

from tests.engines.openai.audio import silence, speech
from tests.fake_openai import FakeOpenAI
from tests.fake_openai.latency import LatencyModel, tokens

MODEL = LatencyModel(transcript_after_commit_s=0.3, chat_first_token_s=0.2,
                     chat_per_token_s=0.02, speech_first_byte_s=0.25)
ANSWER = "Who are you talking to at the hotel?"


def test_the_model_is_parsed_from_a_setting_and_is_off_by_default() -> None:
    assert LatencyModel.from_env({}) == LatencyModel() == LatencyModel.parse("off")
    assert LatencyModel.from_env({"FAKE_OPENAI_LATENCY": "typical"}) == LatencyModel(
        0.4, 0.45, 0.012, 0.35
    )
    assert LatencyModel.parse("chat_first_token=450,chat_per_token=12") == LatencyModel(
        chat_first_token_s=0.45, chat_per_token_s=0.012
    )
    with pytest.raises(ValueError, match="unknown latency"):
        LatencyModel.parse("chat=1")
    assert "".join(tokens('{"a":"b c"}')) == '{"a":"b c"}'


async def test_chat_takes_first_token_plus_per_token_streamed_or_not() -> None:
    async with FakeOpenAI(latency=MODEL) as peer:
        peer.chat.responder = lambda request: ANSWER
        client = AsyncOpenAI(api_key="k", base_url=peer.base_url, max_retries=0)
        n = len(tokens(ANSWER))
        messages = [{"role": "user", "content": "hi"}]
        started = time.monotonic()
        whole = await client.chat.completions.create(model="m", messages=messages)  # type: ignore[arg-type]
        whole_s = time.monotonic() - started
        assert whole.choices[0].message.content == ANSWER
        assert MODEL.chat_seconds(n) <= whole_s < MODEL.chat_seconds(n) + 1.0

        started = time.monotonic()
        stream = await client.chat.completions.create(model="m", messages=messages,  # type: ignore[arg-type]
                                                      stream=True)
        arrivals, text = [], ""
        async for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                arrivals.append(time.monotonic() - started)
                text += chunk.choices[0].delta.content
        assert text == ANSWER and len(arrivals) == n
        assert MODEL.chat_first_token_s <= arrivals[0] < MODEL.chat_first_token_s + 0.5
        assert arrivals[-1] - arrivals[0] >= MODEL.chat_per_token_s * (n - 1) * 0.9
        await client.close()
        assert peer.checker.violations == []


async def test_speech_waits_for_its_first_byte() -> None:
    async with FakeOpenAI(latency=MODEL) as peer:
        client = AsyncOpenAI(api_key="k", base_url=peer.base_url, max_retries=0)
        started = time.monotonic()
        async with client.audio.speech.with_streaming_response.create(
            model="m", voice="alloy", input="Hello there.", response_format="pcm"
        ) as response:
            async for _ in response.iter_bytes():
                first_s = time.monotonic() - started
                break
        assert MODEL.speech_first_byte_s <= first_s < MODEL.speech_first_byte_s + 0.5
        await client.close()


async def test_a_transcript_comes_after_the_commit_by_the_model() -> None:
    async with FakeOpenAI(latency=MODEL) as peer:
        peer.realtime.transcripts[speech(300)] = "hello"
        url = f"ws://127.0.0.1:{peer.port}/v1/realtime?intent=transcription"
        async with connect(url, additional_headers={"Authorization": "Bearer k"}) as ws:
            await ws.recv()  # session.created
            await ws.send(json.dumps({"type": "session.update", "session": {
                "type": "transcription", "audio": {"input": {"turn_detection": None}}}}))
            audio = base64.b64encode(silence(100) + speech(300)).decode()
            await ws.send(json.dumps({"type": "input_audio_buffer.append", "audio": audio}))
            await ws.send(json.dumps({"type": "input_audio_buffer.commit"}))
            committed = time.monotonic()
            while True:
                event = json.loads(await asyncio.wait_for(ws.recv(), 5))
                if event["type"].endswith("transcription.completed"):
                    waited = time.monotonic() - committed
                    assert event["transcript"] == "hello"
                    break
        assert MODEL.transcript_after_commit_s <= waited < MODEL.transcript_after_commit_s + 0.5
        assert peer.checker.violations == []

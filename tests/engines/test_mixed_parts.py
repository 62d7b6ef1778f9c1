"""Parts of different engines in one service: local ears and voice, an OpenAI-compatible LLM.

The combination a school without a cloud key runs: Whisper and eSpeak on the machine, the
model on its own server (``SCENARIO_ENGINE_LLM_BASE_URL``). The server here is the fake OpenAI
peer (real wire protocol, every request checked against the spec); the learner is a real
WebSocket client speaking synthesized audio.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from typing import Any

import pytest

from scenario_engine.config import AppConfig, EngineParts
from tests.engines.local.audio import silence, synthesize
from tests.fake_openai import FakeOpenAI
from tests.live import live_client, running_server

RATE = 24_000
HOTEL = {"place": "hotel", "conversation_partner": "receptionist", "conversation_goal": "check in"}
FINAL_TEXT = "Great, let's begin. Welcome to our hotel, how can I help you?"


def model_server(request: dict[str, Any]) -> dict[str, Any]:
    """What a chat model would answer the one structured call of a turn (domain/prompts.py),
    read from the learner's transcribed words."""
    user = str(request["messages"][-1]["content"])
    learner = user[user.index("<learner>") : user.index("</learner>")].lower()
    heard = {"place": ("hotel", "hotel"), "partner": ("receptionist", "receptionist"),
             "goal": ("check", "check in")}  # fmt: skip
    slots = {slot: value if word in learner else None for slot, (word, value) in heard.items()}
    missing = [slot for slot, value in slots.items() if value is None]
    if not missing:
        return {**slots, "asks_about": None, "reply": FINAL_TEXT}
    return {**slots, "asks_about": missing[0], "reply": f"And the {missing[0]}?"}


@pytest.fixture
async def peer() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as server:
        server.chat.responder = model_server
        yield server
    assert server.checker.violations == [], "wire schema violations"


def test_each_part_follows_its_own_setting_and_auto_follows_the_engine() -> None:
    assert AppConfig(engine="local").resolved_parts == EngineParts.everywhere("local")
    mixed = AppConfig(engine="local", llm_base_url="http://127.0.0.1:11434/v1")
    assert mixed.resolved_parts == EngineParts("local", "openai", "local")
    keyed = AppConfig(openai_api_key="sk-x", speech_input="local", speech_output="local")
    assert keyed.resolved_parts == EngineParts("local", "openai", "local")
    assert AppConfig(openai_api_key="sk-x", llm="local").resolved_parts.llm == "local"


async def test_local_speech_with_a_model_server_and_no_openai_key(peer: FakeOpenAI) -> None:
    config = AppConfig(
        engine="local", llm_base_url=peer.base_url, llm_model="llama3.2", openai_api_key=None
    )
    speech = await synthesize("I'm at a hotel talking to the receptionist to check in.", RATE)
    audio = silence(0.3, RATE) + speech + silence(1.0, RATE)
    async with running_server(config) as url, live_client(url) as client:
        ready = client.received[-1]
        assert ready["type"] == "session.ready"
        assert ready["engine"]["name"] == "mixed"
        assert ready["engine"]["speech_input"] == "whisper-tiny.en"
        assert ready["engine"]["llm"] == "openai-chat/llama3.2"
        assert ready["engine"]["speech_output"] == "espeak-ng"
        size = RATE * 2 // 10  # 100 ms chunks
        for offset in range(0, len(audio), size):
            piece = base64.b64encode(audio[offset : offset + size]).decode()
            await client.send({"type": "input_audio_chunk", "audio": piece, "sample_rate": RATE})
        heard = await client.until("input_audio.transcript")
        assert "receptionist" in heard[-1]["transcript"].lower()
        events = await client.until("scenario.completed")
    assert events[-1] == {"type": "scenario.completed", "json": HOTEL, "completed": True}
    assert {"type": "response.audio_transcript.done", "transcript": FINAL_TEXT} in events
    models = {request["model"] for request in peer.chat.requests}
    assert models == {"llama3.2"}

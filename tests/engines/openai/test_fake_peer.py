"""The fake peer's own checks: a schema mismatch in either direction is caught, not tolerated.

Without these, a checker that accepted everything would let every other test pass.
"""

from __future__ import annotations

import asyncio
import json

from websockets.asyncio.client import connect

from tests.fake_openai import FakeOpenAI
from tests.fake_openai.schemas import WireChecker, schema_errors


def test_beta_event_names_and_other_rates_are_rejected() -> None:
    checker = WireChecker()
    beta = {"event_id": "e", "type": "response.audio.delta", "response_id": "r", "item_id": "i",
            "output_index": 0, "content_index": 0, "delta": ""}
    assert checker.check_event("server", beta)
    update = {"type": "session.update", "session": {"type": "transcription", "audio": {
        "input": {"format": {"type": "audio/pcm", "rate": 16000}}}}}
    assert checker.check_event("client", update)
    assert len(checker.violations) == 2


def test_a_transcription_completed_event_needs_its_usage() -> None:
    event = {"event_id": "e", "type": "conversation.item.input_audio_transcription.completed",
             "item_id": "i", "content_index": 0, "transcript": "hi"}
    assert schema_errors(
        "RealtimeServerEventConversationItemInputAudioTranscriptionCompleted", event
    )


async def test_an_invalid_client_event_gets_an_error_event_and_is_recorded() -> None:
    async with FakeOpenAI() as peer:
        async with connect(f"ws://127.0.0.1:{peer.port}/v1/realtime?intent=transcription",
                           additional_headers={"Authorization": "Bearer x"}) as ws:
            created = json.loads(await asyncio.wait_for(ws.recv(), 5))
            assert created["type"] == "session.created"
            await ws.send(json.dumps({"type": "input_audio_buffer.append"}))  # no audio
            error = json.loads(await asyncio.wait_for(ws.recv(), 5))
        assert error["type"] == "error"
        assert error["error"]["code"] == "invalid_value"
        assert peer.checker.violations  # and the test using the peer would fail

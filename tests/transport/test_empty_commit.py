"""A commit with (almost) no audio is a coded error from the local engine, not a silent turn."""

from __future__ import annotations

import base64

import pytest

from scenario_engine.config import AppConfig
from tests.live import live_client, running_server


def _chunk(milliseconds: int, rate: int = 16_000) -> dict[str, object]:
    pcm = bytes(rate * milliseconds // 1000 * 2)
    return {
        "type": "input_audio_chunk",
        "audio": base64.b64encode(pcm).decode(),
        "sample_rate": rate,
    }


@pytest.mark.parametrize("server_vad", [False, True], ids=["manual", "server-vad"])
async def test_empty_commit_is_refused_and_the_dialog_keeps_its_state(server_vad: bool) -> None:
    config = AppConfig(engine="local", server_vad=server_vad)
    async with running_server(config) as url, live_client(url) as client:
        await client.say("I'm at the airport")
        assert "airport" in await client.reply()
        await client.send({"type": "input_audio_commit"})  # nothing buffered at all
        error = await client.next()
        assert (error["type"], error["code"]) == ("error", "input_audio_commit_empty")
        await client.send(_chunk(40))  # under the 100 ms a turn needs
        await client.send({"type": "input_audio_commit"})
        assert (await client.next())["code"] == "input_audio_commit_empty"
        await client.say("I am talking to the receptionist to check in.")
        events = await client.until("scenario.completed")
        assert not [event for event in events if event["type"] == "error"]
        assert events[-1]["json"]["place"] == "airport"

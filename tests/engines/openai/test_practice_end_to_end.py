"""A whole opted-in dialog on the OpenAI engine (fake peer): spoken turns, the read-back, Korean
help, a role-play played by the model persona with a spoken learner turn, feedback, close 1000."""

from __future__ import annotations

from collections.abc import Callable

from scenario_engine.config import AppConfig
from tests.engines.openai.audio import silence, speech
from tests.engines.openai.dialog import (
    HOTEL,
    PHRASES,
    RESERVATION,
    audio_frames,
    practice_respond,
    script_dialog,
)
from tests.engines.openai.test_end_to_end import assert_no_secret, speak
from tests.fake_openai import FakeOpenAI
from tests.live import live_client, running_server


async def test_a_spoken_role_play_on_the_openai_engine(
    peer: FakeOpenAI, make_config: Callable[..., AppConfig]
) -> None:
    script_dialog(peer)
    peer.chat.responder = practice_respond
    learner_tone = speech(700, frequency=900)
    peer.realtime.transcripts[learner_tone] = RESERVATION
    async with running_server(make_config()) as url, live_client(url) as client:
        await client.send({"type": "session.configure", "confirm_scenario": True,
                           "roleplay": True, "help_language": "ko"})  # fmt: skip
        await client.until("session.configured")
        for index in range(len(PHRASES)):
            await speak(client, index)
            if index < len(PHRASES) - 1:
                await client.reply()
        assert (await client.until("scenario.proposed"))[-1]["json"] == HOTEL
        assert (await client.reply()).endswith("Shall we start?")
        assert (await client.next())["translation_ko"] == "시작할까요?"
        await client.say("yes")
        events = await client.until("roleplay.started")
        assert events[-1]["partner"] == "receptionist"
        assert await client.reply() == "Welcome to our hotel! Do you have a reservation?"
        for frame in audio_frames(silence(300) + learner_tone + silence(700)):
            await client.send(frame)
        assert (await client.until("input_audio.transcript"))[-1]["transcript"] == RESERVATION
        assert "key" in await client.reply()
        feedback = (await client.until("roleplay.feedback"))[-1]
        assert feedback["ended_by"] == "goal"
        assert feedback["corrections"][0]["better"] == "I have a reservation."
        assert await client.reply() == (
            "You answered the question clearly. You checked in at the hotel."
        )
        assert await client.close_code() == 1000
        assert_no_secret(client)
    names = [r.get("response_format", {}).get("json_schema", {}).get("name")
             for r in peer.chat.requests]  # fmt: skip
    partner_calls = [name for name in names if name == "partner_line"]
    assert len(partner_calls) == 2  # one call per partner turn, the opening included

"""A whole opted-in dialog on the OpenAI engine (fake peer): spoken turns, the read-back, Korean
help, a role-play played by the model persona with a spoken learner turn, feedback, close 1000."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from scenario_engine.config import AppConfig
from scenario_engine.domain.feedback_rules import rule_feedback
from scenario_engine.session.dialog_flow import PARTNER_REPEAT
from tests.engines.openai.audio import silence, speech
from tests.engines.openai.dialog import (
    HOTEL,
    PHRASES,
    RESERVATION,
    audio_frames,
    practice_respond,
    respond,
    script_dialog,
)
from tests.engines.openai.test_end_to_end import assert_no_secret, speak
from tests.fake_openai import FakeOpenAI, HttpFault
from tests.fake_openai.script import ChatReply
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


STALLED = {"partner_line", "roleplay_feedback", "korean_help"}


def _practice_stalls(request: dict[str, Any]) -> ChatReply:
    """The scenario dialog answers at once; the partner, the coach and the helper take 30 s
    (and then fail), as an overloaded model does."""
    name = request.get("response_format", {}).get("json_schema", {}).get("name")
    if name in STALLED:
        return HttpFault(status=500, stall_s=30)
    return respond(request)


async def test_a_stalled_partner_coach_and_helper_answer_within_the_turn_deadline(
    peer: FakeOpenAI, make_config: Callable[..., AppConfig]
) -> None:
    """Only the builder's calls had the turn deadline: a stalled help, partner line or
    feedback waited 15 s per try, three tries. Now each is answered by its fallback (template
    help, "could you say that again?", the rule-based feedback) at the turn's deadline."""
    peer.chat.responder = _practice_stalls
    config = make_config(openai_timeout_s=15, turn_deadline_s=1.0)
    async with running_server(config) as url, live_client(url) as client:
        await client.send({"type": "session.configure", "confirm_scenario": True,
                           "roleplay": True, "help_language": "ko"})  # fmt: skip
        await client.until("session.configured")

        async def timed(send: dict[str, Any], until: str) -> tuple[list[dict[str, Any]], float]:
            started = time.monotonic()
            await client.send(send)
            events = await client.until(until)
            return events, time.monotonic() - started

        for text, _ in PHRASES:  # each question comes with its (template) help
            events, took = await timed({"type": "text", "text": text}, "response.help")
            assert took < 8.0, took
            assert len(events[-1]["suggestions"]) >= 2
        assert "scenario.proposed" in [event["type"] for event in events]
        started = time.monotonic()
        await client.say("yes")
        await client.until("roleplay.started")
        events = await client.until("response.audio_transcript.done")  # the partner's opening
        assert time.monotonic() - started < 8.0
        errors = [event for event in events if event["type"] == "error"]
        assert [e["code"] for e in errors] == ["llm_failed"] and "1 s" in errors[0]["message"]
        assert events[-1]["transcript"] == PARTNER_REPEAT
        events, took = await timed({"type": "text", "text": RESERVATION},
                                   "response.audio_transcript.done")  # fmt: skip
        assert took < 8.0, took
        assert events[-1]["transcript"] == PARTNER_REPEAT
        events, took = await timed({"type": "roleplay.end"}, "roleplay.feedback")
        assert took < 8.0, took
        rules = rule_feedback([RESERVATION])
        feedback = events[-1]
        assert feedback["ended_by"] == "learner"
        assert (feedback["well_done"], feedback["summary"]) == (rules.well_done, rules.summary)
        assert [c["better"] for c in feedback["corrections"]] == [
            c.better for c in rules.corrections
        ]
        await client.reply()
        assert await client.close_code() == 1000
    names = {r.get("response_format", {}).get("json_schema", {}).get("name")
             for r in peer.chat.requests}  # fmt: skip
    assert names >= STALLED  # each was asked, and stalled

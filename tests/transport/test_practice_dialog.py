"""Opted-in dialogs through the real server and a real WebSocket client (local engine):
the confirm step, the role-play with its feedback, Korean help, and the coded refusals."""

from __future__ import annotations

import time

from scenario_engine.config import AppConfig
from tests.live import LiveClient, live_client, running_server

HOTEL = {"place": "hotel", "conversation_partner": "receptionist", "conversation_goal": "check in"}
ALL = {"type": "session.configure", "confirm_scenario": True, "roleplay": True,
       "help_language": "ko"}  # fmt: skip


async def _configure(client: LiveClient, **options: object) -> dict[str, object]:
    await client.send({"type": "session.configure", **options})
    [configured] = (await client.until("session.configured"))[-1:]
    return configured


async def test_configure_echoes_the_options_in_force() -> None:
    async with running_server() as url, live_client(url) as client:
        assert await _configure(client, confirm_scenario=True) == {
            "type": "session.configured", "confirm_scenario": True, "roleplay": False,
            "help_language": None,
        }  # fmt: skip


async def test_late_or_unknown_options_get_coded_errors_and_the_dialog_goes_on() -> None:
    async with running_server() as url, live_client(url) as client:
        await client.send({"type": "session.configure", "speed": "fast"})
        assert (await client.until("error"))[-1]["code"] == "unknown_field"
        await client.send({"type": "session.configure", "help_language": "fr"})
        assert (await client.until("error"))[-1]["code"] == "invalid_field"
        await client.say("I'm at the hotel")
        await client.reply()
        await client.send(ALL)
        error = (await client.until("error"))[-1]
        assert error["code"] == "event_not_allowed"
        assert "'session.configure' is not allowed in phase 'collecting'" in error["message"]
        await client.send({"type": "roleplay.end"})
        assert (await client.until("error"))[-1]["code"] == "event_not_allowed"
        await client.say("talking to the receptionist to check in")
        events = await client.until("scenario.completed")  # the default contract held
        assert events[-1]["json"] == HOTEL
        assert await client.close_code() == 1000


async def test_a_proposal_is_corrected_then_confirmed_in_korean() -> None:
    async with running_server() as url, live_client(url) as client:
        await _configure(client, confirm_scenario=True)
        await client.say("I'm at a hotel talking to the receptionist to check in.")
        events = await client.until("scenario.proposed")
        assert events[-1] == {"type": "scenario.proposed", "json": HOTEL, "missing": [],
                              "proposal": 1}  # fmt: skip
        read_back = await client.reply()
        assert read_back == ("So you're at the hotel, talking to the receptionist, to check in. "
                             "Shall we start?")  # fmt: skip
        await client.say("no, I want to check out")
        proposed = (await client.until("scenario.proposed"))[-1]
        assert proposed["json"]["conversation_goal"] == "check out" and proposed["proposal"] == 2
        await client.reply()
        await client.say("네, 좋아요")
        events = await client.until("scenario.completed")
        assert events[-1]["json"] == {**HOTEL, "conversation_goal": "check out"}
        assert await client.close_code() == 1000


async def test_fallback_gaps_are_named_not_celebrated() -> None:
    config = AppConfig(engine="local", max_attempts=1)
    async with running_server(config) as url, live_client(url) as client:
        await _configure(client, confirm_scenario=True)
        await client.say("I'm at the hotel")
        await client.reply()
        await client.say("I don't know")
        proposed = (await client.until("scenario.proposed"))[-1]
        assert proposed["missing"] == ["conversation_partner", "conversation_goal"]
        read_back = await client.reply()
        assert "I still don't know who you talk to and your goal" in read_back
        await client.send({"type": "scenario.edit", "field": "conversation_partner",
                           "value": "receptionist"})  # fmt: skip
        await client.reply()
        # One proposal was the budget: the edit is applied and the scenario completes.
        events = await client.until("scenario.completed")
        assert events[-1]["json"] == {**HOTEL, "conversation_goal": None}


async def test_a_whole_role_play_ends_with_feedback_and_close_1000() -> None:
    async with running_server() as url, live_client(url) as client:
        await client.send(ALL)
        await client.until("session.configured")
        await client.say("호텔에서 프런트 직원이랑 체크인하고 싶어요")
        await client.until("scenario.proposed")
        await client.reply()
        help_event = await client.next()
        assert help_event["type"] == "response.help" and len(help_event["suggestions"]) >= 2
        await client.say("yes")
        events = await client.until("roleplay.started")
        kinds = [event["type"] for event in events]
        assert kinds.index("scenario.completed") < kinds.index("roleplay.started")
        assert events[-1] == {"type": "roleplay.started", "partner": "receptionist",
                              "scenario": HOTEL}  # fmt: skip
        opening = await client.reply()
        assert opening == "Good evening, welcome to our hotel. How can I help you?"
        latencies = []
        for turn in ("I want check in. I have reservation.", "My name is Kim Minsu.",
                     "Here is my passport.", "I stay for two night.", "Yes, please."):  # fmt: skip
            sent = time.monotonic()
            await client.say(turn)
            await client.until("response.audio.delta")  # what the learner waits for
            latencies.append(time.monotonic() - sent)
            line = await client.reply()  # its audio is paced: the text closes it in real time
            assert line.endswith(("?", ".", "!"))
        assert "key card" in line  # the scene reached its goal
        feedback = (await client.until("roleplay.feedback"))[-1]
        assert feedback["ended_by"] == "goal"
        said = {c["said"]: c["better"] for c in feedback["corrections"]}
        assert said["I want check in. I have reservation."] == (
            "I want to check in. I have a reservation."
        )
        assert said["I stay for two night."] == "I stay for two nights."
        assert "hotel" in feedback["summary"]
        spoken = await client.reply()
        assert feedback["well_done"] in spoken
        assert await client.close_code() == 1000
        assert max(latencies) < 5.0, latencies


async def test_the_learner_ends_the_role_play_and_the_turn_limit_ends_it_too() -> None:
    config = AppConfig(engine="local", roleplay_max_turns=2)
    async with running_server(config) as url, live_client(url) as client:
        await _configure(client, roleplay=True)
        await client.say("I'm at the cafe talking to the barista to order coffee")
        await client.until("roleplay.started")
        await client.reply()
        await client.say("I want one coffee.")
        await client.reply()
        await client.say("Large, please.")
        await client.reply()
        feedback = (await client.until("roleplay.feedback"))[-1]
        assert feedback["ended_by"] == "turn_limit"
    async with running_server() as url, live_client(url) as client:
        await _configure(client, roleplay=True)
        await client.say("I'm at the cafe talking to the barista to order coffee")
        await client.until("roleplay.started")
        await client.reply()
        await client.send({"type": "roleplay.end"})
        feedback = (await client.until("roleplay.feedback"))[-1]
        assert feedback["ended_by"] == "learner" and feedback["corrections"] == []
        assert await client.close_code() == 1000


async def test_korean_help_comes_with_each_question() -> None:
    async with running_server() as url, live_client(url) as client:
        await _configure(client, help_language="ko")
        await client.say("I'm at the hotel")
        assert (await client.reply()) == "Who will you talk to at the hotel?"
        help_event = await client.next()
        assert help_event == {
            "type": "response.help",
            "translation_ko": "hotel에서 누구와 이야기하나요?",
            "suggestions": ["The receptionist.", "The manager.", "I'm not sure."],
        }

"""Whole dialogs typed through the real server and a real WebSocket client (local engine)."""

import base64

from websockets.exceptions import ConnectionClosedOK

from scenario_engine.config import AppConfig
from tests.live import live_client, running_server

HOTEL = {"place": "hotel", "conversation_partner": "receptionist", "conversation_goal": "check in"}


async def _closed_normally(client) -> int:  # type: ignore[no-untyped-def]
    try:
        await client.next()
    except ConnectionClosedOK as closed:
        assert closed.rcvd is not None
        return closed.rcvd.code
    raise AssertionError("the socket stayed open after scenario.completed")


async def test_one_turn_completes_with_spoken_confirmation_and_closes_1000() -> None:
    async with running_server() as url, live_client(url) as client:
        await client.say("I'm at a hotel talking to the receptionist to check in.")
        events = await client.until("scenario.completed")
        kinds = [event["type"] for event in events]
        assert kinds[-3:] == [
            "response.audio.done",
            "response.audio_transcript.done",
            "scenario.completed",
        ]
        deltas = [event for event in events if event["type"] == "response.audio.delta"]
        assert deltas and all(event["sample_rate"] == 24000 for event in deltas)
        pcm = b"".join(base64.b64decode(event["delta"]) for event in deltas)
        assert len(pcm) % 2 == 0 and len(pcm) > 24000  # over half a second of speech
        assert "receptionist" in events[-2]["transcript"]
        assert events[-1] == {"type": "scenario.completed", "json": HOTEL, "completed": True}
        assert await _closed_normally(client) == 1000


async def test_follow_up_questions_fill_the_missing_slots() -> None:
    async with running_server() as url, live_client(url) as client:
        await client.say("um i am in the hotel")
        question = await client.reply()
        assert "hotel" in question and question.endswith("?")
        await client.say("the receptionist")
        question = await client.reply()
        assert "receptionist" in question or "hotel" in question
        await client.say("check in")
        events = await client.until("scenario.completed")
        assert events[-1]["json"] == HOTEL


async def test_korean_dialog_gives_canonical_english_slots() -> None:
    async with running_server() as url, live_client(url) as client:
        await client.say("호텔에서 프런트 직원이랑 체크인하고 싶어요")
        events = await client.until("scenario.completed")
        assert events[-1]["json"] == HOTEL


async def test_fallback_after_max_attempts_finishes_with_nulls() -> None:
    config = AppConfig(engine="local", max_attempts=2)
    async with running_server(config) as url, live_client(url) as client:
        await client.say("I want to order food")
        assert (await client.reply()).endswith("?")
        await client.say("hmm I don't know")
        assert (await client.reply()).endswith("?")
        await client.say("whatever")
        events = await client.until("scenario.completed")
        assert events[-1]["json"] == {
            "place": None,
            "conversation_partner": None,
            "conversation_goal": "order food",
        }
        assert await _closed_normally(client) == 1000


async def test_format_characters_and_compatibility_forms_do_not_split_words() -> None:
    """A soft hyphen reached the final JSON as ``"recep tionist"``; a text of zero-width
    spaces used up a follow-up question."""
    async with running_server() as url, live_client(url) as client:
        await client.say("I'm at a \uff48\uff4f\uff54\uff45\uff4c")  # full-width "hotel"
        assert "hotel" in await client.reply()
        await client.send({"type": "text", "text": "\u200b\u200b"})
        assert (await client.next())["code"] == "empty_text"
        await client.say("talking to the recep\u00adtionist to check\u200b in.")
        events = await client.until("scenario.completed")
        assert events[-1]["json"] == HOTEL

"""A scripted spoken dialog for end-to-end tests: learner audio, its transcripts, model answers.

Each learner phrase is a distinct tone registered with the fake peer as the audio of its
text; the chat responder reads the quoted learner words in the prompt and answers what a
model would, so the real builder, session and transport run unchanged.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from scenario_engine.engines.openai.turn_answer import TurnOrder, turn_format
from tests.engines.openai.audio import silence, speech
from tests.fake_openai import FakeOpenAI

PLACE = ("I am at a hotel", {"place": "hotel"})
PARTNER = ("the receptionist", {"partner": "receptionist"})
GOAL = ("I want to check in", {"goal": "check in"})
PHRASES = [PLACE, PARTNER, GOAL]

HOTEL = {"place": "hotel", "conversation_partner": "receptionist", "conversation_goal": "check in"}
FINAL_TEXT = "Great, let's begin. Welcome to our hotel, how can I help you?"
QUESTIONS = {
    "partner": "Who are you talking to at the hotel?",
    "goal": "What do you want to do there?",
    "place": "Where are you?",
}


def one_call_answer(turn: int, order: TurnOrder = TurnOrder.REPLY_FIRST) -> dict[str, Any]:
    """What a model answers after ``turn`` in one structured call: the slots of that turn
    and the next question (or the final text once every slot is known), its keys in the
    order of the service's schema for ``order`` (the peer writes them so anyway)."""
    slots: dict[str, str | None] = {"place": None, "partner": None, "goal": None}
    slots.update(PHRASES[turn][1])
    known = {name for _, found in PHRASES[: turn + 1] for name in found}
    missing = [name for name in ("place", "partner", "goal") if name not in known]
    if not missing:
        answer = {**slots, "asks_about": None, "reply": FINAL_TEXT}
    else:
        answer = {**slots, "asks_about": missing[0], "reply": QUESTIONS[missing[0]]}
    keys = turn_format(order)["json_schema"]["schema"]["properties"]
    return {key: answer[key] for key in keys}


def phrase_tone(index: int) -> bytes:
    """The "voice" of phrase ``index``: a tone of its own pitch."""
    return speech(700, frequency=300 + 90 * index)


def phrase_audio(index: int) -> bytes:
    """Phrase ``index`` as spoken: silence, its tone, and enough silence for VAD to end it."""
    return silence(300) + phrase_tone(index) + silence(700)


def respond(request: dict[str, Any]) -> str | dict[str, Any]:
    """What a model would answer the service's prompts (domain/prompts.py) in this dialog."""
    user = str(request["messages"][-1]["content"])
    learner = user[user.index("<learner>") : user.index("</learner>")]
    slots: dict[str, str | None] = {"place": None, "partner": None, "goal": None}
    for text, found in PHRASES:
        if text in learner:
            slots.update(found)
    if "last try" in user:
        return {**slots, "asks_about": None, "reply": FINAL_TEXT}
    known = json.loads(user[user.index("Known so far: ") + 14 :].split("\n", 1)[0])
    merged = {name: slots[name] or known[name] for name in slots}
    order = re.findall(r"(place|partner|goal) =", user[user.index("first unknown slot"):])
    missing = [name for name in order if not merged[name]]
    if not missing:
        return {**slots, "asks_about": None, "reply": FINAL_TEXT}
    return {**slots, "asks_about": missing[0], "reply": QUESTIONS[missing[0]]}


HALVES = (("I am at", 610), ("a hotel", 700))
"""The first phrase in two halves, each a tone of its own: said with a pause between them."""


def paused_tone(pause_ms: int) -> bytes:
    """The first phrase with the learner pausing ``pause_ms`` in the middle of it."""
    first, second = (speech(350, frequency=frequency) for _, frequency in HALVES)
    return first + silence(pause_ms) + second


def script_dialog(peer: FakeOpenAI) -> None:
    for index, (text, _) in enumerate(PHRASES):
        peer.realtime.transcripts[phrase_tone(index)] = text
    for text, frequency in HALVES:
        peer.realtime.transcripts[speech(350, frequency=frequency)] = text
    peer.chat.responder = respond


def audio_frames(pcm: bytes, rate: int = 24_000, ms: int = 100) -> list[dict[str, Any]]:
    """Client ``input_audio_chunk`` events carrying ``pcm``."""
    size = rate * ms // 1000 * 2
    return [
        {
            "type": "input_audio_chunk",
            "audio": base64.b64encode(pcm[i : i + size]).decode("ascii"),
            "sample_rate": rate,
        }
        for i in range(0, len(pcm), size)
    ]


RESERVATION = "I have reservation"


def practice_respond(request: dict[str, Any]) -> str | dict[str, Any]:
    """The model's side of the role-play; everything else is the scenario dialog's."""
    name = request.get("response_format", {}).get("json_schema", {}).get("name")
    user = str(request["messages"][-1]["content"])
    if name == "partner_line":
        if RESERVATION in user:
            return {"say": "Thank you, Mr Kim. Here is your key. Enjoy your stay!",
                    "goal_reached": True}  # fmt: skip
        return {"say": "Welcome to our hotel! Do you have a reservation?", "goal_reached": False}
    if name == "roleplay_feedback":
        return {"corrections": [{"said": RESERVATION, "better": "I have a reservation.",
                                 "why_ko": "셀 수 있는 명사 앞에는 a가 필요해요."}],
                "well_done": "You answered the question clearly.",
                "summary": "You checked in at the hotel."}  # fmt: skip
    if name == "korean_help":
        return {"translation_ko": "시작할까요?", "suggestions": ["Yes.", "No."]}
    return respond(request)

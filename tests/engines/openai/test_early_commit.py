"""Early commit end to end: the fake peer's VAD commits at a 200 ms pause, the service keeps the
turn's silence, answers a pause's words speculatively and drops that answer if the learner
goes on. The real server, the official SDK, a client streaming at real-time pace.

The turn silence is long here (2 s) so that every verdict has a second of margin either way on
a loaded machine: the speech after the 1 s pause always comes inside it, and the pause's
transcript (the peer answers at once) always comes before the speech resumes.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from scenario_engine.config import AppConfig
from tests.engines.openai.audio import silence, speech
from tests.engines.openai.dialog import QUESTIONS, phrase_audio, script_dialog
from tests.engines.openai.test_barge_in import say_paced
from tests.fake_openai import FakeOpenAI
from tests.fake_openai.latency import LatencyModel
from tests.live import live_client, serving

FIRST_HALF = speech(500, frequency=410)
SECOND_HALF = speech(500, frequency=530)
PAUSED = silence(300) + FIRST_HALF + silence(1000) + SECOND_HALF + silence(600)
""""I am at" ... "a hotel": a pause of 1 s, shorter than the turn's 2 s."""


def early(make_config: Callable[..., AppConfig], **overrides: Any) -> AppConfig:
    return make_config(vad_silence_ms=2000, early_commit_ms=200, **overrides)


def learner_words(peer: FakeOpenAI) -> list[str]:
    """The learner's words of each chat call the peer was asked, in order."""
    words = []
    for request in peer.chat.requests:
        user = str(request["messages"][-1]["content"])
        quoted = user[user.index("<learner>") + 9 : user.index("</learner>")].split("\n")
        words.append(" ".join(json.loads(line) for line in quoted if line))
    return words


def speculative(server: Any, outcome: str) -> float:
    sample = server.config.app.state.metrics.registry.get_sample_value
    return float(sample("scenario_speculative_turns_total", {"outcome": outcome}) or 0.0)


def paused_dialog(peer: FakeOpenAI) -> None:
    script_dialog(peer)
    peer.realtime.transcripts[FIRST_HALF] = "I am at"
    peer.realtime.transcripts[SECOND_HALF] = "a hotel"


async def test_a_pause_shorter_than_the_turn_silence_is_one_turn_with_the_joined_words(
    peer: FakeOpenAI, make_config: Callable[..., AppConfig]
) -> None:
    paused_dialog(peer)
    async with serving(early(make_config)) as (url, server), live_client(url) as client:
        await say_paced(client, PAUSED)
        events = await client.until("input_audio.transcript")
        kinds = [e["type"] for e in events]
        assert kinds.count("input_audio.speech_started") == 1  # the pause is not shown
        assert kinds.count("input_audio.speech_stopped") == 1
        assert events[-1] == {"type": "input_audio.transcript", "transcript": "I am at a hotel"}
        assert not [k for k in kinds if k.startswith("response.")]  # nothing said between
        assert await client.reply() == QUESTIONS["partner"]
        # "I am at" was asked at the pause and dropped; the turn's call is its own.
        assert learner_words(peer) == ["I am at", "I am at a hotel"]
        assert speculative(server, "dropped") == 1
        transcripts = [e for e in client.received if e["type"] == "input_audio.transcript"]
        assert len(transcripts) == 1


async def test_a_speculative_call_under_way_is_cancelled_when_the_speech_resumes(
    peer: FakeOpenAI, make_config: Callable[..., AppConfig]
) -> None:
    paused_dialog(peer)
    peer.latency = LatencyModel(chat_first_token_s=1.5)  # still thinking when speech resumes
    config = early(make_config, openai_timeout_s=20.0)
    async with serving(config) as (url, server), live_client(url) as client:
        await say_paced(client, PAUSED)
        events = await client.until("input_audio.transcript")
        assert events[-1]["transcript"] == "I am at a hotel"
        assert await client.reply() == QUESTIONS["partner"]
        async with asyncio.timeout(10):  # the peer notices the closed stream after a moment
            while peer.chat.streams_cut < 1:  # noqa: ASYNC110 - the peer counts, nothing to await
                await asyncio.sleep(0.05)
        assert learner_words(peer) == ["I am at", "I am at a hotel"]
        assert speculative(server, "dropped") == 1
        assert not [e for e in client.received if e["type"] == "error"]


async def test_a_turn_that_ends_at_its_pause_is_answered_by_the_call_started_there(
    peer: FakeOpenAI, make_config: Callable[..., AppConfig]
) -> None:
    script_dialog(peer)
    async with serving(early(make_config)) as (url, server), live_client(url) as client:
        for index, question in ((0, QUESTIONS["partner"]), (1, QUESTIONS["goal"])):
            await say_paced(client, phrase_audio(index))
            await client.until("input_audio.transcript")
            assert await client.reply() == question
            await asyncio.sleep(0.5)  # the reply plays out before the learner answers it
        assert learner_words(peer) == ["I am at a hotel", "the receptionist"]  # one call a turn
        assert speculative(server, "used") == 2
        assert speculative(server, "dropped") == 0


async def test_early_commit_off_commits_at_the_turn_silence_and_calls_once_the_turn_ended(
    peer: FakeOpenAI, make_config: Callable[..., AppConfig]
) -> None:
    paused_dialog(peer)
    config = make_config(vad_silence_ms=2000, early_commit_ms=0)
    async with serving(config) as (url, server), live_client(url) as client:
        await say_paced(client, PAUSED + silence(1500))
        events = await client.until("input_audio.transcript")
        assert events[-1]["transcript"] == "I am at a hotel"  # one segment, both tones
        assert await client.reply() == QUESTIONS["partner"]
        assert learner_words(peer) == ["I am at a hotel"]
        assert speculative(server, "used") + speculative(server, "dropped") == 0
    update = next(e for e in peer.realtime.received if e["type"] == "session.update")
    assert update["session"]["audio"]["input"]["turn_detection"]["silence_duration_ms"] == 2000

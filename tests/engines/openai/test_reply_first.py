"""The reply first, end to end: the service makes speech of the model's reply while the slots
are still being written, and the learner hears it only once the builder accepted it.

The fake peer holds its answer just after the reply (``StreamGate``) until the test has
seen the reply's speech being made; no timing is asserted, only what happened before what.
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Callable
from typing import Any

from scenario_engine.config import AppConfig
from scenario_engine.domain.sentences import split_sentences
from tests.engines.openai.dialog import QUESTIONS, script_dialog
from tests.fake_openai import FakeOpenAI
from tests.fake_openai.script import StreamGate
from tests.live import LiveClient, live_client, running_server
from tests.observability.test_metrics import _scrape

WAIT_S = 20.0


async def timed_until(client: LiveClient, kind: str) -> list[tuple[float, dict[str, Any]]]:
    """Events up to the first ``kind``, each with when the client had it (monotonic)."""
    events = []
    while True:
        event = await client.next()
        events.append((time.monotonic(), event))
        if event["type"] == kind:
            return events


async def speech_being_made(peer: FakeOpenAI) -> None:
    async with asyncio.timeout(WAIT_S):
        while peer.speech.chunks_sent == 0:  # noqa: ASYNC110 - polling the peer's counter
            await asyncio.sleep(0.01)


async def turn_held_at_the_slots(peer: FakeOpenAI, client: LiveClient, said: str) -> (
    tuple[StreamGate, list[tuple[float, dict[str, Any]]]]
):
    """Say ``said``; hold the model's answer after its reply until that reply's speech is
    being made (and a while longer), then let the slots come; the events of the answer."""
    gate = StreamGate("asks_about")
    peer.chat.gate = gate
    await client.say(said)
    await asyncio.wait_for(gate.reached.wait(), WAIT_S)
    await speech_being_made(peer)
    await asyncio.sleep(0.3)  # time for held audio to leak, were it not held
    gate.release.set()
    return gate, await timed_until(client, "response.audio_transcript.done")


def audio_bytes(events: list[tuple[float, dict[str, Any]]]) -> int:
    return sum(len(base64.b64decode(e["delta"])) for _, e in events
               if e["type"] == "response.audio.delta")


async def test_an_accepted_reply_is_said_from_the_speech_made_while_the_slots_came(
    peer: FakeOpenAI, make_config: Callable[..., AppConfig]
) -> None:
    script_dialog(peer)
    async with running_server(make_config()) as url, live_client(url) as client:
        gate, events = await turn_held_at_the_slots(peer, client, "I am at a hotel")

    question = QUESTIONS["partner"]
    assert events[-1][1]["transcript"] == question
    assert len(peer.chat.requests) == 1  # one model call for the turn
    assert [r["input"] for r in peer.speech.requests] == split_sentences(question)  # made once
    deltas = [at for at, e in events if e["type"] == "response.audio.delta"]
    assert deltas and gate.released_at is not None
    assert min(deltas) > gate.released_at  # nothing was heard before the slots were read
    assert audio_bytes(events) == len(question) * peer.speech.bytes_per_char


async def test_a_rejected_reply_never_reaches_the_client_and_the_template_is_said(
    peer: FakeOpenAI, make_config: Callable[..., AppConfig]
) -> None:
    script_dialog(peer)
    drafted = "What would you like to do at the hotel?"  # the goal; the partner is missing
    peer.chat.replies.append({"place": "hotel", "partner": None, "goal": None,
                              "asks_about": "goal", "reply": drafted})
    async with running_server(make_config()) as url, live_client(url) as client:
        _, events = await turn_held_at_the_slots(peer, client, "I am at a hotel")
        said = events[-1][1]["transcript"]
        assert said != drafted and "hotel" in said  # the builder's template
        await client.say("the receptionist")  # the dialog goes on, its reply accepted
        assert await client.reply() == QUESTIONS["goal"]
        dropped = (await _scrape(url))[("scenario_draft_replies_dropped_total", ())]
        assert dropped == 1  # counted: the rejected draft, not the accepted one

    assert peer.speech.requests[0]["input"] == drafted  # its speech was made, then dropped
    assert all(drafted not in str(event) for event in client.received)
    sentences = split_sentences(said)
    assert audio_bytes(events) == sum(map(len, sentences)) * peer.speech.bytes_per_char

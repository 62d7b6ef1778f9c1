"""A dialog outlives its socket: resume with the token of session.ready (in-process store).

Real server, real WebSocket clients, the local engine; the client drops its socket the way a
phone does (a close without goodbye) at the moments that matter.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence

import pytest

from scenario_engine.config import AppConfig
from scenario_engine.domain.llm import TurnAnswer
from scenario_engine.domain.slots import Slot, SlotValues
from scenario_engine.domain.state import ScenarioState
from scenario_engine.observability.logs import redact
from tests.live import LiveClient, live_client, resuming_client, running_server
from tests.stub_engine import PhrasedLLM, StubEngine

HOTEL = {"place": "hotel", "conversation_partner": "receptionist", "conversation_goal": "check in"}


async def _drop(client: LiveClient) -> None:
    """Lose the socket without a goodbye: the TCP connection just ends."""
    client.ws.transport.abort()  # type: ignore[attr-defined]
    await asyncio.sleep(0.05)


@pytest.fixture
async def url() -> AsyncIterator[str]:
    async with running_server() as served:
        yield served


async def test_a_dropped_dialog_resumes_where_it_stopped(url: str) -> None:
    async with live_client(url) as first:
        token = first.received[0]["resume_token"]
        await first.say("um i am in the hotel")
        question = await first.reply()
        await _drop(first)
    async with resuming_client(url, token) as second:
        resumed = await second.until("session.resumed")
        event = resumed[-1]
        assert event["session_id"] == first.received[0]["session_id"]
        assert event["phase"] == "collecting"
        assert event["slots"] == {"place": "hotel", "conversation_partner": None,
                                  "conversation_goal": None}  # fmt: skip
        assert event["transcript"] == [
            {"speaker": "learner", "text": "um i am in the hotel"},
            {"speaker": "tutor", "text": question},
        ]
        await second.say("the receptionist")
        await second.reply()
        await second.say("check in")
        events = await second.until("scenario.completed")
        assert events[-1]["json"] == HOTEL


async def test_an_unknown_token_is_refused_and_the_new_session_goes_on(url: str) -> None:
    async with resuming_client(url, "x" * 32) as client:
        error = (await client.until("error"))[-1]
        assert error["code"] == "session_not_found"
        assert "x" * 32 not in error["message"]
        await client.say("I'm at a hotel talking to the receptionist to check in.")
        assert (await client.until("scenario.completed"))[-1]["json"] == HOTEL


async def test_a_malformed_token_is_an_invalid_field_that_does_not_echo_it(url: str) -> None:
    async with live_client(url) as client:
        await client.send({"type": "session.resume", "token": "short<script>"})
        error = await client.next()
        assert error["code"] == "invalid_field" and "script" not in error["message"]


async def test_resume_after_other_frames_is_refused(url: str) -> None:
    async with live_client(url) as first:
        token = first.received[0]["resume_token"]
        await first.say("um i am in the hotel")
        await first.reply()
        await _drop(first)
    async with live_client(url) as client:
        await client.say("I'm at the bank")
        await client.reply()
        await client.send({"type": "session.resume", "token": token})
        assert (await client.until("error"))[-1]["code"] == "resume_not_first"


async def test_a_resume_takes_over_from_a_connection_still_open(url: str) -> None:
    async with live_client(url) as old:
        token = old.received[0]["resume_token"]
        await old.say("um i am in the hotel")
        await old.reply()
        async with resuming_client(url, token) as new:
            assert (await new.until("session.resumed"))[-1]["slots"]["place"] == "hotel"
            error = (await old.until("error"))[-1]
            assert error["code"] == "session_taken_over"
            assert await old.close_code() == 1008
            await new.say("the receptionist to check in")
            assert (await new.until("scenario.completed"))[-1]["json"] == HOTEL


async def test_a_completed_dialog_resumes_to_its_scenario(url: str) -> None:
    async with live_client(url) as first:
        token = first.received[0]["resume_token"]
        await first.say("I'm at a hotel talking to the receptionist to check in.")
        await first.until("scenario.completed")
    async with resuming_client(url, token) as again:
        resumed = (await again.until("session.resumed"))[-1]
        assert resumed["phase"] == "completed"
        assert (await again.until("scenario.completed"))[-1]["json"] == HOTEL
        assert await again.close_code() == 1000


class _GatedLLM(PhrasedLLM):
    """The model waits for ``gate``: a turn stays accepted but unanswered while it is shut."""

    def __init__(self, extractions: dict[str, SlotValues]) -> None:
        super().__init__(extractions)
        self.gate = asyncio.Event()
        self.waiting = asyncio.Event()

    async def turn(
        self, utterance: str, state: ScenarioState, ask_order: Sequence[Slot]
    ) -> TurnAnswer:
        self.waiting.set()
        await self.gate.wait()
        return await super().turn(utterance, state, ask_order)


async def test_a_turn_accepted_but_not_answered_is_answered_after_the_resume() -> None:
    engine = StubEngine([], {"I'm at the hotel": SlotValues(place="hotel")})
    llm = _GatedLLM(engine.llm.extractions)
    engine.llm = llm
    async with running_server(AppConfig(engine="local"), engine) as url:
        async with live_client(url) as first:
            token = first.received[0]["resume_token"]
            await first.say("I'm at the hotel")
            await asyncio.wait_for(llm.waiting.wait(), 10)
            await _drop(first)  # the reply was being thought about: it never came
        llm.gate.set()
        async with resuming_client(url, token) as second:
            resumed = (await second.until("session.resumed"))[-1]
            assert resumed["transcript"] == [{"speaker": "learner", "text": "I'm at the hotel"}]
            assert "hotel" in await second.reply()  # answered now, once
            assert llm.calls.count("turn:I'm at the hotel") == 1  # the cut call never ended


async def test_the_resume_token_is_never_logged(caplog: pytest.LogCaptureFixture) -> None:
    """At DEBUG the WebSocket layer logs frames, session.ready and session.resume among them:
    every line goes through the redaction of the service's log handler (observability.logs)."""
    caplog.set_level(logging.DEBUG)
    async with running_server(AppConfig(engine="local", log_level="debug")) as url:
        async with live_client(url) as first:
            token = first.received[0]["resume_token"]
            await first.say("um i am in the hotel")
            await first.reply()
            await _drop(first)
        async with resuming_client(url, token) as second:
            await second.until("session.resumed")
    # The test's own client (websockets.client) logs the frames it receives at DEBUG.
    served = [record for record in caplog.records if record.name != "websockets.client"]
    assert any(token[-8:] in record.getMessage() for record in served)  # frames were logged
    assert not any(token[-8:] in redact(record.getMessage()) for record in served)

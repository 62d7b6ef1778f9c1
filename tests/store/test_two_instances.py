"""Two service instances sharing a real redis-server: a dialog resumes on the other one."""

from __future__ import annotations

import asyncio

from scenario_engine.config import AppConfig
from scenario_engine.session.persistence import store_key
from scenario_engine.session.record import DialogRecord
from scenario_engine.store.redis import RedisStore
from tests.live import EVENT_TIMEOUT_S, live_client, resuming_client, running_server, serving
from tests.services import free_port

HOTEL = {"place": "hotel", "conversation_partner": "receptionist", "conversation_goal": "check in"}


async def test_a_dialog_started_on_one_instance_resumes_on_the_other(redis_url: str) -> None:
    config = AppConfig(engine="local", state_url=redis_url)
    async with running_server(config) as url_a, running_server(config) as url_b:
        async with live_client(url_a) as first:
            token = first.received[0]["resume_token"]
            await first.say("um i am in the hotel")
            await first.reply()
            # The answered turn is stored once the reply is out (a Redis round trip later); a
            # drop before that leaves the turn pending, answered again after the resume
            # (tests/session/test_resume.py has that case).
            await _answered_turns_stored(redis_url, token, 1)
            first.ws.transport.abort()  # type: ignore[attr-defined]
        async with resuming_client(url_b, token) as second:
            resumed = (await second.until("session.resumed"))[-1]
            assert resumed["slots"]["place"] == "hotel"
            assert [line["speaker"] for line in resumed["transcript"]] == ["learner", "tutor"]
            await second.say("the receptionist to check in")
            assert (await second.until("scenario.completed"))[-1]["json"] == HOTEL


async def _answered_turns_stored(redis_url: str, token: str, turns: int) -> None:
    """Wait (up to a generous deadline) until the store holds ``turns`` answered turns of the
    session of ``token`` and none pending: a fixed sleep lost that race on a loaded machine."""
    store = RedisStore(redis_url, timeout_s=2.0)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + EVENT_TIMEOUT_S
    try:
        while True:
            data = await store.load(store_key(token))
            if data is not None:
                record = DialogRecord.from_bytes(data)
                if not record.pending and len(record.dialog.transcript) >= 2 * turns:
                    return
            assert loop.time() < deadline, f"{turns} answered turn(s) not stored in time"
            await asyncio.sleep(0.02)
    finally:
        await store.aclose()


async def test_a_shutdown_closes_1012_and_the_client_resumes_elsewhere_at_once(
    redis_url: str,
) -> None:
    # A long lease, so "given up, not waited out" is seconds apart: one waited out would take
    # at least two thirds of it (renewed every third), one given up a round trip or two.
    config = AppConfig(engine="local", state_url=redis_url, state_lease_s=15.0)
    async with (
        running_server(config) as url_b,
        serving(config) as (url_a, server_a),
        live_client(url_a) as first,
    ):
        token = first.received[0]["resume_token"]
        await first.say("um i am in the hotel")
        await first.reply()
        server_a.should_exit = True
        assert (await first.until("error"))[-1]["code"] == "server_shutting_down"
        assert await first.close_code() == 1012
        loop = asyncio.get_running_loop()
        started = loop.time()
        async with resuming_client(url_b, token) as second:
            await second.until("session.resumed")
            assert loop.time() - started < 5.0  # the lease was given up, not waited out
            await second.say("the receptionist to check in")
            assert (await second.until("scenario.completed"))[-1]["json"] == HOTEL


async def test_a_store_that_goes_away_costs_resumability_not_the_dialog() -> None:
    dead = AppConfig(
        engine="local", state_url=f"redis://127.0.0.1:{free_port()}/0", state_timeout_s=0.3
    )
    async with running_server(dead) as url, live_client(url) as client:
        await client.say("um i am in the hotel")
        events = await client.until("response.audio_transcript.done")
        codes = [event.get("code") for event in events if event["type"] == "error"]
        assert codes == ["store_unavailable"]
        await client.say("the receptionist to check in")
        assert (await client.until("scenario.completed"))[-1]["json"] == HOTEL

"""Two service instances sharing a real redis-server: a dialog resumes on the other one."""

from __future__ import annotations

import asyncio

from scenario_engine.config import AppConfig
from tests.live import live_client, resuming_client, running_server, serving
from tests.services import free_port

HOTEL = {"place": "hotel", "conversation_partner": "receptionist", "conversation_goal": "check in"}


async def test_a_dialog_started_on_one_instance_resumes_on_the_other(redis_url: str) -> None:
    config = AppConfig(engine="local", state_url=redis_url)
    async with running_server(config) as url_a, running_server(config) as url_b:
        async with live_client(url_a) as first:
            token = first.received[0]["resume_token"]
            await first.say("um i am in the hotel")
            await first.reply()
            first.ws.transport.abort()  # type: ignore[attr-defined]
        async with resuming_client(url_b, token) as second:
            resumed = (await second.until("session.resumed"))[-1]
            assert resumed["slots"]["place"] == "hotel"
            assert [line["speaker"] for line in resumed["transcript"]] == ["learner", "tutor"]
            await second.say("the receptionist to check in")
            assert (await second.until("scenario.completed"))[-1]["json"] == HOTEL


async def test_a_shutdown_closes_1012_and_the_client_resumes_elsewhere_at_once(
    redis_url: str,
) -> None:
    config = AppConfig(engine="local", state_url=redis_url)
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
            assert loop.time() - started < 1.0  # the lease was given up, not waited out
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

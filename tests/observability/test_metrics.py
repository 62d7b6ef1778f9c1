"""A scripted dialog moves the counters and histograms as it should."""

import asyncio

import httpx
from prometheus_client.parser import text_string_to_metric_families

from scenario_engine.config import AppConfig
from tests.live import EVENT_TIMEOUT_S, live_client, running_server


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def _scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    http = url.replace("ws://", "http://").replace("/ws", "/metrics")
    async with httpx.AsyncClient() as client:
        response = await client.get(http)
    assert response.status_code == 200
    return _samples(response.text)


async def test_dialog_shows_up_in_metrics() -> None:
    async with running_server(AppConfig(engine="local", max_attempts=2)) as url:
        async with live_client(url) as client:
            await client.say("I'm at the pharmacy")
            await client.reply()
            await client.send("not json")
            await client.until("error")
            before = await _scrape(url)
            assert before[("scenario_active_sessions", ())] == 1
            await client.say("the pharmacist")
            await client.reply()
            await client.say("no idea")
            await client.until("scenario.completed")
        # the session ends asynchronously after the close: wait for it, generously
        deadline = asyncio.get_running_loop().time() + EVENT_TIMEOUT_S
        while (after := await _scrape(url))[("scenario_active_sessions", ())] != 0:
            assert asyncio.get_running_loop().time() < deadline, "the session did not end"
            await asyncio.sleep(0.02)
        assert after[("scenario_sessions_total", (("outcome", "fallback"),))] == 1
        assert after[("scenario_turns_total", (("kind", "text"),))] == 3
        assert after[("scenario_follow_up_questions_total", ())] == 2
        assert after[("scenario_fallbacks_total", ())] == 1
        assert after[("scenario_errors_total", (("code", "invalid_json"),))] == 1
        assert after[("scenario_turn_latency_seconds_count", ())] == 3
        assert after[("scenario_llm_seconds_count", ())] == 3
        assert after[("scenario_tts_first_audio_seconds_count", ())] == 3


async def test_health_and_readiness() -> None:
    """Healthy at once; ready once the recognizer's workers have loaded (Whisper: ~2 s)."""
    async with running_server() as url:
        base = url.replace("ws://", "http://").removesuffix("/ws")
        async with httpx.AsyncClient() as client:
            health = await client.get(base + "/healthz")
            answers = [await client.get(base + "/readyz")]
            # Whisper's workers may take the pool's whole start timeout (60 s) on a busy box.
            deadline = asyncio.get_running_loop().time() + 60.0
            while answers[-1].status_code == 503 and asyncio.get_running_loop().time() < deadline:
                await asyncio.sleep(0.1)
                answers.append(await client.get(base + "/readyz"))
        assert health.status_code == 200 and health.json()["status"] == "ok"
        for unready in answers[:-1]:
            assert unready.json() == {
                "status": "unready", "reason": "the speech recognizer is starting"
            }
        ready = answers[-1]
        assert ready.status_code == 200 and ready.json() == {"status": "ready", "engine": "local"}

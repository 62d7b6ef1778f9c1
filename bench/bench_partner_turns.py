"""Role-play partner turns beside scenario follow-up turns: typed turn -> first reply audio.

Run: ``.venv/bin/python bench/bench_partner_turns.py`` (``--smoke``: one round, seconds).
The real app served in this process on 127.0.0.1 and a WebSocket client: each round opens a
session with ``roleplay`` on, types "I'm at a hotel" (the baseline: a follow-up question,
the path bench_turn_latency.py measures), completes the scenario, then types four role-play
turns. Each figure is the ``text`` frame sent -> the first ``response.audio.delta``
received. Engines: ``local`` (scene scripts, eSpeak NG) and ``openai`` against the fake
OpenAI peer under its typical latency model (chat 450 ms to the first token + 12 ms a token,
speech 350 ms to the first byte; tests/fake_openai/latency.py). The ratio partner/baseline is
of medians within the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

from scenario_engine.config import AppConfig

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the fake peer and the live client live in the tests package
from tests.engines.openai.dialog import practice_respond, script_dialog  # noqa: E402
from tests.fake_openai import FakeOpenAI  # noqa: E402
from tests.fake_openai.latency import LatencyModel  # noqa: E402
from tests.live import LiveClient, live_client, running_server  # noqa: E402

ROLE_PLAY_TURNS = ("Hello, I want to check in.", "My name is Kim Minsu.",
                   "Here is my passport.", "Two nights, please.")  # fmt: skip


async def _first_audio_s(client: LiveClient, text: str) -> float:
    sent = time.monotonic()
    await client.say(text)
    while (await client.next())["type"] != "response.audio.delta":
        pass
    first = time.monotonic() - sent
    await client.until("response.audio_transcript.done")
    return first


async def _round(url: str) -> tuple[float, list[float]]:
    async with live_client(url) as client:
        await client.send({"type": "session.configure", "roleplay": True})
        await client.until("session.configured")
        baseline = await _first_audio_s(client, "I am at a hotel")
        await client.say("the receptionist, I want to check in")
        await client.until("roleplay.started")
        await client.reply()  # the partner's opening
        partner = [await _first_audio_s(client, text) for text in ROLE_PLAY_TURNS]
        await client.send({"type": "roleplay.end"})
        await client.until("roleplay.feedback")
    return baseline, partner


async def _measure(url: str, rounds: int) -> tuple[list[float], list[float]]:
    baselines: list[float] = []
    partners: list[float] = []
    for _ in range(rounds):
        baseline, partner = await _round(url)
        baselines.append(baseline)
        partners.extend(partner)
    return baselines, partners


async def run(engine: str, rounds: int) -> None:
    if engine == "local":
        async with running_server(AppConfig(engine="local")) as url:
            baselines, partners = await _measure(url, rounds)
    else:
        async with FakeOpenAI(latency=LatencyModel.typical()) as peer:
            script_dialog(peer)
            peer.chat.responder = practice_respond
            config = AppConfig(engine="openai", openai_api_key="sk-bench",
                               openai_base_url=peer.base_url)  # fmt: skip
            async with running_server(config) as url:
                baselines, partners = await _measure(url, rounds)
    base, part = statistics.median(baselines), statistics.median(partners)
    print(f"{engine:7} follow-up turns: {len(baselines):3}  median {base * 1000:7.0f} ms   "
          f"partner turns: {len(partners):3}  median {part * 1000:7.0f} ms  "
          f"max {max(partners) * 1000:6.0f} ms   ratio partner/follow-up {part / base:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="one round per engine")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--engine", choices=["local", "openai", "both"], default="both")
    args = parser.parse_args()
    rounds = args.rounds or (1 if args.smoke else 10)
    for engine in ("local", "openai") if args.engine == "both" else (args.engine,):
        asyncio.run(run(engine, rounds))


if __name__ == "__main__":
    main()

"""Resume: reconnect -> session.resumed, killed-instance resumes, and the store's cost per turn.

Run: ``.venv/bin/python bench/bench_resume.py`` (a few minutes; ``--smoke``: seconds).

Real parts only: Debian's redis-server and ``scenario-engine serve --engine local`` processes
on 127.0.0.1, WebSocket clients speaking the public protocol.

1. **Reconnect latency.** A dialog takes one typed turn, its socket is cut (a TCP abort, as a
   phone drops), and a new connection sends ``session.resume`` first. Timed from just before
   the new connection is opened (TCP and WebSocket handshake included) to ``session.resumed``;
   the in-process store and Redis, each against the same instance kind.
2. **Killed instances.** Rounds of dialogs on instance A: one answered turn, a second turn sent
   (it may or may not reach A), then A is killed with SIGKILL; each client resumes on B (its
   lease runs out first: up to SCENARIO_ENGINE_STATE_LEASE_S), sends again whatever the resumed
   transcript lacks, and finishes the dialog. A turn is lost when a dialog's final scenario lacks
   its slot or a learner turn appears twice in the resumed transcript. The next round kills B.
3. **Store cost.** ``scenario_store_save_seconds`` of the instances (two saves per turn), and
   saves timed in this process against the same Redis with a dialog record of realistic size.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from procs import Proc, in_own_session, running, start_redis, start_server
from scenario_engine.config import AppConfig
from scenario_engine.domain.dialog_state import Line, Phase, Speaker
from scenario_engine.session.persistence import SessionPersistence
from scenario_engine.session.record import DialogRecord, PendingTurn
from scenario_engine.store import open_store

TURNS = ["um i am in the hotel", "the receptionist", "check in"]
HOTEL = {"place": "hotel", "conversation_partner": "receptionist", "conversation_goal": "check in"}


async def next_event(ws: ClientConnection, kind: str, timeout_s: float = 30) -> dict[str, Any]:
    while True:
        event: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), timeout_s))
        if event["type"] == kind:
            return event
        if event["type"] == "error" and kind != "error":
            raise RuntimeError(f"service error: {event['code']}")


async def say(ws: ClientConnection, text: str) -> None:
    await ws.send(json.dumps({"type": "text", "text": text}))


async def started_dialog(url: str) -> tuple[ClientConnection, str]:
    """A connection whose first turn was answered, and its resume token."""
    ws = await connect(url, max_size=None, open_timeout=30)
    token = (await next_event(ws, "session.ready"))["resume_token"]
    await say(ws, TURNS[0])
    await next_event(ws, "response.audio_transcript.done")
    return ws, str(token)


async def resume(url: str, token: str) -> tuple[ClientConnection, dict[str, Any], float]:
    """A new connection resuming ``token``: it, session.resumed, and the seconds it took."""
    started = time.perf_counter()
    ws = await connect(url, max_size=None, open_timeout=30)
    await ws.send(json.dumps({"type": "session.resume", "token": token}))
    resumed = await next_event(ws, "session.resumed")
    return ws, resumed, time.perf_counter() - started


async def reconnect_latency(url: str, count: int) -> list[float]:
    seconds = []
    for _ in range(count):
        ws, token = await started_dialog(url)
        ws.transport.abort()
        await asyncio.sleep(0.02)  # the server sees the reset, as it would a dropped phone
        again, _, took = await resume(url, token)
        seconds.append(took)
        await again.close()
    return seconds


async def killed_round(victim: Proc, survivor: Proc, dialogs: int) -> tuple[int, int, list[float]]:
    """Dialogs on ``victim``, killed mid-dialog; resumed on ``survivor``. Returns (turns lost,
    turns sent again, resume seconds)."""
    victim_url, survivor_url = (f"ws://127.0.0.1:{p.port}/ws" for p in (victim, survivor))
    started = await asyncio.gather(*(started_dialog(victim_url) for _ in range(dialogs)))
    for ws, _ in started:
        await say(ws, TURNS[1])  # in flight when the instance dies, or already stored
    victim.popen.send_signal(signal.SIGKILL)
    victim.popen.wait(10)
    results = await asyncio.gather(*(finish_elsewhere(survivor_url, t) for _, t in started))
    lost = sum(r[0] for r in results)
    again = sum(r[1] for r in results)
    return lost, again, [r[2] for r in results]


async def finish_elsewhere(url: str, token: str) -> tuple[int, int, float]:
    ws, resumed, took = await resume(url, token)
    said = [line["text"] for line in resumed["transcript"] if line["speaker"] == "learner"]
    lost = len(said) - len(set(said))  # a turn taken twice would be a lost answer too
    kept = len(said)
    if resumed["transcript"][-1]["speaker"] == "learner":
        await next_event(ws, "response.audio_transcript.done")  # the pending turn's answer
    for text in TURNS[kept:]:
        await say(ws, text)
        if text != TURNS[-1]:
            await next_event(ws, "response.audio_transcript.done")
    scenario = (await next_event(ws, "scenario.completed"))["json"]
    lost += sum(1 for key, value in HOTEL.items() if scenario.get(key) != value)
    await ws.close()
    return lost, max(0, 2 - kept), took  # two turns were sent before the kill


async def store_cost(redis_url: str, saves: int) -> dict[str, list[float]]:
    """Seconds per save (the record encoded, then written), in this process, to Redis and to
    memory, of a 6-line dialog record."""
    found: dict[str, list[float]] = {}
    for name, url in (("memory", None), ("redis", redis_url)):
        config = AppConfig(engine="local", state_url=url)
        store = open_store(config)
        persistence = SessionPersistence(store, config)
        record = DialogRecord("sess_bench", pending=[PendingTurn("text", TURNS[-1])])
        for text in TURNS:
            record.dialog.transcript += [
                Line(Speaker.LEARNER, text, Phase.COLLECTING),
                Line(Speaker.TUTOR, "Who will you talk to at the hotel?", Phase.COLLECTING),
            ]
        timings = []
        for _ in range(saves):
            started = time.perf_counter()
            await persistence.save(record.to_bytes)
            timings.append(time.perf_counter() - started)
        await persistence.release()
        await store.aclose()
        found[name] = timings
    return found


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def show(name: str, seconds: list[float]) -> None:
    ms = [s * 1000 for s in seconds]
    print(f"{name:<44} n={len(ms):<4} p50 {pct(ms, 0.5):7.1f} ms  p99 {pct(ms, 0.99):7.1f} ms  "
          f"max {max(ms):7.1f} ms")  # fmt: skip


def saves_histogram(port: int) -> tuple[float, float]:
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
        lines = answer.read().decode().splitlines()
    values = {line.split()[0]: float(line.split()[1]) for line in lines if line[:1] != "#"}
    return values.get("scenario_store_save_seconds_sum", 0.0), values.get(
        "scenario_store_save_seconds_count", 0.0
    )


async def main(args: argparse.Namespace) -> None:
    logs = Path(tempfile.mkdtemp(prefix="bench-resume-"))
    local = {"SCENARIO_ENGINE_LOCAL_ASR_WORKERS": "1"}
    with running(start_redis(logs)) as redis:
        redis_url = f"redis://127.0.0.1:{redis.port}/0"
        print(f"== reconnect -> session.resumed ({args.resumes} resumes each, one at a time)")
        for store, settings in (("memory", local), ("redis", {**local,
                                "SCENARIO_ENGINE_STATE_URL": redis_url})):  # fmt: skip
            with running(start_server("local", 0, logs, settings)) as server:
                seconds = await reconnect_latency(f"ws://127.0.0.1:{server.port}/ws", args.resumes)
                show(f"resume, {store} store", seconds)
                total, count = saves_histogram(server.port)
                print(f"{'':<44} store saves in the service: {count:.0f}, "
                      f"mean {total / max(count, 1) * 1000:.2f} ms")  # fmt: skip
        print(f"== killed instances ({args.rounds} rounds x {args.dialogs} dialogs)")
        shared = {**local, "SCENARIO_ENGINE_STATE_URL": redis_url}
        pair = [start_server("local", 0, logs, shared), start_server("local", 1, logs, shared)]
        lost = again = 0
        took: list[float] = []
        try:
            for round_no in range(args.rounds):
                victim, survivor = pair[round_no % 2], pair[(round_no + 1) % 2]
                round_lost, round_again, round_took = await killed_round(
                    victim, survivor, args.dialogs
                )
                lost, again, took = lost + round_lost, again + round_again, took + round_took
                if round_no + 1 < args.rounds:
                    pair[round_no % 2] = start_server("local", round_no % 2, logs, shared)
        finally:
            for proc in pair:
                proc.stop()
        show("resume after SIGKILL (lease 3 s)", took)
        print(f"{'':<44} resumes {len(took)}, learner turns lost {lost}, "
              f"turns the client sent again {again}")  # fmt: skip
        print(f"== store cost ({args.saves} saves of a {len(TURNS) * 2}-line dialog record, "
              "this process)")  # fmt: skip
        for store, seconds in (await store_cost(redis_url, args.saves)).items():
            show(f"one save, {store} (two per turn)", seconds)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true", help="a few of each, in seconds")
    parser.add_argument("--resumes", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--dialogs", type=int, default=20)
    parser.add_argument("--saves", type=int, default=2000)
    arguments = parser.parse_args()
    if arguments.smoke:
        arguments.resumes, arguments.rounds, arguments.dialogs, arguments.saves = 5, 1, 3, 50
    in_own_session(sys.argv)
    asyncio.run(main(arguments))

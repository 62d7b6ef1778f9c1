"""One instance against two sharing Redis: how many learners each carries at the same p99.

Run: ``.venv/bin/python bench/bench_scale.py`` (about five minutes; ``--smoke``: seconds).

Real parts: Debian's redis-server and ``scenario-engine serve --engine local`` processes (one
ASR worker each), each pinned to its own core (one instance: core 0; two: cores 0 and 1), and
this process as the learners (not pinned: it shares the machine with the instances, the same in
both runs). Each learner types the three turns of a hotel dialog, each after the previous
reply's text arrived plus a pause (``--think``), then starts a new dialog; new connections go
round-robin to the instances. A turn's latency is from sending its ``text`` frame to the first
audio of the reply. At each load level (learners at once) the p99 of the turns of a window is
taken; an instance count *carries* a level when that p99 is within ``--budget``. Reported: the
levels, and the most learners each count carries, and their ratio, in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import sys
import tempfile
import time
from pathlib import Path

from websockets.asyncio.client import connect

from procs import in_own_session, running, start_redis, start_server

TURNS = ["um i am in the hotel", "the receptionist", "check in"]


class Load:
    def __init__(self, urls: list[str], think_s: float) -> None:
        self._urls = itertools.cycle(urls)
        self._think_s = think_s
        self.latencies: list[tuple[float, float]] = []
        """(when the turn was sent, seconds to its first audio)."""
        self.failures = 0

    async def learner(self, stop_at: float) -> None:
        while time.perf_counter() < stop_at:
            try:
                await self._dialog(next(self._urls), stop_at)
            except Exception:
                self.failures += 1
                await asyncio.sleep(0.2)

    async def _dialog(self, url: str, stop_at: float) -> None:
        async with connect(url, max_size=None, open_timeout=30) as ws:
            await _until(ws, "session.ready")
            for text in TURNS:
                if time.perf_counter() >= stop_at:
                    return
                sent = time.perf_counter()
                await ws.send(json.dumps({"type": "text", "text": text}))
                await _until(ws, "response.audio.delta")
                self.latencies.append((sent, time.perf_counter() - sent))
                await _until(ws, "response.audio_transcript.done")
                await asyncio.sleep(self._think_s)


AUDIO_DELTA = '{"type":"response.audio.delta"'


async def _until(ws, kind: str) -> None:  # type: ignore[no-untyped-def]
    """Read up to the first event of ``kind``. Audio deltas (most frames, ~6 kB each) are
    recognized by their head and not parsed: the learners share the instances' cores."""
    while True:
        frame = await asyncio.wait_for(ws.recv(), 60)
        if frame.startswith(AUDIO_DELTA):
            if kind == "response.audio.delta":
                return
            continue
        event = json.loads(frame)
        if event["type"] == kind:
            return
        if event["type"] == "error":
            raise RuntimeError(event["code"])


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


async def level(urls: list[str], learners: int, args: argparse.Namespace) -> tuple[float, ...]:
    """(turns per second, p50 ms, p99 ms, failures) over the window after the warm-up."""
    load = Load(urls, args.think)
    started = time.perf_counter()
    stop_at = started + args.warmup + args.window
    await asyncio.gather(*(load.learner(stop_at) for _ in range(learners)))
    window = [s for at, s in load.latencies if at >= started + args.warmup]
    return (len(window) / args.window, pct(window, 0.5) * 1000, pct(window, 0.99) * 1000,
            load.failures)  # fmt: skip


async def carried(urls: list[str], levels: list[int], args: argparse.Namespace, name: str) -> int:
    best = 0
    for learners in levels:
        rate, p50, p99, failures = await level(urls, learners, args)
        ok = p99 <= args.budget and failures == 0
        print(f"{name:<13} {learners:>4} learners: {rate:6.1f} turns/s  p50 {p50:6.0f} ms  "
              f"p99 {p99:6.0f} ms  failures {failures}  {'carried' if ok else 'over'}",
              flush=True)  # fmt: skip
        if not ok:
            break
        best = learners
    return best


async def main(args: argparse.Namespace) -> None:
    logs = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    with running(start_redis(logs)) as redis:
        shared = {
            "SCENARIO_ENGINE_STATE_URL": f"redis://127.0.0.1:{redis.port}/0",
            "SCENARIO_ENGINE_LOCAL_ASR_WORKERS": "1",
            "SCENARIO_ENGINE_MAX_SESSIONS": "1000",
        }
        results = {}
        for count in (1, 2):
            servers = [start_server("local", core, logs, shared) for core in range(count)]
            try:
                urls = [f"ws://127.0.0.1:{server.port}/ws" for server in servers]
                levels = [n * count for n in args.levels]
                results[count] = await carried(urls, levels, args, f"{count} instance(s)")
            finally:
                for server in servers:
                    server.stop()
    one, two = results[1], results[2]
    ratio = two / one if one else float("nan")
    print(f"carried within p99 <= {args.budget:g} ms: one instance {one} learners, "
          f"two instances {two} learners: {ratio:.2f}x")  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true", help="two short levels")
    parser.add_argument("--levels", type=int, nargs="+", default=[4, 8, 16, 24, 32, 48, 64, 96],
                        help="learners per instance at each level")  # fmt: skip
    parser.add_argument("--budget", type=float, default=250.0, help="p99 turn latency, ms")
    parser.add_argument("--think", type=float, default=1.0, help="pause after each reply, s")
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--window", type=float, default=15.0)
    arguments = parser.parse_args()
    if arguments.smoke:
        arguments.levels, arguments.warmup, arguments.window = [1, 2], 1.0, 3.0
    in_own_session(sys.argv)
    asyncio.run(main(arguments))

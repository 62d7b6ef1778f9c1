"""The barge-in row of bench_turn_latency.py: a client starts speaking 500 ms into a reply.

Each trial is a new session: the client says a first turn, waits for the reply's first
audio, waits 500 ms more, and starts a second turn over the reply (its always-open
microphone streams in real time). Figures, from the client's clock:

- speech start -> ``response.audio.cancelled`` (what a learner experiences: includes the
  VAD noticing the speech and the minimum speech that tells it from a back-channel);
- ``input_audio.speech_started`` -> ``response.audio.cancelled``: from the speech start the
  service detected (its VAD) to the cancel; the minimum speech is most of it;
- reply audio deltas received after the cancel (must be 0).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from procs import ROOT

sys.path.insert(0, str(ROOT))  # the microphone lives in tests/, shared with the tests

from tests.microphone import Microphone


async def _until(ws: ClientConnection, kind: str, seen: list[dict[str, Any]]) -> float:
    while True:
        event = json.loads(await asyncio.wait_for(ws.recv(), 30))
        seen.append(event)
        if event["type"] == kind:
            return time.perf_counter()
        if event["type"] in ("error", "scenario.completed"):
            raise RuntimeError(f"unexpected {event}")


async def one_trial(url: str, first: bytes, second: bytes, rate: int) -> dict[str, float]:
    async with connect(url, max_size=None, open_timeout=30) as ws:
        await _until(ws, "session.ready", [])
        mic = Microphone(ws.send, rate)
        try:
            mic.say(first)
            seen: list[dict[str, Any]] = []
            await _until(ws, "response.audio.delta", seen)
            await asyncio.sleep(0.5)
            began, _ = mic.say(second)
            detected = await _until(ws, "input_audio.speech_started", seen)
            cancelled = await _until(ws, "response.audio.cancelled", seen)
            after: list[dict[str, Any]] = []
            await _until(ws, "input_audio.transcript", after)
            late = sum(e["type"] == "response.audio.delta" for e in after)
            return {"to_cancel": (cancelled - await began) * 1000,
                    "detected_to_cancel": (cancelled - detected) * 1000, "late_deltas": late}
        finally:
            await mic.aclose()


async def barge_in_row(url: str, first: bytes, second: bytes, rate: int, trials: int,
                       min_speech_ms: int) -> None:
    rows = [await one_trial(url, first, second, rate) for _ in range(trials)]
    spoken = [r["to_cancel"] for r in rows]
    detected = [r["detected_to_cancel"] for r in rows]
    print(f"barge-in        n={trials:<3} speech start -> response.audio.cancelled: p50 "
          f"{statistics.median(spoken):5.0f} ms  p90 {_p90(spoken):5.0f} ms | VAD speech_started "
          f"-> cancelled: p50 {statistics.median(detected):5.0f} ms  p90 {_p90(detected):5.0f} "
          f"ms (minimum speech {min_speech_ms} ms) | reply deltas after the cancel: "
          f"{sum(int(r['late_deltas']) for r in rows)}", flush=True)


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]

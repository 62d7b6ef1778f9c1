"""The barge-in row of bench_turn_latency.py: a client starts speaking 500 ms into a reply.

Each trial is a new session: the client says a first turn, waits for the reply's first
audio, waits 500 ms more, and starts a second turn over the reply (its always-open
microphone streams in real time). Every event is timed on arrival, on the client's clock.
Figures, from the speech start the service detected (``input_audio.speech_started``, its VAD):

- -> the last reply audio delta received: the service holds the reply's audio there;
- -> when the learner stops hearing the reply: the earlier of the audio the client had run out
  (each delta played after the one before, at real-time pace) and ``response.audio.cancelled``
  (the client stops at once); this is what the learner hears of the reply over their speech;
- -> ``response.audio.cancelled``: when the speech was judged a barge-in (minimum speech);

and the speech start -> cancelled as the learner experiences it (includes the VAD noticing),
and the reply audio deltas received after the cancel (must be 0).
"""

from __future__ import annotations

import asyncio
import base64
import json
import statistics
import sys
import time
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from procs import ROOT

sys.path.insert(0, str(ROOT))  # the microphone lives in tests/, shared with the tests

from tests.microphone import Microphone


class Recorder:
    """Reads every event as it comes, keeping (arrival, event); ``until`` waits for the next
    of a kind. Reading all the time matters: an event read late would be timed late."""

    def __init__(self, ws: ClientConnection) -> None:
        self.events: list[tuple[float, dict[str, Any]]] = []
        self._ws = ws
        self._read = 0
        self._arrived = asyncio.Event()
        self._task = asyncio.create_task(self._receive())

    async def _receive(self) -> None:
        async for message in self._ws:
            self.events.append((time.perf_counter(), json.loads(message)))
            self._arrived.set()

    async def until(self, kind: str) -> float:
        async with asyncio.timeout(30):
            while True:
                while self._read == len(self.events):
                    if self._task.done():
                        raise RuntimeError("the socket closed")
                    self._arrived.clear()
                    await self._arrived.wait()
                at, event = self.events[self._read]
                self._read += 1
                if event["type"] == kind:
                    return at
                if event["type"] in ("error", "scenario.completed"):
                    raise RuntimeError(f"unexpected {event}")

    def seen(self) -> list[tuple[float, dict[str, Any]]]:
        """The events up to the last one ``until`` returned (later ones are not judged)."""
        return self.events[: self._read]

    async def aclose(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


def played_out(deltas: list[tuple[float, float]]) -> float:
    """When audio that arrived as (arrival, seconds) has played, each after the one before."""
    end = 0.0
    for at, seconds in deltas:
        end = max(end, at) + seconds
    return end


async def one_trial(url: str, first: bytes, second: bytes, rate: int) -> dict[str, float]:
    async with connect(url, max_size=None, open_timeout=30) as ws:
        events = Recorder(ws)
        await events.until("session.ready")
        mic = Microphone(ws.send, rate)
        try:
            mic.say(first)
            await events.until("response.audio.delta")
            await asyncio.sleep(0.5)
            began, _ = mic.say(second)
            detected = await events.until("input_audio.speech_started")
            cancelled = await events.until("response.audio.cancelled")
            await events.until("input_audio.transcript")
            deltas = [(at, len(base64.b64decode(e["delta"])) / (2 * e.get("sample_rate", rate)))
                      for at, e in events.seen() if e["type"] == "response.audio.delta"]
            before = [d for d in deltas if d[0] <= cancelled]
            heard_until = min(cancelled, played_out(before))
            return {"to_cancel": (cancelled - await began) * 1000,
                    "detected_to_cancel": (cancelled - detected) * 1000,
                    "detected_to_last_frame": (max(at for at, _ in before) - detected) * 1000,
                    "detected_to_silent": (heard_until - detected) * 1000,
                    "late_deltas": len(deltas) - len(before)}
        finally:
            await mic.aclose()
            await events.aclose()


async def barge_in_row(url: str, first: bytes, second: bytes, rate: int, trials: int,
                       min_speech_ms: int) -> None:
    rows = [await one_trial(url, first, second, rate) for _ in range(trials)]

    def p50_p90(key: str) -> str:
        values = [r[key] for r in rows]
        return f"p50 {statistics.median(values):4.0f} ms  p90 {_p90(values):4.0f} ms"

    print(f"barge-in        n={trials:<3} from the VAD's speech_started: last reply audio frame "
          f"received {p50_p90('detected_to_last_frame')} | reply audible until "
          f"{p50_p90('detected_to_silent')} | response.audio.cancelled "
          f"{p50_p90('detected_to_cancel')} (minimum speech {min_speech_ms} ms) | speech start "
          f"-> cancelled {p50_p90('to_cancel')} | reply deltas after the cancel: "
          f"{sum(int(r['late_deltas']) for r in rows)}", flush=True)


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]

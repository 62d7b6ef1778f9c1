"""The OpenAI half of bench_turn_latency.py: the spoken hotel dialog under the latency model.

The fake OpenAI peer runs in its own process with ``--dialog --latency typical`` (the
transcript 400 ms after the commit, chat 450 ms to the first token + 12 ms per token, speech
350 ms to the first byte); the service runs ``serve --engine openai`` against it. A client
with an always-open microphone (20 ms chunks at real-time pace, silence between turns) says
the three turns of tests/engines/openai/dialog.py, each once the previous reply has played.
The figure per turn is end of speech (the last chunk with voice sent) -> the first
``response.audio.delta`` received, so it includes the silence server VAD waits for.

The floor beside it is what any pipeline with one model call per turn waits under the same
model: VAD silence + transcript + the time for the model to write the slots and the reply's
first sentence (one structured answer, slots first, tokens counted as the peer counts them,
sentences cut as the service cuts them) + the first speech byte. Relay and processing are
the difference.

Early commit (``SCENARIO_ENGINE_EARLY_COMMIT_MS``, engines/openai/pause_turns.py) is run off
and on in the same run, one service each against the same peer (``--early-commit-ms``). With
it the upstream VAD commits after the early silence and the turn's silence is kept by the
service, so the transcript no longer waits for the whole turn silence: the floor becomes
max(turn silence, early silence + transcript + model + speech), printed beside the one-call
floor with what it removes. Each mode also runs dialogs whose first turn has a pause in the
middle (``--pause-ms``, shorter than the turn silence): those are one turn either way, and
with early commit they may cost a speculative model call that is thrown away (the service's
``scenario_speculative_turns_total{outcome="dropped"}``, printed with the used ones).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import statistics
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from barge_in_row import barge_in_row
from procs import ROOT, Proc, _spawn, _wait_line, free_port, running, start_server
from scenario_engine.domain.sentences import SentenceSplitter

sys.path.insert(0, str(ROOT))  # the fake peer, the dialog and the microphone live in tests/

from tests.engines.openai.dialog import PHRASES, one_call_answer, paused_tone, phrase_tone
from tests.fake_openai.latency import LatencyModel, tokens
from tests.microphone import Microphone

RATE = 24_000
VAD_SILENCE_MS = 500
"""The service's default server VAD silence."""
MIN_SPEECH_MS = 300
"""The service's default minimum speech over a reply that stops it."""
SPEECH_CHARS_PER_SECOND = 15
"""How fast the peer's speech reads (a TTS voice at a calm pace): a question plays ~2.5 s."""


def start_peer(logs: Path, latency: str) -> Proc:
    port = free_port()
    log = logs / "fake-openai.log"
    argv = [sys.executable, "-m", "tests.fake_openai", "--port", str(port), "--dialog",
            "--latency", latency, "--speech-chars-per-second", str(SPEECH_CHARS_PER_SECOND)]
    popen = _spawn("fake-openai", argv, None, {**os.environ, "PYTHONPATH": str(ROOT)}, log)
    _wait_line(log, popen, "listening", 30)
    return Proc("fake-openai", popen, port)


def floor_ms(model: LatencyModel, turn: int, silence_ms: int) -> float:
    """The one-call floor of ``turn`` (see the module docstring)."""
    answer = json.dumps(one_call_answer(turn), separators=(",", ":"))
    head = answer[: answer.index('"reply":"') + len('"reply":"')]
    reply = json.loads(answer)["reply"]
    splitter, written = SentenceSplitter(), 0
    for token in tokens(reply):
        written += 1
        if splitter.feed(token):
            break
    else:  # one piece: it is whole when the string closes
        written += 1
    needed = len(tokens(head)) + written
    return (silence_ms / 1000 + model.transcript_after_commit_s + model.chat_seconds(needed)
            + model.speech_first_byte_s) * 1000


def early_floor_ms(floor: float, silence_ms: int, early_ms: int) -> float:
    """The one-call floor with early commit: the transcript comes ``early_ms`` after the speech
    instead of the whole silence, and no reply before the turn's silence has run out."""
    if not 0 < early_ms < silence_ms:
        return floor
    return max(float(silence_ms), floor - silence_ms + early_ms)


async def next_event(ws: ClientConnection, kind: str) -> tuple[float, list[dict[str, Any]]]:
    """Wait for ``kind``; its arrival time and every event up to it."""
    seen = []
    while True:
        event = json.loads(await asyncio.wait_for(ws.recv(), 30))
        seen.append(event)
        if event["type"] == kind:
            return time.perf_counter(), seen
        if event["type"] == "error":
            raise RuntimeError(f"service error: {event}")


async def one_dialog(url: str, pause_ms: int | None = None) -> list[float]:
    """End of speech -> first reply audio of each turn, in ms (``pause_ms``: the first turn
    is said with a pause that long in the middle)."""
    async with connect(url, max_size=None, open_timeout=30) as ws:
        await next_event(ws, "session.ready")
        mic = Microphone(ws.send, RATE)
        try:
            figures = []
            for turn in range(len(PHRASES)):
                pcm = paused_tone(pause_ms) if turn == 0 and pause_ms else phrase_tone(turn)
                _, spoken = mic.say(pcm)
                first, seen = await next_event(ws, "response.audio.delta")
                figures.append((first - await spoken) * 1000)
                _, rest = await next_event(ws, "response.audio_transcript.done")
                # The learner answers once the reply has played (not over it: no barge-in).
                pcm_bytes = sum(len(base64.b64decode(e["delta"])) for e in seen + rest
                                if e["type"] == "response.audio.delta")
                await asyncio.sleep(max(0.0, first + pcm_bytes / (RATE * 2) - time.perf_counter()))
            return figures
        finally:
            await mic.aclose()


def speculative_calls(port: int) -> dict[str, float]:
    """The service's speculative model calls so far, by outcome (used, dropped)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
        text = answer.read().decode()
    counts = {"used": 0.0, "dropped": 0.0}
    for outcome in counts:
        prefix = f'scenario_speculative_turns_total{{outcome="{outcome}"}} '
        counts[outcome] = sum(float(line[len(prefix):]) for line in text.splitlines()
                              if line.startswith(prefix))
    return counts


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


async def run_openai(logs: Path, dialogs: int, latency: str, settings: dict[str, str],
                     early_commits: list[int], pause_ms: int) -> None:
    model = LatencyModel.parse(latency)
    silence_ms = int(settings.get("SCENARIO_ENGINE_VAD_SILENCE_MS", VAD_SILENCE_MS))
    min_speech_ms = int(settings.get("SCENARIO_ENGINE_BARGE_IN_MIN_SPEECH_MS", MIN_SPEECH_MS))
    print(f"openai engine, latency model {model}, {dialogs} dialogs of {len(PHRASES)} turns "
          f"and {dialogs} whose first turn pauses {pause_ms} ms, settings "
          f"{settings or 'default'}, load average {os.getloadavg()[0]:.1f}", flush=True)
    with running(start_peer(logs, latency)) as peer:
        for index, early_ms in enumerate(early_commits):
            env = {"OPENAI_API_KEY": "bench-key",
                   "OPENAI_BASE_URL": f"http://127.0.0.1:{peer.port}/v1", **settings,
                   "SCENARIO_ENGINE_EARLY_COMMIT_MS": str(early_ms)}
            with running(start_server("openai", None, logs, env)) as server:
                url = f"ws://127.0.0.1:{server.port}/ws"
                rows = [await one_dialog(url) for _ in range(dialogs)]
                paused = [await one_dialog(url, pause_ms) for _ in range(dialogs)]
                on = 0 < early_ms < silence_ms
                print(f"-- early commit {f'at {early_ms} ms' if on else 'off'} "
                      f"(SCENARIO_ENGINE_EARLY_COMMIT_MS={early_ms}, turn silence {silence_ms} ms)")
                _report(rows, model, silence_ms, early_ms, "")
                _report([row[:1] for row in paused], model, silence_ms, early_ms,
                        f"paused {pause_ms} ms")
                calls = speculative_calls(server.port)
                turns = dialogs * len(PHRASES) * 2
                print(f"speculative model calls over {turns} turns: used {calls['used']:.0f}, "
                      f"dropped {calls['dropped']:.0f} (thrown away)", flush=True)
                if index == len(early_commits) - 1:
                    await barge_in_row(url, phrase_tone(0), phrase_tone(1), RATE, dialogs,
                                       min_speech_ms)


def _report(rows: list[list[float]], model: LatencyModel, silence_ms: int, early_ms: int,
            label: str) -> None:
    for turn in range(len(rows[0])):
        text, _ = PHRASES[turn]
        values = [row[turn] for row in rows]
        kind = "final" if turn == len(PHRASES) - 1 else "follow-up"
        floor = floor_ms(model, turn, silence_ms)
        early = early_floor_ms(floor, silence_ms, early_ms)
        p50 = statistics.median(values)
        said = f"{text!r} {label}".strip()
        beside = (f"; early commit removes {floor - early:4.0f} ms: {early:6.0f} ms"
                  if early != floor else "")
        print(f"turn {turn + 1} ({kind:<9} {said:<30}) end of speech -> first audio: "
              f"p50 {p50:6.0f} ms  p90 {pct(values, 0.9):6.0f} ms  | one-call floor "
              f"{floor:6.0f} ms{beside} (p50 - floor {p50 - early:+5.0f} ms)", flush=True)

"""The OpenAI half of bench_turn_latency.py: the spoken hotel dialog under the latency model.

The fake OpenAI peer runs in its own process with ``--dialog --latency typical`` (the
transcript 400 ms after the commit, chat 450 ms to the first token + 12 ms per token, speech
350 ms to the first byte); the service runs ``serve --engine openai`` against it. A client
with an always-open microphone (20 ms chunks at real-time pace, silence between turns) says
the three turns of tests/engines/openai/dialog.py, each once the previous reply has played.
The figure per turn is end of speech (the last chunk with voice sent) -> the first
``response.audio.delta`` received, so it includes the silence server VAD waits for.

``--turn-orders`` runs one service per order of the answer (``SCENARIO_ENGINE_LLM_TURN_ORDER``:
``reply_first``, the default, and ``slots_first``, the former one) against the same peer,
their dialogs alternating, so the two are compared in one run under the same load.

Two floors are printed beside each row. The *one-call floor* (the issue's) is what a
pipeline with one model call per turn waits with the slots first: VAD silence + transcript +
the time for the model to write the slots and the reply's first sentence (tokens counted as
the peer counts them, read and cut as the service reads and cuts them) + the first speech
byte. The floor *of this order* is the same for the answer the service asked for; reply
first, the first sentence's speech starts ~20 tokens sooner but is heard only once the whole
answer (the slots after the reply) is in, so it is the later of the two. Relay, processing
and that hold are the difference between the p50 and the floor of its order.

Early commit (``SCENARIO_ENGINE_EARLY_COMMIT_MS``, engines/openai/pause_turns.py) is run off
and on the same way (``--early-commit-ms``, one service per order and setting). With it the
upstream VAD commits after the early silence and the turn's silence is kept by the service,
so the transcript no longer waits for the whole turn silence: the floor of a mode is
max(turn silence, early silence + transcript + the order's model and speech time); beside it
what early commit removes. Each mode also runs dialogs whose first turn has a pause in the
middle (``--pause-ms``, shorter than the turn silence): one turn either way, and with early
commit they may cost a speculative model call that is thrown away (the service's
``scenario_speculative_turns_total{outcome="dropped"}``, printed with the used ones).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
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
from scenario_engine.engines.openai.streamed_json import StreamedJSON
from scenario_engine.engines.openai.turn_answer import TurnOrder, turn_shape

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


def first_sentence_tokens(content: str, order: TurnOrder) -> int:
    """How many tokens of ``content`` the service reads before the reply's first sentence is
    whole (its own reader and splitter; a one-sentence reply is whole when its string
    closes)."""
    reader, splitter = StreamedJSON(turn_shape(order)), SentenceSplitter()
    for count, token in enumerate(tokens(content), 1):
        if splitter.feed(reader.feed(token)) or reader.text_done:
            return count
    raise ValueError("the answer has no reply")


def floor_ms(model: LatencyModel, turn: int, silence_ms: int, order: TurnOrder) -> float:
    """The one-call floor of ``turn`` with the answer in ``order`` (see the module docstring):
    slots first, the first sentence's speech starts once it is written; reply first, it
    starts sooner but is heard only once the whole answer (the slots) is in."""
    content = json.dumps(one_call_answer(turn, order), separators=(",", ":"))
    speech_s = model.chat_seconds(first_sentence_tokens(content, order))
    speech_s += model.speech_first_byte_s
    if order is TurnOrder.REPLY_FIRST:
        speech_s = max(speech_s, model.chat_seconds(len(tokens(content))))
    return (silence_ms / 1000 + model.transcript_after_commit_s + speech_s) * 1000


def early_floor_ms(floor: float, silence_ms: int, early_ms: int) -> float:
    """``floor`` with early commit: the transcript comes ``early_ms`` after the speech
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


Mode = tuple[TurnOrder, int]
"""An answer order and an early commit setting (0: off): one service each."""


async def run_openai(logs: Path, dialogs: int, latency: str, settings: dict[str, str],
                     orders: list[TurnOrder], early_commits: list[int], pause_ms: int) -> None:
    """One service per mode against one peer; their dialogs alternate, so the modes are
    compared under the same load."""
    model = LatencyModel.parse(latency)
    silence_ms = int(settings.get("SCENARIO_ENGINE_VAD_SILENCE_MS", VAD_SILENCE_MS))
    min_speech_ms = int(settings.get("SCENARIO_ENGINE_BARGE_IN_MIN_SPEECH_MS", MIN_SPEECH_MS))
    modes: list[Mode] = [(order, early) for early in early_commits for order in orders]
    with contextlib.ExitStack() as stack:
        peer = stack.enter_context(running(start_peer(logs, latency)))
        ports = {}
        for order, early_ms in modes:
            env = {"OPENAI_API_KEY": "bench-key",
                   "OPENAI_BASE_URL": f"http://127.0.0.1:{peer.port}/v1", **settings,
                   "SCENARIO_ENGINE_LLM_TURN_ORDER": order.value,
                   "SCENARIO_ENGINE_EARLY_COMMIT_MS": str(early_ms)}
            server = stack.enter_context(running(start_server("openai", None, logs, env)))
            ports[order, early_ms] = server.port
        rows: dict[Mode, list[list[float]]] = {mode: [] for mode in modes}
        paused: dict[Mode, list[list[float]]] = {mode: [] for mode in modes}
        for _ in range(dialogs):
            for mode in modes:
                url = f"ws://127.0.0.1:{ports[mode]}/ws"
                rows[mode].append(await one_dialog(url))
                paused[mode].append((await one_dialog(url, pause_ms))[:1])
        print(f"openai engine, latency model {model}, {dialogs} dialogs of {len(PHRASES)} "
              f"turns and {dialogs} whose first turn pauses {pause_ms} ms per mode, settings "
              f"{settings or 'default'}, load average {os.getloadavg()[0]:.1f}")
        for mode in modes:
            order, early_ms = mode
            on = 0 < early_ms < silence_ms
            print(f"-- {order.value}, early commit {f'at {early_ms} ms' if on else 'off'} "
                  f"(SCENARIO_ENGINE_EARLY_COMMIT_MS={early_ms}, turn silence {silence_ms} ms)")
            _report(rows[mode], model, silence_ms, mode, "")
            _report(paused[mode], model, silence_ms, mode, f"paused {pause_ms} ms")
            calls = speculative_calls(ports[mode])
            print(f"speculative model calls over {dialogs * (len(PHRASES) + 1)} turns: used "
                  f"{calls['used']:.0f}, dropped {calls['dropped']:.0f} (thrown away)", flush=True)
        await barge_in_row(f"ws://127.0.0.1:{ports[modes[-1]]}/ws", phrase_tone(0),
                           phrase_tone(1), RATE, dialogs, min_speech_ms)


def _report(rows: list[list[float]], model: LatencyModel, silence_ms: int, mode: Mode,
            label: str) -> None:
    order, early_ms = mode
    for turn in range(len(rows[0])):
        text, _ = PHRASES[turn]
        values = [row[turn] for row in rows]
        kind = "final" if turn == len(PHRASES) - 1 else "follow-up"
        issue_floor = floor_ms(model, turn, silence_ms, TurnOrder.SLOTS_FIRST)
        of_order = floor_ms(model, turn, silence_ms, order)
        floor = early_floor_ms(of_order, silence_ms, early_ms)
        removed = f", early commit removes {of_order - floor:3.0f} ms" if floor != of_order else ""
        p50 = statistics.median(values)
        said = f"{text!r} {label}".strip()
        print(f"turn {turn + 1} ({kind:<9} {said:<35}) end of speech -> first audio: "
              f"p50 {p50:6.0f} ms  p90 {pct(values, 0.9):6.0f} ms  | one-call floor "
              f"{issue_floor:6.0f} ms, of this mode {floor:6.0f} ms{removed} "
              f"(p50 - it {p50 - floor:+5.0f} ms)", flush=True)

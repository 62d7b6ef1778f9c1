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
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from barge_in_row import barge_in_row
from procs import ROOT, Proc, _spawn, _wait_line, free_port, running, start_server
from scenario_engine.domain.sentences import SentenceSplitter
from scenario_engine.engines.openai.streamed_json import StreamedJSON
from scenario_engine.engines.openai.turn_answer import TurnOrder, turn_shape

sys.path.insert(0, str(ROOT))  # the fake peer, the dialog and the microphone live in tests/

from tests.engines.openai.dialog import PHRASES, one_call_answer, phrase_tone
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


async def one_dialog(url: str) -> list[float]:
    """End of speech -> first reply audio of each turn, in ms."""
    async with connect(url, max_size=None, open_timeout=30) as ws:
        await next_event(ws, "session.ready")
        mic = Microphone(ws.send, RATE)
        try:
            figures = []
            for turn in range(len(PHRASES)):
                _, spoken = mic.say(phrase_tone(turn))
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


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


async def run_openai(
    logs: Path, dialogs: int, latency: str, settings: dict[str, str], orders: list[TurnOrder]
) -> None:
    """One service per answer order against one peer; their dialogs alternate, so the
    orders are compared under the same load."""
    model = LatencyModel.parse(latency)
    silence_ms = int(settings.get("SCENARIO_ENGINE_VAD_SILENCE_MS", VAD_SILENCE_MS))
    min_speech_ms = int(settings.get("SCENARIO_ENGINE_BARGE_IN_MIN_SPEECH_MS", MIN_SPEECH_MS))
    with contextlib.ExitStack() as stack:
        peer = stack.enter_context(running(start_peer(logs, latency)))
        urls = {}
        for order in orders:
            env = {"OPENAI_API_KEY": "bench-key",
                   "OPENAI_BASE_URL": f"http://127.0.0.1:{peer.port}/v1",
                   "SCENARIO_ENGINE_LLM_TURN_ORDER": order.value, **settings}
            server = stack.enter_context(running(start_server("openai", None, logs, env)))
            urls[order] = f"ws://127.0.0.1:{server.port}/ws"
        rows: dict[TurnOrder, list[list[float]]] = {order: [] for order in orders}
        for _ in range(dialogs):
            for order in orders:
                rows[order].append(await one_dialog(urls[order]))
        print(f"openai engine, latency model {model}, {dialogs} dialogs of {len(PHRASES)} "
              f"turns per answer order, settings {settings or 'default'}, load average "
              f"{os.getloadavg()[0]:.1f}")
        for order in orders:
            for turn, (text, _) in enumerate(PHRASES):
                values = [row[turn] for row in rows[order]]
                kind = "final" if turn == len(PHRASES) - 1 else "follow-up"
                issue_floor = floor_ms(model, turn, silence_ms, TurnOrder.SLOTS_FIRST)
                floor = floor_ms(model, turn, silence_ms, order)
                p50 = statistics.median(values)
                print(f"{order.value:<11} turn {turn + 1} ({kind:<9} {text!r:<20}) end of speech "
                      f"-> first audio: p50 {p50:6.0f} ms  p90 {pct(values, 0.9):6.0f} ms  | "
                      f"one-call floor {issue_floor:6.0f} ms, of this order {floor:6.0f} ms "
                      f"(p50 - it {p50 - floor:+5.0f} ms)", flush=True)
        await barge_in_row(urls[orders[-1]], phrase_tone(0), phrase_tone(1), RATE, dialogs,
                           min_speech_ms)

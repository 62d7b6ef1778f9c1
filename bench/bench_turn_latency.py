"""Turn latency through the service: end of the learner's turn -> first reply audio.

Run: ``.venv/bin/python bench/bench_turn_latency.py`` (a few minutes; ``--smoke``: seconds).
``--engine openai`` runs the spoken dialog against the fake OpenAI peer under its latency
model instead (bench/openai_turns.py says how); what follows describes the local engine.
Both end with a barge-in row (bench/barge_in_row.py): a client starts speaking 500 ms into a
reply. ``--set NAME=VALUE`` passes a service setting (e.g. SCENARIO_ENGINE_VAD_SILENCE_MS).

The real server (``serve --engine local``, its own process) and one WebSocket client, one
session per utterance, one turn at a time. Utterances are the English first turns of the
extractor's test data; voice turns are those sentences synthesized with the service's own
TTS (eSpeak NG, 24 kHz) and streamed at real-time pace in 20 ms chunks. Three kinds of turn:

- ``text``: from sending the ``text`` frame;
- ``voice (commit)``: server VAD off, from sending ``input_audio_commit`` after the speech;
- ``voice (VAD)``: server VAD on, speech then silence; from the ``input_audio.speech_stopped``
  event (the service's end-of-turn decision; the silence it waits for first is printed too).

Each is split with the service's own histograms (``/metrics``, read before and after each
turn, so the differences are that turn's): recognition (end of speech -> transcript),
extraction (the rule-based "LLM": slots and the reply text), synthesis (text -> first TTS
chunk), the rest of the service's time, and relay (service's first chunk -> the client has
it, plus the end-of-turn frame's way in). bench/bench_speech.py measures recognition
accuracy and the same latency inside one process without the service; this one is the
latency a client sees.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from barge_in_row import barge_in_row
from openai_turns import MIN_SPEECH_MS, run_openai
from procs import ROOT, in_own_session, running, start_server
from scenario_engine.engines.local.speech_output import LocalSpeechOutput
from scenario_engine.engines.openai.turn_answer import TurnOrder

CASES = ROOT / "tests" / "engines" / "local" / "extractor_cases.jsonl"
RATE = 24_000
CHUNK_BYTES = RATE * 20 // 1000 * 2
HISTOGRAMS = {
    "recognition": "scenario_recognition_seconds_sum",
    "extraction": "scenario_llm_seconds_sum",
    "synthesis": "scenario_tts_first_audio_seconds_sum",
    "service": "scenario_turn_latency_seconds_sum",
}


def english_first_turns(limit: int) -> list[str]:
    texts = []
    for line in CASES.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        tags = set(item["tags"])
        if "en" in tags and not tags & {"ko", "mixed"} and item["awaiting"] is None:
            texts.append(item["text"])
    return texts[:limit]


async def synthesize(texts: list[str], rate: int = RATE) -> list[bytes]:
    tts = LocalSpeechOutput(rate)
    try:
        return [b"".join([c async for c in tts.stream(text, "en")]) for text in texts]
    finally:
        tts.close()


def scrape(port: int) -> dict[str, float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
        text = answer.read().decode()
    values = {}
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        values[name] = float(value) if value and not name.startswith("#") else 0.0
    return {part: values.get(metric, 0.0) for part, metric in HISTOGRAMS.items()}


async def until(ws: ClientConnection, kind: str) -> float:
    """Time (perf_counter) the first event of ``kind`` arrived."""
    while True:
        event = json.loads(await asyncio.wait_for(ws.recv(), 30))
        if event["type"] == kind:
            return time.perf_counter()
        if event["type"] == "error":
            raise RuntimeError(f"service error: {event}")


async def one_turn(url: str, port: int, kind: str, text: str, pcm: bytes) -> dict[str, float]:
    before = await asyncio.to_thread(scrape, port)
    async with connect(url, max_size=None, open_timeout=30) as ws:
        await until(ws, "session.ready")
        extra: dict[str, float] = {}
        if kind == "text":
            ended = time.perf_counter()
            await ws.send(json.dumps({"type": "text", "text": text}))
            first = await until(ws, "response.audio.delta")
            await until(ws, "response.audio_transcript.done")
        else:
            audio = pcm + (bytes(RATE * 2 * 2) if kind == "vad" else b"")
            started = time.perf_counter()
            listener = asyncio.create_task(_first_events(ws))
            for index in range(0, len(audio), CHUNK_BYTES):
                due = started + index / (RATE * 2)
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                if listener.done():
                    break  # the VAD ended the turn at a pause: the reply is under way
                piece = base64.b64encode(audio[index : index + CHUNK_BYTES]).decode()
                try:
                    await ws.send(json.dumps({"type": "input_audio_chunk", "audio": piece}))
                except ConnectionClosed:
                    break  # the scenario completed on that first part
                if index + CHUNK_BYTES >= len(pcm) and "speech_end" not in extra:
                    extra["speech_end"] = time.perf_counter()
            if kind == "commit":
                ended = time.perf_counter()
                await ws.send('{"type": "input_audio_commit"}')
            stopped, first = await asyncio.wait_for(listener, 30)
            if kind == "vad":
                ended = stopped
                # Negative when the VAD ended the turn at a pause inside the utterance.
                extra["vad_wait"] = (stopped - extra.get("speech_end", stopped + 1e9)) * 1000
    after = await asyncio.to_thread(scrape, port)
    parts = {part: (after[part] - before[part]) * 1000 for part in HISTOGRAMS}
    total = (first - ended) * 1000
    service = parts.pop("service")
    return {
        "total": total, **parts,
        "service_other": service - sum(parts.values()),
        "relay": total - service, **{k: v for k, v in extra.items() if k == "vad_wait"},
    }  # fmt: skip


async def _first_events(ws: ClientConnection) -> tuple[float, float]:
    """(speech_stopped arrival or 0, first audio delta arrival)."""
    stopped = 0.0
    while True:
        event = json.loads(await ws.recv())
        if event["type"] == "input_audio.speech_stopped":
            stopped = time.perf_counter()
        elif event["type"] == "response.audio.delta":
            first = time.perf_counter()
            # The service records a turn's latency once the reply is spoken: wait for that.
            await until(ws, "response.audio_transcript.done")
            return stopped, first
        elif event["type"] == "error":
            raise RuntimeError(f"service error: {event}")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def report(kind: str, rows: list[dict[str, float]]) -> None:
    total = [r["total"] for r in rows]
    parts = ["recognition", "extraction", "synthesis", "service_other", "relay"]
    split = ", ".join(f"{p} {statistics.median(r[p] for r in rows):.1f}" for p in parts)
    line = (f"{kind:<15} n={len(rows):<3} p50 {statistics.median(total):6.1f} ms  "
            f"p95 {pct(total, 0.95):6.1f} ms  max {max(total):6.1f} ms | medians (ms): {split}")
    if "vad_wait" in rows[0]:
        waits = [r["vad_wait"] for r in rows if r["vad_wait"] >= 0]
        whole = [r["vad_wait"] + r["total"] for r in rows if r["vad_wait"] >= 0]
        line += (f" | silence the VAD waited for: p50 "
                 f"{statistics.median(waits) if waits else float('nan'):.0f} ms; "
                 f"{len(rows) - len(waits)} turns ended at a pause inside the utterance"
                 f" | end of speech -> first audio: p50 "
                 f"{statistics.median(whole) if whole else float('nan'):.0f} ms")
    print(line, flush=True)


async def run(args: argparse.Namespace) -> None:
    logs = Path(tempfile.mkdtemp(prefix="bench_turn_"))
    texts = english_first_turns(args.utterances)
    voices = texts[: args.voice_utterances]
    audio = await synthesize(voices)
    print(f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}; {len(texts)} text turns x {args.repeats}, {len(voices)} "
          f"voice turns ({sum(len(a) for a in audio) / RATE / 2:.0f} s of speech) per mode; "
          f"logs in {logs}")  # fmt: skip
    for kind in args.kinds:
        vad = "true" if kind in ("vad", "barge-in") else "false"
        settings = {"SCENARIO_ENGINE_SERVER_VAD": vad, **args.settings}
        with running(start_server("local", None, logs, settings)) as server:
            url = f"ws://127.0.0.1:{server.port}/ws"
            if kind == "barge-in":
                first, second = await synthesize(["I am at a hotel.", "The receptionist."])
                min_speech = int(args.settings.get("SCENARIO_ENGINE_BARGE_IN_MIN_SPEECH_MS",
                                                   MIN_SPEECH_MS))
                await barge_in_row(url, first, second, RATE, args.voice_utterances, min_speech)
                continue
            await one_turn(url, server.port, "text", texts[0], b"")  # warm-up
            rows = []
            if kind == "text":
                for _ in range(args.repeats):
                    for text in texts:
                        rows.append(await one_turn(url, server.port, "text", text, b""))
            else:
                for text, pcm in zip(voices, audio, strict=True):
                    rows.append(await one_turn(url, server.port, kind, text, pcm))
            label = {"text": "text", "commit": "voice (commit)", "vad": "voice (VAD)"}[kind]
            report(label, rows)
            if args.json:
                print(json.dumps({"kind": kind, "turns": rows}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="two text turns, one voice turn")
    parser.add_argument("--utterances", type=int, default=40, help="text turns per repeat")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--voice-utterances", type=int, default=15, help="voice turns per mode")
    parser.add_argument("--kinds", nargs="+", default=["text", "commit", "vad", "barge-in"],
                        choices=["text", "commit", "vad", "barge-in"])
    parser.add_argument("--json", action="store_true", help="also print every turn")
    parser.add_argument("--engine", choices=["local", "openai"], default="local")
    parser.add_argument("--dialogs", type=int, default=10, help="openai: spoken 3-turn dialogs")
    parser.add_argument("--latency", default="typical", help="openai: the fake peer's model")
    parser.add_argument("--turn-orders", nargs="+", default=["reply_first"],
                        choices=[order.value for order in TurnOrder],
                        help="openai: one service per answer order, compared in one run")
    parser.add_argument("--early-commit-ms", type=int, nargs="+", default=[0, 200],
                        help="openai: early commit settings, one service each (0: off)")
    parser.add_argument("--pause-ms", type=int, default=350,
                        help="openai: the pause inside the paused dialogs' first turn")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a service setting, e.g. SCENARIO_ENGINE_VAD_SILENCE_MS=300")
    args = parser.parse_args()
    in_own_session(sys.argv)
    args.settings = dict(item.split("=", 1) for item in args.set)
    if args.engine == "openai":
        logs = Path(tempfile.mkdtemp(prefix="bench_turn_openai_"))
        orders = [TurnOrder(order) for order in args.turn_orders]
        asyncio.run(run_openai(logs, 1 if args.smoke else args.dialogs, args.latency,
                               args.settings, orders, args.early_commit_ms, args.pause_ms))
        return
    if args.smoke:
        args.utterances, args.repeats, args.voice_utterances = 2, 1, 1
        args.kinds = ["text", "commit", "barge-in"]
    asyncio.run(run(args))


if __name__ == "__main__":
    main()

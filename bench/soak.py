"""Soak: many concurrent learners doing dialog after dialog against a real server process.

Run: ``.venv/bin/python bench/soak.py`` (200 sessions for 10 minutes; ``--smoke``: 4 sessions
for 10 s). It starts ``scenario-engine serve --engine local`` in a subprocess on a free port
of 127.0.0.1, then keeps ``--sessions`` clients busy until ``--minutes`` have passed: each
client connects, does one dialog (typed, or one voice turn of synthesized speech sent at
real-time pace then typed turns), waits for ``scenario.completed`` and the close, and starts
over. Like people, learners listen to each reply (its audio's length) and then pause
(``--think-s`` on average) before the next turn.

It reports, per minute: dialogs finished, turn latency p50/p95 as the client sees it (the
turn sent, or the end of the speech, to the first reply audio) and as the server measures it
(``scenario_turn_latency_seconds``, end of turn to first audio queued; bucket upper bounds),
the server's RSS and its recognition workers' RSS; then errors by code, memory growth, CPU
per turn, the drift of latency between the first and the last minute, and the machine's load
average (on a shared host other work skews latency). No thresholds: the figures go into
docs/benchmarks.md ("Soak").
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import random
import socket
import statistics
import sys
import time
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from scenario_engine.engines.local.speech_output import LocalSpeechOutput

EVENT_TIMEOUT_S = 60.0
SPEECH_RATE = 16_000
CHUNK_MS = 100
OUTPUT_RATE = 24_000

TEXT_DIALOGS = [
    ["I'm at a hotel talking to the receptionist to check in."],
    ["um i am in the hotel", "the receptionist", "check in"],
    ["호텔에서 프런트 직원이랑 체크인하고 싶어요"],
    ["I'm at the airport", "I am talking to the receptionist to check in."],
    ["I want to order food", "hmm I don't know", "whatever", "nothing"],
    ["I'm at a cafe", "the barista", "I want to order coffee"],
    # Hostile typing (issue 12): format characters inside words, texts of nothing but
    # format or control characters (refused: empty_text, invalid_text), full-width letters.
    ["I'm at a ho\u00adtel", "\u200b\u200b\ufeff", "the recep\u00adtionist",
     "\u009b31m check in", "\uff43\uff48\uff45\uff43\uff4b in"],
]
VOICE_SENTENCE = "I'm at a hotel talking to the receptionist to check in"
TURN_LOST = {
    "transcription_failed", "no_speech_recognized", "input_audio_commit_empty",
    "empty_text", "invalid_text",
}  # fmt: skip
"""Errors after which no reply comes for that turn."""
FINISHERS = ["I'm at a hotel", "the receptionist", "check in", "whatever", "whatever"]
"""Typed turns after a voice turn, until the scenario completes (the fallback ends it too)."""


@dataclass
class Results:
    started: float
    turns: list[tuple[float, str, float]] = field(default_factory=list)
    """(seconds since start, text|voice, latency s)."""
    dialogs: list[float] = field(default_factory=list)
    """Seconds since start at which a dialog completed."""
    errors: Counter[str] = field(default_factory=Counter)
    memory: list[tuple[float, float, float]] = field(default_factory=list)
    """(seconds since start, server RSS MB, recognition workers RSS MB)."""
    cpu_at_start: float | None = None
    cpu: tuple[float, float] = (0.0, 0.0)
    """CPU seconds of the server process (since the load began; start-up excluded) and of
    its current recognition workers."""
    server_latency: list[tuple[float, dict[float, float]]] = field(default_factory=list)
    """(seconds since start, cumulative buckets of the server's own turn latency histogram)."""
    load: list[float] = field(default_factory=list)
    """The machine's 1-minute load average, sampled with memory (other work skews latency)."""


# --- the server --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _start_server(port: int, sessions: int, log: Path) -> asyncio.subprocess.Process:
    env = dict(os.environ, SCENARIO_ENGINE_MAX_SESSIONS=str(2 * sessions + 16))
    with log.open("wb") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "scenario_engine", "serve", "--engine", "local",
            "--port", str(port), "--log-level", "warning",
            env=env, stdout=out, stderr=out,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}/readyz"
    for _ in range(600):
        if process.returncode is not None:
            raise SystemExit(f"the server exited ({process.returncode}); see {log}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(url, timeout=1) as response,  # noqa: ASYNC210
        ):
            if response.status == 200:
                return process
        await asyncio.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not become ready in 60 s")


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    children: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as listed:
                children += [int(child) for child in listed.read().split()]
    return children


def _latency_buckets(port: int) -> dict[float, float]:
    """``scenario_turn_latency_seconds`` from /metrics: upper bound (s) -> turns so far."""
    url = f"http://127.0.0.1:{port}/metrics"
    with urllib.request.urlopen(url, timeout=5) as response:
        text = response.read().decode()
    buckets = {}
    for line in text.splitlines():
        if line.startswith("scenario_turn_latency_seconds_bucket{"):
            bound = line.split('le="', 1)[1].split('"', 1)[0]
            buckets[float(bound)] = float(line.rsplit(" ", 1)[1])
    return buckets


def _bucket_percentile(buckets: dict[float, float], share: float) -> float:
    """The upper bound (ms) of the bucket holding the ``share`` quantile."""
    total = buckets.get(float("inf"), 0.0)
    if not total:
        return float("nan")
    for bound in sorted(buckets):
        if buckets[bound] >= share * total:
            return bound * 1000
    return float("inf")


async def _sample_memory(pid: int, port: int, results: Results, period_s: float) -> None:
    while True:
        with contextlib.suppress(OSError):
            buckets = await asyncio.to_thread(_latency_buckets, port)
            results.server_latency.append((time.monotonic() - results.started, buckets))
        children = _children(pid)
        workers = sum(_rss_mb(child) for child in children)
        server_cpu = _cpu_s(pid)
        if results.cpu_at_start is None:
            results.cpu_at_start = server_cpu
        results.cpu = (server_cpu - results.cpu_at_start, sum(map(_cpu_s, children)))
        results.memory.append((time.monotonic() - results.started, _rss_mb(pid), workers))
        results.load.append(os.getloadavg()[0])
        await asyncio.sleep(period_s)


# --- one learner -------------------------------------------------------------------------------


class _Conversation:
    """Reads one connection's events in the background, so latency is measured as they come."""

    def __init__(self, ws: ClientConnection, results: Results) -> None:
        self.ws = ws
        self._results = results
        self._turn: tuple[str, float] | None = None
        self.reply_audio_s = 0.0
        """Length of the last reply's audio: a learner listens to it before answering."""
        self.reply_done = asyncio.Event()
        self.completed = False
        self.closed = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    def turn_ends(self, kind: str, at: float) -> None:
        """The learner's turn ends at ``at``; the next reply's first audio is timed from it."""
        self._turn = (kind, at)

    async def wait_reply(self) -> None:
        done = asyncio.create_task(self.reply_done.wait())
        closed = asyncio.create_task(self.closed.wait())
        try:
            await asyncio.wait(
                [done, closed], timeout=EVENT_TIMEOUT_S, return_when="FIRST_COMPLETED"
            )
        finally:
            done.cancel()
            closed.cancel()
        if not self.reply_done.is_set() and not self.closed.is_set():
            raise TimeoutError("no reply")
        self.reply_done.clear()

    def listened(self) -> float:
        """Seconds of the reply's audio, to play it out before the next turn; then reset."""
        seconds, self.reply_audio_s = self.reply_audio_s, 0.0
        return seconds

    async def finish(self) -> None:
        await asyncio.wait_for(self.closed.wait(), EVENT_TIMEOUT_S)
        close = self.ws.protocol.close_rcvd
        if self.completed and (close is None or close.code != 1000):
            self._results.errors["soak:close_not_1000"] += 1

    async def aclose(self) -> None:
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                assert isinstance(raw, str)
                if raw.startswith('{"type":"response.audio.delta"'):
                    self.reply_audio_s += len(raw) * 3 / 4 / 2 / OUTPUT_RATE  # ~ base64 PCM16
                    if self._turn is not None:
                        kind, ended = self._turn
                        now = time.monotonic()
                        self._results.turns.append((now - self._results.started, kind, now - ended))
                        self._turn = None
                    continue
                event = json.loads(raw)
                if event["type"] == "error":
                    self._results.errors[event["code"]] += 1
                    if event["code"] in TURN_LOST:
                        self.reply_done.set()  # no reply will come: the learner goes on typing
                elif event["type"] == "input_audio.transcript" and not event["transcript"]:
                    self._results.errors["soak:empty_transcript"] += 1
                elif event["type"] == "response.audio_transcript.done":
                    self.reply_done.set()
                elif event["type"] == "scenario.completed":
                    self.completed = True
                    self._results.dialogs.append(time.monotonic() - self._results.started)
        finally:
            self.closed.set()


class _Learner:
    def __init__(
        self, url: str, results: Results, speech: bytes, rng: random.Random, args: Any
    ) -> None:
        self._url = url
        self._results = results
        self._speech = speech
        self._rng = rng
        self._think_s = args.think_s
        self._voice_share = args.voice_share

    async def run(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            try:
                await asyncio.wait_for(self._dialog(), 300)
            except (ConnectionClosed, OSError, TimeoutError) as exc:
                self._results.errors[f"client:{type(exc).__name__}"] += 1
                await asyncio.sleep(1.0)

    async def _dialog(self) -> None:
        async with connect(self._url, max_size=None, open_timeout=EVENT_TIMEOUT_S) as ws:
            first = json.loads(await asyncio.wait_for(ws.recv(), EVENT_TIMEOUT_S))
            if first["type"] != "session.ready":
                self._results.errors[first.get("code", first["type"])] += 1
                return
            talk = _Conversation(ws, self._results)
            try:
                await self._turns(talk)
            finally:
                await talk.aclose()

    async def _turns(self, talk: _Conversation) -> None:
        voice = self._rng.random() < self._voice_share
        turns = FINISHERS if voice else self._rng.choice(TEXT_DIALOGS)
        if voice:
            await self._voice_turn(talk)
        for text in turns:
            if talk.completed or talk.closed.is_set():
                break
            await asyncio.sleep(talk.listened() + self._rng.uniform(0.5, 1.5) * self._think_s)
            talk.turn_ends("text", time.monotonic())
            await talk.ws.send(json.dumps({"type": "text", "text": text}))
            await talk.wait_reply()
            await asyncio.sleep(0.05)  # scenario.completed follows the reply's text at once
        await asyncio.sleep(0.05)
        if not talk.completed:
            self._results.errors["soak:dialog_not_completed"] += 1
            return
        await talk.finish()

    async def _voice_turn(self, talk: _Conversation) -> None:
        """Speech at real-time pace, then silence (the service's VAD ends the turn)."""
        size = SPEECH_RATE * CHUNK_MS // 1000 * 2
        pcm = self._speech + bytes(SPEECH_RATE * 2)
        start = time.monotonic()
        for index, offset in enumerate(range(0, len(pcm), size)):
            audio = base64.b64encode(pcm[offset : offset + size]).decode()
            frame = {"type": "input_audio_chunk", "audio": audio, "sample_rate": SPEECH_RATE}
            await talk.ws.send(json.dumps(frame))
            if offset + size >= len(self._speech) and offset < len(self._speech):
                talk.turn_ends("voice", start + (index + 1) * CHUNK_MS / 1000)
            await asyncio.sleep(max(0.0, start + (index + 1) * CHUNK_MS / 1000 - time.monotonic()))
        await talk.wait_reply()


# --- the report --------------------------------------------------------------------------------


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def _report(results: Results, args: Any) -> dict[str, Any]:
    minute_s = 10.0 if args.smoke else 60.0
    by_minute: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for at, kind, latency in results.turns:
        by_minute[int(at // minute_s)][kind].append(latency * 1000)
    dialogs = Counter(int(at // minute_s) for at in results.dialogs)
    memory = defaultdict(list)
    for at, server, workers in results.memory:
        memory[int(at // minute_s)].append((server, workers))
    latest: dict[int, dict[float, float]] = {}
    for at, buckets in results.server_latency:
        latest[int(at // minute_s)] = buckets
    rows = []
    unit = "10 s" if args.smoke else "minute"
    print(
        f"\n{unit:>6} dialogs  text p50/p95 ms  (n)    voice p50/p95 ms (n)"
        "  server-side p50/p95 ms  server RSS MB  workers RSS MB"
    )
    for minute in sorted(by_minute):
        text, voice = by_minute[minute]["text"], by_minute[minute]["voice"]
        server, workers = memory[minute][-1] if memory[minute] else (float("nan"),) * 2
        before = latest.get(minute - 1, {})
        inside = {b: n - before.get(b, 0.0) for b, n in latest.get(minute, {}).items()}
        row = {
            "minute": minute + 1,
            "dialogs": dialogs[minute],
            "text_p50_ms": _percentile(text, 0.5), "text_p95_ms": _percentile(text, 0.95),
            "text_turns": len(text),
            "voice_p50_ms": _percentile(voice, 0.5), "voice_p95_ms": _percentile(voice, 0.95),
            "voice_turns": len(voice),
            "server_p50_ms_at_most": _bucket_percentile(inside, 0.5),
            "server_p95_ms_at_most": _bucket_percentile(inside, 0.95),
            "server_rss_mb": server, "workers_rss_mb": workers,
        }  # fmt: skip
        rows.append(row)
        print(
            f"{minute + 1:>6} {row['dialogs']:>7}"
            f"  {row['text_p50_ms']:>6.0f} /{row['text_p95_ms']:>6.0f} ({len(text):>5})"
            f"  {row['voice_p50_ms']:>6.0f} /{row['voice_p95_ms']:>6.0f} ({len(voice):>4})"
            f"  {row['server_p50_ms_at_most']:>9.0f} /{row['server_p95_ms_at_most']:>6.0f}"
            f"       {server:>12.1f}  {workers:>14.1f}"
        )
    warm = [server for at, server, _ in results.memory if at >= minute_s]
    first_rss = warm[0] if warm else float("nan")
    peak_rss = max((server for _, server, _ in results.memory), default=float("nan"))
    last_rss = results.memory[-1][1] if results.memory else float("nan")
    summary = {
        "sessions": args.sessions,
        "seconds": args.minutes * 60,
        "dialogs": len(results.dialogs),
        "turns": len(results.turns),
        "errors": dict(results.errors.most_common()),
        "server_cpu_s": results.cpu[0],
        "workers_cpu_s": results.cpu[1],
        "server_rss_mb": {"after_first_minute": first_rss, "peak": peak_rss, "end": last_rss},
        "load_average_mean": statistics.fmean(results.load) if results.load else float("nan"),
        "cpus": os.cpu_count(),
        "workers_rss_mb_end": results.memory[-1][2] if results.memory else float("nan"),
        "per_minute": rows,
    }
    print(f"\n{len(results.dialogs)} dialogs, {len(results.turns)} answered turns")
    print(f"errors by code: {dict(results.errors.most_common()) or 'none'}")
    print(
        f"server RSS: {first_rss:.1f} MB after the first {unit} (all sessions open), "
        f"peak {peak_rss:.1f}, end {last_rss:.1f}"
    )
    server_cpu, workers_cpu = results.cpu
    per_turn = 1000 * server_cpu / max(1, len(results.turns))
    print(
        f"CPU: server {server_cpu:.0f} s ({per_turn:.1f} ms per answered turn), "
        f"recognition workers {workers_cpu:.0f} s"
    )
    if results.load:
        print(
            f"machine load average: mean {statistics.fmean(results.load):.1f}, "
            f"max {max(results.load):.1f} on {os.cpu_count()} CPUs"
        )
    full = [row for row in rows if row["text_turns"]]
    if len(full) >= 2:
        first, last = full[0], full[-1]
        print(
            f"text latency drift, first -> last {unit}: p50 {first['text_p50_ms']:.0f} -> "
            f"{last['text_p50_ms']:.0f} ms, "
            f"p95 {first['text_p95_ms']:.0f} -> {last['text_p95_ms']:.0f} ms"
        )
    return summary


def _speech() -> bytes:
    async def make() -> bytes:
        output = LocalSpeechOutput(SPEECH_RATE)
        try:
            return b"".join([chunk async for chunk in output.stream(VOICE_SENTENCE, "en")])
        finally:
            output.close()

    return asyncio.run(make())


async def _soak(args: Any, speech: bytes) -> dict[str, Any]:
    port = _free_port()
    log = Path(args.server_log)
    server = await _start_server(port, args.sessions, log)
    url = f"ws://127.0.0.1:{port}/ws"
    results = Results(started=time.monotonic())
    sampler = asyncio.create_task(
        _sample_memory(server.pid, port, results, 5.0 if not args.smoke else 1.0)
    )
    deadline = results.started + args.minutes * 60
    rng = random.Random(args.seed)
    learners = [
        _Learner(url, results, speech, random.Random(rng.random()), args)
        for _ in range(args.sessions)
    ]
    try:
        tasks = []
        for learner in learners:  # ramp up over ~2 s rather than one thundering herd
            tasks.append(asyncio.create_task(learner.run(deadline)))
            await asyncio.sleep(2.0 / args.sessions)
        await asyncio.gather(*tasks)
    finally:
        sampler.cancel()
        server.terminate()
        try:
            await asyncio.wait_for(server.wait(), 30)
        except TimeoutError:
            server.kill()
    if server.returncode not in (0, -15):
        results.errors[f"server:exit_{server.returncode}"] += 1
    return _report(results, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=200, help="concurrent learners")
    parser.add_argument("--minutes", type=float, default=10.0, help="how long to run")
    parser.add_argument("--smoke", action="store_true", help="4 sessions for 10 s")
    parser.add_argument(
        "--think-s", type=float, default=2.0,
        help="mean pause before a typed turn, after listening to the reply",
    )  # fmt: skip
    parser.add_argument("--voice-share", type=float, default=0.1, help="dialogs with a voice turn")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--server-log", default="/tmp/scenario-soak-server.log")
    parser.add_argument("--json", help="write the figures here as JSON too")
    args = parser.parse_args()
    if args.smoke:
        args.sessions, args.minutes = min(args.sessions, 4), 10 / 60
    summary = asyncio.run(_soak(args, _speech()))
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()

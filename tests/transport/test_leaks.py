"""1,000 connect/disconnect cycles at random moments leave nothing behind.

One in-process server (so its tasks, file descriptors and memory are this process's) takes
clients that leave before ``session.ready``, mid-upload, right after a typed turn, mid-reply,
after completion, or politely; half of the rude ones reset the TCP connection. Afterwards
the count of asyncio tasks, open file descriptors, open sessions (``Lifecycle.active`` and
the ``scenario_active_sessions`` gauge) and borrowed speech decoders is back at its baseline,
and resident memory grew by less than a bound far below what a per-session leak would cost.
"""

from __future__ import annotations

import asyncio
import base64
import gc
import json
import os
import random
import socket
import struct
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from scenario_engine.config import AppConfig
from scenario_engine.engines.local.engine import LocalEngine
from scenario_engine.transport.server import GracefulServer
from tests.engines.local.audio import CHECK_IN, synthesize
from tests.live import serving

CYCLES = 1000
CONCURRENCY = 8
CYCLE_TIMEOUT_S = 20.0
RSS_GROWTH_LIMIT_MB = 20
"""Warm-up has filled the allocator's pools (RSS then stays flat: +1.4 MB over 4,000 cycles when
measured); a leak of 20 kB per session would exceed it."""
RATE = 16_000
CONFIG = AppConfig(engine="local", local_asr_workers=1, local_asr_decoders_per_worker=4)
HANDSHAKE = (
    b"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
)


@dataclass(frozen=True)
class Snapshot:
    tasks: int
    fds: int
    sessions: int
    gauge: float
    decoders: int
    rss_mb: float


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS in /proc/self/status")


def _snapshot(server: GracefulServer, engine: LocalEngine) -> Snapshot:
    gc.collect()
    metrics = server.config.app.state.metrics
    workers = [w for w in engine._recognizer.pool.slots if w is not None]
    return Snapshot(
        tasks=len(asyncio.all_tasks()),
        fds=len(os.listdir("/proc/self/fd")),
        sessions=server._lifecycle.active,
        gauge=metrics.registry.get_sample_value("scenario_active_sessions") or 0.0,
        decoders=sum(worker.active for worker in workers),
        rss_mb=_rss_mb(),
    )


class _Cycles:
    """The kinds of client, each leaving at its own moment."""

    def __init__(self, url: str, speech: bytes, rng: random.Random) -> None:
        self._url = url
        self._port = int(url.split(":")[2].split("/")[0])
        self._speech = speech
        self._rng = rng
        self.kinds: dict[str, Callable[[], Awaitable[None]]] = {
            "tcp only": self._tcp_only,
            "before ready": self._before_ready,
            "after ready": self._after_ready,
            "mid-upload": self._mid_upload,
            "during a turn": self._during_turn,
            "mid-reply": self._mid_reply,
            "after completion": self._after_completion,
        }
        self.weights = [5, 10, 10, 10, 25, 25, 15]

    async def _tcp_only(self) -> None:
        _, writer = await asyncio.open_connection("127.0.0.1", self._port)
        writer.transport.abort()

    async def _before_ready(self) -> None:
        """The upgrade request goes out, then the client is gone (perhaps before the 101)."""
        reader, writer = await asyncio.open_connection("127.0.0.1", self._port)
        writer.write(HANDSHAKE)
        if self._rng.random() < 0.5:
            await reader.readuntil(b"\r\n\r\n")
        _reset(writer.transport)

    async def _after_ready(self) -> None:
        async with self._session() as ws:
            await self._leave(ws)

    async def _mid_upload(self) -> None:
        async with self._session() as ws:
            speech = self._speech[: self._rng.randrange(2, len(self._speech) // 2, 2)]
            for start in range(0, len(speech), 3200):
                await ws.send(_chunk(speech[start : start + 3200]))
            await self._leave(ws)

    async def _during_turn(self) -> None:
        async with self._session() as ws:
            await ws.send(json.dumps({"type": "text", "text": "I'm at the bank"}))
            await self._leave(ws)

    async def _mid_reply(self) -> None:
        async with self._session() as ws:
            await ws.send(json.dumps({"type": "text", "text": "I'm at the bank"}))
            await _until(ws, "response.audio.delta")
            await self._leave(ws)

    async def _after_completion(self) -> None:
        async with self._session() as ws:
            text = "I'm at a hotel talking to the receptionist to check in."
            await ws.send(json.dumps({"type": "text", "text": text}))
            await _until(ws, "scenario.completed")
            try:
                await asyncio.wait_for(ws.recv(), CYCLE_TIMEOUT_S)
            except ConnectionClosed:
                return
            raise AssertionError("the socket stayed open after scenario.completed")

    def _session(self) -> Any:
        return _Session(self._url)

    async def _leave(self, ws: ClientConnection) -> None:
        """Politely (a close frame), or by dropping the connection (reset or plain abort)."""
        how = self._rng.random()
        if how < 0.3:
            await ws.close()
        elif how < 0.65:
            _reset(ws.transport)
        else:
            ws.transport.abort()


class _Session:
    """A connected client past ``session.ready``; closed on exit if still open."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._ws: ClientConnection | None = None

    async def __aenter__(self) -> ClientConnection:
        # max_queue=None: a client that stops reading mid-reply must still see the server's
        # close frame behind the queued deltas, or each polite close waits out its timeout.
        self._ws = await connect(
            self._url, max_size=None, max_queue=None, open_timeout=CYCLE_TIMEOUT_S
        )
        ready = json.loads(await asyncio.wait_for(self._ws.recv(), CYCLE_TIMEOUT_S))
        assert ready["type"] == "session.ready", ready
        return self._ws

    async def __aexit__(self, *exc: object) -> None:
        assert self._ws is not None
        if not self._ws.transport.is_closing():
            await self._ws.close()


def _reset(transport: asyncio.BaseTransport) -> None:
    sock = transport.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()  # type: ignore[attr-defined]


def _chunk(pcm: bytes) -> str:
    audio = base64.b64encode(pcm).decode()
    return json.dumps({"type": "input_audio_chunk", "audio": audio, "sample_rate": RATE})


async def _until(ws: ClientConnection, kind: str) -> None:
    while json.loads(await asyncio.wait_for(ws.recv(), CYCLE_TIMEOUT_S))["type"] != kind:
        pass


async def _settle(server: GracefulServer, engine: LocalEngine, baseline: Snapshot) -> Snapshot:
    """The server's side ends a moment after the client's: wait for it, within a bound (a
    socket may take the close timeout, 5 s, to go; a loaded machine more)."""
    deadline = time.monotonic() + 30
    while True:
        now = _snapshot(server, engine)
        settled = (
            now.tasks <= baseline.tasks
            and now.fds <= baseline.fds
            and now.sessions == 0
            and now.decoders == 0
        )
        if settled or time.monotonic() > deadline:
            return now
        await asyncio.sleep(0.1)


async def test_a_thousand_random_disconnects_leave_nothing_behind() -> None:
    engine = await asyncio.to_thread(LocalEngine, CONFIG)
    speech = await synthesize(CHECK_IN, RATE)
    rng = random.Random(6)
    async with serving(CONFIG, engine) as (url, server):
        cycles = _Cycles(url, speech, rng)
        for run in cycles.kinds.values():  # warm-up: imports, caches, allocator pools
            for _ in range(3):
                await run()
        baseline = await _settle(server, engine, _snapshot(server, engine))
        plan = rng.choices(list(cycles.kinds), cycles.weights, k=CYCLES)
        failures: Counter[str] = Counter()
        queue = iter(plan)

        async def client() -> None:
            for kind in queue:
                try:
                    await asyncio.wait_for(cycles.kinds[kind](), CYCLE_TIMEOUT_S)
                except (ConnectionClosed, OSError, TimeoutError) as exc:
                    failures[f"{kind}: {type(exc).__name__}"] += 1

        started = time.monotonic()
        await asyncio.gather(*(client() for _ in range(CONCURRENCY)))
        elapsed = time.monotonic() - started
        after = await _settle(server, engine, baseline)
        served = server.config.app.state.metrics.registry.get_sample_value
        completed = served("scenario_sessions_total", {"outcome": "completed"}) or 0
        faults = served("scenario_sessions_total", {"outcome": "error"}) or 0
    print(f"{CYCLES} cycles in {elapsed:.1f} s: {Counter(plan)}; {baseline} -> {after}")
    assert not failures, failures  # every client got as far as it meant to
    assert completed >= Counter(plan)["after completion"]
    assert not faults, "a client leaving was taken for a fault of the service"
    assert after.tasks <= baseline.tasks, (baseline, after)
    assert after.fds <= baseline.fds, (baseline, after)
    assert (after.sessions, after.gauge, after.decoders) == (0, 0.0, 0), after
    assert after.rss_mb - baseline.rss_mb < RSS_GROWTH_LIMIT_MB, (baseline, after)

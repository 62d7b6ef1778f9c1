"""Relay overhead: what the service adds to each 20 ms audio chunk, against a bare proxy.

Run: ``.venv/bin/python bench/bench_relay.py`` (a few minutes; ``--smoke`` takes seconds).

N simulated clients stream 24 kHz PCM16 in 20 ms chunks at real-time pace, through the
service (``serve --engine openai``, ``OPENAI_BASE_URL`` at bench/relay_peer.py) and, in the
same run, through bench/bare_proxy.py, to the same peer. The relay under test runs alone on
one core (its own process, pinned); clients and peer share the other. Each chunk carries its
send time in its first samples, so the peer measures client -> upstream latency on one clock.

Per target and N: relay CPU per chunk (process CPU time / chunks received by the peer),
latency p50/p99/p99.9, chunks over the 20 ms real-time deadline, memory per session
(RSS growth over the empty process / N) idle and streaming, and the load of the helper
processes (a saturated client or peer core would make the latency figures its own).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import platform
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.protocol import State

from procs import (
    Proc,
    cpu_ns,
    in_own_session,
    rss_bytes,
    running,
    start_bare_proxy,
    start_peer,
    start_service,
)

HEADER = struct.Struct("<qI")
CHUNK_MS = 20
CHUNK_BYTES = 24_000 * CHUNK_MS // 1000 * 2
GROUPS = 20
"""Clients are spread over the 20 ms period in this many groups, 1 ms apart, like real clients."""


def _audio_tail() -> str:
    """The 948 bytes after the 12-byte header: a quiet 220 Hz tone (base64, no padding)."""
    samples = [int(900 * ((i * 220 * 2 / 24_000) % 2 - 1)) for i in range(CHUNK_BYTES // 2)]
    pcm = struct.pack(f"<{len(samples)}h", *samples)
    return base64.b64encode(pcm[HEADER.size :]).decode()


TAIL = _audio_tail()


def chunk_frame(session: int) -> str:
    head = base64.b64encode(HEADER.pack(time.monotonic_ns(), session)).decode()
    return f'{{"type":"input_audio_chunk","audio":"{head}{TAIL}","sample_rate":24000}}'


@dataclass
class Client:
    index: int
    ws: ClientConnection
    errors: dict[str, int] = field(default_factory=dict)
    reader: asyncio.Task[None] | None = None

    async def read(self) -> None:
        async for message in self.ws:
            event = json.loads(message)
            if event.get("type") == "error":
                self.errors[event["code"]] = self.errors.get(event["code"], 0) + 1


async def open_clients(url: str, count: int, start: int = 0) -> list[Client]:
    async def one(index: int) -> Client:
        # No keepalive pings: a relay busy past the ping timeout would have its clients
        # closed by the harness, and a send on a closing socket waits for the close.
        ws = await connect(url, max_size=None, compression=None, open_timeout=60,
                           ping_interval=None)
        ready = json.loads(await asyncio.wait_for(ws.recv(), 60))
        if ready.get("type") != "session.ready":
            raise RuntimeError(f"client {index}: {ready}")
        client = Client(index, ws)
        client.reader = asyncio.create_task(client.read())
        return client

    clients: list[Client] = []
    for first in range(start, start + count, 25):
        batch = range(first, min(first + 25, start + count))
        clients += await asyncio.gather(*(one(i) for i in batch))
    return clients


async def close_clients(clients: list[Client]) -> None:
    await asyncio.gather(*(c.ws.close() for c in clients), return_exceptions=True)
    for c in clients:
        if c.reader is not None:
            c.reader.cancel()


async def stream(clients: list[Client], seconds: float) -> tuple[int, float]:
    """Send real-time audio from every client for ``seconds``; (chunks sent, p99 send lag ms)."""
    groups = [clients[g::GROUPS] for g in range(GROUPS)]
    step_ns = CHUNK_MS * 1_000_000 // GROUPS
    started = time.monotonic_ns()
    end = started + int(seconds * 1e9)
    sent, lags, slot = 0, [], 0
    while (due := started + slot * step_ns) < end:
        now = time.monotonic_ns()
        if due > now:
            await asyncio.sleep((due - now) / 1e9)
        lags.append(time.monotonic_ns() - due)
        for client in groups[slot % GROUPS]:
            if client.ws.state is not State.OPEN:
                continue
            await client.ws.send(chunk_frame(client.index))
            sent += 1
        slot += 1
    lags.sort()
    return sent, lags[int(0.99 * (len(lags) - 1))] / 1e6 if lags else 0.0


class PeerControl:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    async def ask(self, what: str) -> Any:
        await self.ws.send(what)
        answer = await self.ws.recv()
        return json.loads(answer) if what == "report" else answer


async def measure(target: Proc, url: str, peer: Proc, n: int, args: argparse.Namespace,
                  control: PeerControl) -> dict[str, Any]:
    # One session first, so lazy imports and first-use caches are not counted per session.
    await close_clients(await open_clients(url, 1, start=n))
    await asyncio.sleep(0.5)
    rss0 = rss_bytes(target.pid)
    clients = await open_clients(url, n)
    try:
        await asyncio.sleep(args.settle)
        rss_idle = rss_bytes(target.pid)
        warm = asyncio.create_task(stream(clients, args.warmup + args.seconds))
        await asyncio.sleep(args.warmup)
        await control.ask("reset")
        profiler = profile(target, args) if args.profile else None
        cpu = [cpu_ns(p) for p in (target.pid, peer.pid, os.getpid())]
        wall = time.monotonic()
        await asyncio.sleep(args.seconds)
        cpu = [cpu_ns(p) - c for p, c in zip((target.pid, peer.pid, os.getpid()), cpu, strict=True)]
        wall = time.monotonic() - wall
        report = await control.ask("report")
        if profiler is not None:
            await asyncio.to_thread(profiler.wait, 30)
        rss_stream = rss_bytes(target.pid)
        sent, lag_p99 = await warm
        closed_early = sum(c.ws.state is not State.OPEN for c in clients)
        await asyncio.sleep(0.3)
    finally:
        await close_clients(clients)
    errors: dict[str, int] = {}
    for c in clients:
        for code, count in c.errors.items():
            errors[code] = errors.get(code, 0) + count
    chunks = report["chunks"]
    return {
        "target": target.name, "n": n, **report,
        "expected_chunks": round(n * args.seconds * 1000 / CHUNK_MS),
        "cpu_us_per_chunk": cpu[0] / 1e3 / chunks if chunks else float("nan"),
        "relay_cpu_util": cpu[0] / 1e9 / wall,
        "peer_cpu_util": cpu[1] / 1e9 / wall, "client_cpu_util": cpu[2] / 1e9 / wall,
        "send_lag_p99_ms": lag_p99, "sent": sent, "errors": errors, "closed": closed_early,
        "rss0_mb": rss0 / 2**20,
        "idle_kb_per_session": (rss_idle - rss0) / 1024 / n,
        "stream_kb_per_session": (rss_stream - rss0) / 1024 / n,
    }


def profile(target: Proc, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    """py-spy over the measured window (collapsed stacks); its sampling costs the relay CPU, so
    figures of a profiled run are not for the record."""
    out = Path(args.profile) / f"{target.name.replace(' ', '_')}-{target.port}.txt"
    spy = Path(sys.executable).parent / "py-spy"
    return subprocess.Popen([str(spy), "record", "--nonblocking", "-r", "250", "-f", "raw",
                             "-d", str(int(args.seconds)), "-p", str(target.pid), "-o", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def run_target(kind: str, n: int, args: argparse.Namespace, logs: Path) -> dict[str, Any]:
    """One target at one N, with a peer of its own: nothing left over from the run before."""
    with running(start_peer(args.client_core, logs)) as peer:
        async with connect(f"ws://127.0.0.1:{peer.port}/control") as ws:
            if kind == "service":
                proc = start_service(args.relay_core, peer.port, logs, max(n + 8, 256))
            else:
                proc = start_bare_proxy(args.relay_core, peer.port, logs)
            with running(proc):
                url = f"ws://127.0.0.1:{proc.port}/ws"
                return await measure(proc, url, peer, n, args, PeerControl(ws))


def print_table(rows: list[dict[str, Any]]) -> None:
    print(f"\n{'target':<11}{'N':>5}{'CPU us/chunk':>13}{'p50 ms':>8}{'p99 ms':>8}"
          f"{'p99.9':>7}{'>20ms':>7}{'recv/exp':>10}{'relay CPU':>10}{'peer':>6}{'clients':>8}"
          f"{'idle KB/ses':>12}{'strm KB/ses':>12}")  # fmt: skip
    for r in rows:
        print(f"{r['target']:<11}{r['n']:>5}{r['cpu_us_per_chunk']:>13.1f}{r['p50_ms']:>8.2f}"
              f"{r['p99_ms']:>8.2f}{r['p999_ms']:>7.1f}{r['over_deadline']:>7}"
              f"{r['chunks'] / max(r['expected_chunks'], 1):>10.3f}{r['relay_cpu_util']:>9.0%} "
              f"{r['peer_cpu_util']:>5.0%} {r['client_cpu_util']:>7.0%}"
              f"{r['idle_kb_per_session']:>12.0f}{r['stream_kb_per_session']:>12.0f}")  # fmt: skip
        if r["errors"] or r["closed"]:
            print(f"{'':>16}errors sent to clients: {r['errors']}; "
                  f"connections closed by the relay: {r['closed']}")


def stalled(row: dict[str, Any]) -> bool:
    """Most chunks missing while the relay idled: the path stalled, not the relay.

    Seen with the bare proxy's first N=500 row after the saturated service run at N=200
    (every process near idle; cause not found, see docs/benchmarks.md); such a row does
    not measure the relay, so it is taken again.
    """
    return bool(row["chunks"] < 0.5 * row["expected_chunks"] and row["relay_cpu_util"] < 0.5)


def meets_deadline(row: dict[str, Any]) -> bool:
    """Real time kept: 99% of chunks relayed within one chunk's duration, none lost."""
    return bool(row["p99_ms"] <= CHUNK_MS and row["chunks"] >= 0.99 * row["expected_chunks"])


def print_summary(rows: list[dict[str, Any]]) -> None:
    by = {(r["target"], r["n"]): r for r in rows}
    print("\nservice vs bare proxy (same N, same run):")
    for (target, n), r in sorted(by.items(), key=lambda kv: kv[0][1]):
        bare = by.get(("bare proxy", n))
        if target != "service" or bare is None:
            continue
        print(f"  N={n:<4} CPU x{r['cpu_us_per_chunk'] / bare['cpu_us_per_chunk']:.2f} "
              f"({r['cpu_us_per_chunk'] - bare['cpu_us_per_chunk']:+.1f} us/chunk); "
              f"added latency p50 {r['p50_ms'] - bare['p50_ms']:+.2f} ms, "
              f"p99 {r['p99_ms'] - bare['p99_ms']:+.2f} ms")  # fmt: skip
    for target in ("service", "bare proxy"):
        mine = sorted((r for r in rows if r["target"] == target), key=lambda r: r["n"])
        missed = [r["n"] for r in mine if not meets_deadline(r)]
        if not mine:
            continue
        best = min(mine, key=lambda r: r["cpu_us_per_chunk"])
        ceiling = 1e6 / (best["cpu_us_per_chunk"] * 1000 / CHUNK_MS)
        first = missed[0] if missed else f"none of {[r['n'] for r in mine]}"
        print(f"  {target}: real-time deadline (p99 <= 20 ms, >= 99% delivered) first missed "
              f"at N={first}; CPU ceiling of one core ~{ceiling:.0f} sessions "
              f"({best['cpu_us_per_chunk']:.1f} us/chunk at N={best['n']})")  # fmt: skip


async def run(args: argparse.Namespace) -> None:
    logs = Path(tempfile.mkdtemp(prefix="bench_relay_"))
    os.sched_setaffinity(0, {args.client_core})
    print(f"{platform.node()} {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cores; relay on core {args.relay_core}, clients + peer on core "
          f"{args.client_core}, nice {os.getpriority(os.PRIO_PROCESS, 0)}; load average "
          f"{os.getloadavg()[0]:.1f} before; {args.seconds:g} s measured after "
          f"{args.warmup:g} s warm-up; logs in {logs}")  # fmt: skip
    rows = []
    for n in args.sessions:
        for kind in args.targets:
            row = await run_target(kind, n, args, logs)
            if stalled(row):
                print(f"{kind} N={n}: stalled ({row['chunks']} of {row['expected_chunks']} "
                      f"chunks, relay CPU {row['relay_cpu_util']:.0%}, {row['closed']} clients "
                      f"closed); measuring it again",
                      flush=True)  # fmt: skip
                row = await run_target(kind, n, args, logs)
            rows.append(row)
            if args.json:
                print(json.dumps(row), flush=True)
    print_table(rows)
    print_summary(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="N=1,5 for a second each")
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 50, 100, 150, 200, 500])
    parser.add_argument("--targets", nargs="+", default=["bare", "service"],
                        choices=["bare", "service"])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured streaming time")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--settle", type=float, default=2.0, help="idle time before streaming")
    parser.add_argument("--json", action="store_true", help="also print each row as JSON")
    parser.add_argument("--profile", metavar="DIR", help="py-spy the relay, stacks into DIR")
    parser.add_argument("--relay-core", type=int, default=1)
    parser.add_argument("--client-core", type=int, default=0)
    args = parser.parse_args()
    in_own_session(sys.argv)
    if args.smoke:
        args.sessions, args.seconds, args.warmup, args.settle = [1, 5], 1.0, 0.5, 0.3
    asyncio.run(run(args))


if __name__ == "__main__":
    main()

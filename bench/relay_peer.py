"""The upstream end of bench_relay.py: a minimal Realtime peer that timestamps arriving audio.

Run by bench_relay.py as its own process: ``python bench/relay_peer.py PORT``.

Why not ``tests/fake_openai``: that peer checks every event against the official JSON
schemas and runs an energy VAD over every chunk, so at hundreds of sessions it, not the
relay, would be the bottleneck. This one does the least a Realtime transcription peer must:
``session.created`` on connect, ``session.updated`` for each ``session.update``, and it takes
``input_audio_buffer.append`` (from the service) or ``input_audio_chunk`` (forwarded untouched
by the bare proxy) and reads the 12-byte header bench_relay.py wrote into the first samples:
the client's send time (``time.monotonic_ns``, one clock for every process of the machine)
and the session number. A connection to ``/control`` reads and resets the figures.
"""

from __future__ import annotations

import asyncio
import binascii
import json
import struct
import sys
import time
from array import array

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

HEADER = struct.Struct("<qI")
"""Send time in ns (monotonic), session number: the first 12 bytes of every chunk's PCM."""
HEADER_B64_CHARS = 16
DEADLINE_NS = 20_000_000

_CREATED = json.dumps({"type": "session.created", "event_id": "event_1", "session": {
    "type": "transcription", "id": "sess_bench", "object": "realtime.transcription_session",
    "audio": {"input": {"format": {"type": "audio/pcm", "rate": 24000}}}}})
_UPDATED = _CREATED.replace("session.created", "session.updated")


class Figures:
    """Latencies (ns) of the chunks received since the last reset."""

    def __init__(self) -> None:
        self.latencies = array("q")
        self.sessions: set[int] = set()

    def report(self) -> dict[str, object]:
        values = sorted(self.latencies)
        count = len(values)

        def pct(p: float) -> float:
            return values[min(count - 1, int(p * count))] / 1e6 if count else float("nan")

        over = sum(1 for v in values if v > DEADLINE_NS)
        return {"chunks": count, "sessions": len(self.sessions), "p50_ms": pct(0.50),
                "p99_ms": pct(0.99), "p999_ms": pct(0.999),
                "max_ms": values[-1] / 1e6 if count else float("nan"),
                "mean_ms": sum(values) / count / 1e6 if count else float("nan"),
                "over_deadline": over}


FIGURES = Figures()


def _record(frame: str, now_ns: int) -> None:
    start = frame.find('"audio"')
    if start < 0:
        return
    quote = frame.find('"', start + 7)
    sent_ns, session = HEADER.unpack(
        binascii.a2b_base64(frame[quote + 1 : quote + 1 + HEADER_B64_CHARS])
    )
    FIGURES.latencies.append(now_ns - sent_ns)
    FIGURES.sessions.add(session)


async def _control(ws: ServerConnection) -> None:
    global FIGURES
    async for message in ws:
        if message == "report":
            await ws.send(json.dumps(FIGURES.report()))
        elif message == "reset":
            FIGURES = Figures()
            await ws.send("ok")


async def _realtime(ws: ServerConnection) -> None:
    await ws.send(_CREATED)
    async for message in ws:
        now = time.monotonic_ns()
        if isinstance(message, bytes):
            continue
        if '"session.update"' in message:  # never inside an append: base64 has no quotes
            await ws.send(_UPDATED)
        else:
            _record(message, now)


async def _handler(ws: ServerConnection) -> None:
    try:
        if ws.request is not None and ws.request.path.startswith("/control"):
            await _control(ws)
        else:
            await _realtime(ws)
    except ConnectionClosed:
        pass


async def main(port: int) -> None:
    async with serve(_handler, "127.0.0.1", port, max_size=None, compression=None,
                     ping_interval=None):
        print("ready", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))

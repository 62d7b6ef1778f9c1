"""Connections that never finish a request (or its WebSocket handshake) are closed in time."""

from __future__ import annotations

import asyncio
import time

from scenario_engine.config import AppConfig
from tests.live import live_client, running_server

TIMEOUT_S = 1.0


async def _closed_by_server_within(reader: asyncio.StreamReader, seconds: float) -> bool:
    try:
        async with asyncio.timeout(seconds):
            while await reader.read(1024):
                pass  # a 4xx answer is fine too; what matters is the end of the stream
        return True
    except TimeoutError:
        return False


async def _drip(writer: asyncio.StreamWriter, head: bytes) -> None:
    """Send a request head a byte every 0.2 s (slowloris): never whole before the deadline."""
    for byte in head:
        writer.write(bytes([byte]))
        await asyncio.sleep(0.2)


async def test_silent_half_sent_and_trickling_connections_are_closed() -> None:
    config = AppConfig(engine="local", http_idle_timeout_s=TIMEOUT_S)
    async with running_server(config) as url:
        port = int(url.rsplit(":", 1)[1].removesuffix("/ws"))
        opened = [await asyncio.open_connection("127.0.0.1", port) for _ in range(30)]
        half = b"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        for _, writer in opened[10:20]:
            writer.write(half)  # half a handshake, then nothing
        head = half + b"Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n" * 4 + b"\r\n"
        drips = [asyncio.create_task(_drip(writer, head)) for _, writer in opened[20:]]
        started = time.monotonic()
        closed = await asyncio.gather(
            *(_closed_by_server_within(reader, TIMEOUT_S + 3.0) for reader, _ in opened)
        )
        elapsed = time.monotonic() - started
        for task in drips:
            task.cancel()
        await asyncio.gather(*drips, return_exceptions=True)
        for _, writer in opened:
            writer.close()
        assert all(closed), f"{closed.count(False)} of {len(closed)} connections still open"
        assert elapsed < TIMEOUT_S + 3.0


async def test_a_session_outlives_the_request_deadline() -> None:
    """The deadline ends at the handshake: a WebSocket session may be quiet for longer."""
    config = AppConfig(engine="local", http_idle_timeout_s=TIMEOUT_S)
    async with running_server(config) as url, live_client(url) as client:
        await asyncio.sleep(TIMEOUT_S * 2)
        await client.say("I'm at a hotel talking to the receptionist to check in.")
        events = await client.until("scenario.completed")
        assert events[-1]["json"]["place"] == "hotel"

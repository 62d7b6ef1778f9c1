"""A real server on 127.0.0.1 and a real WebSocket client, for end-to-end tests."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from scenario_engine.config import AppConfig
from scenario_engine.engines.base import Engine
from scenario_engine.transport.access import SUBPROTOCOL, token_subprotocol
from scenario_engine.transport.app import create_app
from scenario_engine.transport.server import GracefulServer

EVENT_TIMEOUT_S = 20.0


@asynccontextmanager
async def running_server(
    config: AppConfig | None = None, engine: Engine | None = None
) -> AsyncIterator[str]:
    """Serve the app on a free port of 127.0.0.1; yields the WebSocket URL."""
    async with serving(config, engine) as (url, _):
        yield url


@asynccontextmanager
async def serving(
    config: AppConfig | None = None, engine: Engine | None = None
) -> AsyncIterator[tuple[str, GracefulServer]]:
    """Like running_server, and yields the server too (to shut it down mid-test)."""
    config = config or AppConfig(engine="local")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = GracefulServer(create_app(config, engine), config)
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        yield f"ws://127.0.0.1:{port}/ws", server
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 30)
        sock.close()


class LiveClient:
    """A learner's client: send events, read events, with a timeout on every wait."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.received: list[dict[str, Any]] = []

    async def send(self, event: dict[str, Any] | str | bytes) -> None:
        await self.ws.send(event if isinstance(event, str | bytes) else json.dumps(event))

    async def say(self, text: str) -> None:
        await self.send({"type": "text", "text": text})

    async def next(self) -> dict[str, Any]:
        event: dict[str, Any] = json.loads(await asyncio.wait_for(self.ws.recv(), EVENT_TIMEOUT_S))
        self.received.append(event)
        return event

    async def until(self, kind: str) -> list[dict[str, Any]]:
        """Events up to and including the first of type ``kind``."""
        events = []
        while True:
            event = await self.next()
            events.append(event)
            if event["type"] == kind:
                return events

    async def close_code(self) -> int:
        """Read on until the service closes; its close code."""
        try:
            while True:
                await self.next()
        except ConnectionClosed as closed:
            assert closed.rcvd is not None
            return closed.rcvd.code

    async def reply(self) -> str:
        """The text of the next reply (its audio events are collected in ``received``)."""
        events = await self.until("response.audio_transcript.done")
        return str(events[-1]["transcript"])


@asynccontextmanager
async def live_client(url: str, **connect_options: Any) -> AsyncIterator[LiveClient]:
    async with connect(url, max_size=None, open_timeout=EVENT_TIMEOUT_S, **connect_options) as ws:
        client = LiveClient(ws)
        ready = await client.next()
        assert ready["type"] == "session.ready", ready
        yield client


def authenticated(
    url: str, token: str, **connect_options: Any
) -> AbstractAsyncContextManager[LiveClient]:
    """A live client that sends ``token`` as the page does: as a subprotocol, not in the URL."""
    protocols = [Subprotocol(SUBPROTOCOL), Subprotocol(token_subprotocol(token))]
    return live_client(url, subprotocols=protocols, **connect_options)


@asynccontextmanager
async def resuming_client(
    url: str, token: str, **connect_options: Any
) -> AsyncIterator[LiveClient]:
    """A client that reconnects with ``session.resume`` as its first frame, sent at once."""
    async with connect(url, max_size=None, open_timeout=EVENT_TIMEOUT_S, **connect_options) as ws:
        client = LiveClient(ws)
        await client.send({"type": "session.resume", "token": token})
        ready = await client.next()
        assert ready["type"] == "session.ready", ready
        yield client

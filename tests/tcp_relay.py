"""A TCP relay on 127.0.0.1 whose connections a test can cut, as a dropped phone link does."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class TcpRelay:
    def __init__(self) -> None:
        self._links: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
        self.cuts = 0

    def cut(self) -> None:
        """End every relayed connection at once, both ways, without a goodbye."""
        self.cuts += 1
        for client, upstream in list(self._links):
            client.transport.abort()
            upstream.transport.abort()
        self._links.clear()

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, port: int
    ) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", port)
        link = (writer, up_writer)
        self._links.add(link)
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        self._links.discard(link)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    writer.close()


@asynccontextmanager
async def tcp_relay(target_url: str) -> AsyncIterator[tuple[str, TcpRelay]]:
    """Relay to the ``ws://127.0.0.1:PORT/...`` of ``target_url``; yields the relayed URL."""
    host_port, path = target_url.removeprefix("ws://").split("/", 1)
    target_port = int(host_port.rsplit(":", 1)[1])
    relay = TcpRelay()
    server = await asyncio.start_server(
        lambda r, w: relay._serve(r, w, target_port), "127.0.0.1", 0
    )
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"ws://127.0.0.1:{port}/{path}", relay
    finally:
        relay.cut()
        server.close()
        await server.wait_closed()

"""The baseline of bench_relay.py: a bare WebSocket passthrough, the floor of a Python relay.

Run by bench_relay.py as its own process: ``python bench/bare_proxy.py PORT UPSTREAM_URL``.

Same library as the service (``websockets``: the service's server side is uvicorn's
``websockets-sansio`` protocol, its upstream side the ``websockets`` asyncio client the
openai SDK opens), no framework, no parsing: each client connection gets one upstream
connection and every text frame is forwarded as it is. Whatever the service costs beyond
this is the price of its framework (uvicorn/Starlette/ASGI), parsing, validation and the SDK.
"""

from __future__ import annotations

import asyncio
import sys

from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed


async def _relay(client: ServerConnection, upstream_url: str) -> None:
    try:
        async with connect(upstream_url, max_size=None, compression=None) as upstream:
            await upstream.recv()  # session.created: the peer is there; tell the client
            await client.send('{"type":"session.ready"}')
            async for frame in client:
                await upstream.send(frame)
    except ConnectionClosed:
        pass


async def main(port: int, upstream_url: str) -> None:
    async def handler(client: ServerConnection) -> None:
        await _relay(client, upstream_url)

    async with serve(handler, "127.0.0.1", port, max_size=4 * 256 * 1024):
        print("ready", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2]))

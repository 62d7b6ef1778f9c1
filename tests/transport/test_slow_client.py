"""A client that stops reading is dropped; its events never pile up in the server's memory.

The client keeps talking but reads nothing. The server's socket buffers fill (kept small
here: by default the kernel lets them grow to megabytes, which only delays the outcome),
then its bounded send queue, and after the queue's put timeout the session ends
(``slow_client``) instead of buffering replies without bound.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from scenario_engine.config import AppConfig
from scenario_engine.transport.app import create_app
from scenario_engine.transport.server import GracefulServer
from tests.live import EVENT_TIMEOUT_S

SOCKET_BUFFER = 16 * 1024


@asynccontextmanager
async def _serving_with_small_buffers(
    config: AppConfig,
) -> AsyncIterator[tuple[int, GracefulServer]]:
    """Like tests.live.serving; accepted sockets inherit the listener's fixed send buffer."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SOCKET_BUFFER)
    sock.bind(("127.0.0.1", 0))
    server = GracefulServer(create_app(config), config)
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:  # noqa: ASYNC110 (uvicorn offers no event to wait on)
            await asyncio.sleep(0.01)
        yield sock.getsockname()[1], server
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 30)
        sock.close()


async def test_a_client_that_does_not_read_is_dropped_and_its_socket_aborted() -> None:
    config = AppConfig(engine="local", send_queue_size=8, max_attempts=20)
    async with _serving_with_small_buffers(config) as (port, server):
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SOCKET_BUFFER)
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
        url = f"ws://127.0.0.1:{port}/ws"
        async with connect(url, sock=sock, max_queue=1, max_size=None, compression=None) as ws:
            for _ in range(20):  # each answer is a spoken question: ~2 s of audio, ~20 frames
                await ws.send(json.dumps({"type": "text", "text": "um"}))
            # Replies are made (speech synthesis: slower on a loaded machine) until the buffers
            # fill, then the put timeout (5 s) and the close timeout (5 s): 60 s of headroom.
            await _until(lambda: server._lifecycle.active == 0, 60.0,
                         "the slow client is still being served")  # fmt: skip
            # Its socket goes too, although it still reads nothing: the write buffer cannot
            # drain, so a plain close would hold the socket until the client resets.
            await _until(lambda: not server.server_state.connections, 30.0,
                         "the dropped client keeps its socket")  # fmt: skip
            replies = 0
            try:
                while True:
                    event = json.loads(await asyncio.wait_for(ws.recv(), EVENT_TIMEOUT_S))
                    replies += event["type"] == "response.audio_transcript.done"
            except ConnectionClosed:
                pass
        metrics = server.config.app.state.metrics.registry.get_sample_value
        assert metrics("scenario_sessions_total", {"outcome": "slow_client"}) == 1
        assert replies < 20, "every reply was delivered: the client was never slow"


async def _until(condition: Callable[[], bool], timeout_s: float, failure: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not condition():
        assert loop.time() < deadline, failure
        await asyncio.sleep(0.05)

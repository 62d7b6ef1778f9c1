"""FakeOpenAI: a local server on 127.0.0.1 that speaks the OpenAI wire protocol.

Tests start it on a free port in their own event loop (``async with FakeOpenAI() as peer``),
point the SDK's ``base_url`` at ``peer.base_url`` and turn the knobs in ``peer.realtime``,
``peer.chat`` and ``peer.speech``. ``peer.checker.violations`` lists every schema mismatch.
"""

from __future__ import annotations

import asyncio
import socket
from types import TracebackType

import uvicorn
from starlette.applications import Starlette
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from tests.fake_openai.http_routes import make_chat_endpoint, make_speech_endpoint
from tests.fake_openai.latency import LatencyModel
from tests.fake_openai.realtime import RealtimePeerSession
from tests.fake_openai.schemas import WireChecker
from tests.fake_openai.script import ChatScript, RealtimeScript, SpeechScript


class FakeOpenAI:
    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, latency: LatencyModel | None = None
    ) -> None:
        self.host = host
        self.port = port
        self.latency = latency or LatencyModel()
        """Delays of the real API (off by default); read at each request, so a test may swap it."""
        self.checker = WireChecker()
        self.realtime = RealtimeScript()
        self.chat = ChatScript()
        self.speech = SpeechScript()
        self.sessions: list[RealtimePeerSession] = []
        self.app = Starlette(
            routes=[
                WebSocketRoute("/v1/realtime", self._realtime_endpoint),
                Route("/v1/chat/completions",
                      make_chat_endpoint(self.chat, self.checker, lambda: self.latency),
                      methods=["POST"]),
                Route("/v1/audio/speech",
                      make_speech_endpoint(self.speech, self.checker, lambda: self.latency),
                      methods=["POST"]),
            ]
        )
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def base_url(self) -> str:
        """What ``OPENAI_BASE_URL`` should be; the SDK derives ``ws://.../v1/realtime`` from it."""
        return f"http://{self.host}:{self.port}/v1"

    @property
    def live_sessions(self) -> list[RealtimePeerSession]:
        return [s for s in self.sessions if not s.closed]

    async def _realtime_endpoint(self, ws: WebSocket) -> None:
        self.realtime.handshakes += 1
        self.realtime.auth_headers.append(ws.headers.get("authorization", ""))
        self.realtime.queries.append(dict(ws.query_params))
        if self.realtime.reject_handshakes > 0:
            self.realtime.reject_handshakes -= 1
            await ws.close(code=1008)  # before accept: the handshake is refused with 403
            return
        await ws.accept()
        session = RealtimePeerSession(ws, self.realtime, self.checker, lambda: self.latency)
        self.sessions.append(session)
        try:
            await session.serve()
        finally:
            session.closed = True

    async def drop_sessions(self, code: int = 1011) -> None:
        """Fault: close every live Realtime socket mid-session."""
        for session in self.live_sessions:
            await session.drop(code)

    async def send_error(self, code: str, message: str) -> None:
        """Fault: an upstream ``error`` event on every live Realtime socket."""
        for session in self.live_sessions:
            await session.send_error(code, message, error_type="server_error")

    async def send_raw(self, text: str) -> None:
        """Fault: a text frame that is not an event, on every live Realtime socket."""
        for session in self.live_sessions:
            await session.ws.send_text(text)

    async def wait_for_sessions(self, count: int, timeout_s: float = 5.0) -> None:
        async with asyncio.timeout(timeout_s):
            while len(self.live_sessions) < count:  # noqa: ASYNC110 - a test helper, polling is fine
                await asyncio.sleep(0.01)

    async def start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self.app, log_level="warning", lifespan="off",
                                timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]))
        async with asyncio.timeout(5):
            while not self._server.started:
                if self._task.done():
                    self._task.result()
                await asyncio.sleep(0.005)

    async def stop(self) -> None:
        if self._server is None or self._task is None:
            return
        self._server.should_exit = True
        await self._task
        self._server = None

    async def __aenter__(self) -> FakeOpenAI:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.stop()

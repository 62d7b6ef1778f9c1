"""The ASGI application: ``GET /healthz``, the WebSocket endpoint ``/ws`` and the page at ``/``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket

from scenario_engine import __version__
from scenario_engine.config import AppConfig
from scenario_engine.engines.base import Engine
from scenario_engine.engines.factory import build_engine
from scenario_engine.transport.connection import serve_connection


def create_app(config: AppConfig, engine: Engine | None = None) -> Starlette:
    """Build the app; the engine (and its models) is built at start-up unless one is given."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.engine = engine or build_engine(config)
        try:
            yield
        finally:
            await app.state.engine.aclose()

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse(
            {"status": "ok", "version": __version__, "engine": request.app.state.engine.info.name}
        )

    async def ws(websocket: WebSocket) -> None:
        await serve_connection(websocket, websocket.app.state.engine, config)

    # The browser client ships inside the package (transport/static/), served as-is: no build.
    page = StaticFiles(packages=[("scenario_engine.transport", "static")], html=True)
    return Starlette(
        routes=[
            Route("/healthz", healthz),
            WebSocketRoute("/ws", ws),
            Mount("/", app=page, name="page"),
        ],
        lifespan=lifespan,
    )

"""The ASGI application: the WebSocket endpoint ``/ws``, the page at ``/`` and the operator's
endpoints.

``/healthz`` says the process is alive; ``/readyz`` says the engine can serve a session
(models loaded, or the OpenAI endpoint configured), for a load balancer; ``/metrics`` is
Prometheus' text format. Every other path is the browser client (``transport/static/``).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket

from scenario_engine import __version__
from scenario_engine.config import AppConfig
from scenario_engine.engines.base import Engine
from scenario_engine.engines.factory import build_engine
from scenario_engine.observability.metrics import CONTENT_TYPE_LATEST, Metrics
from scenario_engine.store import StoreError, open_store
from scenario_engine.transport.connection import CLOSE_TIMEOUT_S, serve_connection
from scenario_engine.transport.lifecycle import STATE_KEY, Lifecycle

logger = logging.getLogger(__name__)


def create_app(config: AppConfig, engine: Engine | None = None) -> Starlette:
    """Build the app; the engine (and its models) is built at start-up unless one is given."""
    metrics = Metrics(config.metrics_dir)
    lifecycle = Lifecycle(config.max_sessions, drain_s=config.shutdown_grace_s + CLOSE_TIMEOUT_S)
    store = open_store(config)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Lifecycle]]:
        if not config.auth_required:
            logger.warning(
                "client authentication is off: anyone who can reach %s:%d can open sessions",
                config.host,
                config.port,
            )
        app.state.engine = engine or build_engine(config)
        starting = asyncio.create_task(_start(app.state.engine), name="engine-start")
        _freeze_startup_objects()
        try:
            yield {STATE_KEY: lifecycle}  # for the WebSocket protocol's drain (ws_protocol)
        finally:
            gc.unfreeze()
            starting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await starting
            await app.state.engine.aclose()
            metrics.worker_exited(os.getpid())
            with contextlib.suppress(StoreError):
                await store.aclose()

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "version": __version__})

    async def readyz(request: Request) -> JSONResponse:
        current: Engine | None = getattr(request.app.state, "engine", None)
        reason = "the engine is starting" if current is None else current.unready_reason()
        if reason is not None:
            return JSONResponse({"status": "unready", "reason": reason}, status_code=503)
        return JSONResponse({"status": "ready", "engine": current.info.name})  # type: ignore[union-attr]

    async def metrics_endpoint(request: Request) -> Response:
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    async def ws(websocket: WebSocket) -> None:
        await serve_connection(
            websocket, websocket.app.state.engine, config, metrics, lifecycle, store
        )

    # The browser client ships inside the package (transport/static/), served as-is: no build.
    page = StaticFiles(packages=[("scenario_engine.transport", "static")], html=True)
    app = Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics_endpoint),
            WebSocketRoute("/ws", ws),
            Mount("/", app=page, name="page"),
        ],
        lifespan=lifespan,
    )
    app.state.metrics = metrics
    app.state.lifecycle = lifecycle
    return app


async def _start(engine: Engine) -> None:
    """Load the engine's models in the background: ``/healthz`` answers meanwhile and
    ``/readyz`` says why it is not ready; a session opened now waits for its speech input."""
    try:
        await engine.start()
    except Exception:
        logger.exception("the engine failed to start; sessions will report it")


def _freeze_startup_objects() -> None:
    """Keep the objects of start-up (modules, pydantic and SDK schemas, models: ~150 000 with
    the OpenAI engine) out of every later garbage collection.

    A full collection scanned them all: 70-80 ms with the event loop stopped, in the middle
    of streaming, which was the p99 of relayed audio at 100 sessions (40 ms, 12 ms once
    frozen; bench_relay.py). They live as long as the app; ``gc.unfreeze`` at shutdown.
    """
    gc.collect()
    gc.freeze()


def app_from_environment() -> Starlette:
    """The app of one worker process of ``serve --workers N`` (configuration from the env)."""
    from scenario_engine.config import load_config
    from scenario_engine.observability.logs import configure_logging

    config = load_config()
    configure_logging(config.log_level, config.log_format, config.secrets())
    return create_app(config)

"""uvicorn settings shared by the CLI and the tests, so both run the same server."""

from __future__ import annotations

from typing import Any

import uvicorn
from starlette.applications import Starlette

from scenario_engine.config import AppConfig
from scenario_engine.transport.connection import CLOSE_TIMEOUT_S
from scenario_engine.transport.lifecycle import Lifecycle

FRAME_SIZE_HEADROOM = 4
"""uvicorn refuses frames this many times over our limit outright (close 1009); frames between
our limit and that get a coded ``frame_too_large`` error and the session goes on."""


def uvicorn_settings(config: AppConfig) -> dict[str, Any]:
    """Keyword arguments for ``uvicorn.Config`` / ``uvicorn.run``."""
    return {
        "host": config.host,
        "port": config.port,
        "log_level": config.log_level,
        "log_config": None,  # logging is ours (observability.logs)
        "http": "scenario_engine.transport.http_protocol:HeaderDeadlineH11Protocol",
        # The deadline of a request's head, and of an idle keep-alive connection alike.
        "timeout_keep_alive": config.http_idle_timeout_s,
        "ws": "scenario_engine.transport.ws_protocol:ReadAheadWebSocketProtocol",
        "ws_max_size": config.max_frame_bytes * FRAME_SIZE_HEADROOM,
        # Most of what goes out is base64 PCM: deflate halves it but costs ~0.26 ms of CPU
        # per 100 ms frame and ~256 kB per connection (browsers offer it by default).
        "ws_per_message_deflate": False,
        "ws_ping_interval": 20.0,
        "ws_ping_timeout": 20.0,
        # Sessions drain by themselves (ws_protocol); this only bounds what outlives that.
        "timeout_graceful_shutdown": config.shutdown_grace_s + 2 * CLOSE_TIMEOUT_S,
    }


def uvicorn_config(app: Starlette, config: AppConfig) -> uvicorn.Config:
    return uvicorn.Config(app, **uvicorn_settings(config))


class GracefulServer(uvicorn.Server):
    """uvicorn's server on our settings, for an app built here (the CLI's one process, the
    tests). Its shutdown lets sessions finish the reply they are speaking and close with 1012
    (the drain lives in the WebSocket protocol, ``ws_protocol``, so that the workers of
    ``serve --workers N``, whose servers uvicorn builds, drain the same way)."""

    def __init__(self, app: Starlette, config: AppConfig) -> None:
        super().__init__(uvicorn_config(app, config))
        self._lifecycle: Lifecycle = app.state.lifecycle

"""uvicorn settings shared by the CLI and the tests, so both run the same server."""

from __future__ import annotations

from typing import Any

import uvicorn
from starlette.applications import Starlette

from scenario_engine.config import AppConfig

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
        "ws": "websockets-sansio",
        "ws_max_size": config.max_frame_bytes * FRAME_SIZE_HEADROOM,
        "ws_ping_interval": 20.0,
        "ws_ping_timeout": 20.0,
    }


def uvicorn_config(app: Starlette, config: AppConfig) -> uvicorn.Config:
    return uvicorn.Config(app, **uvicorn_settings(config))

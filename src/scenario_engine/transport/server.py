"""uvicorn settings shared by the CLI and the tests, so both run the same server."""

from __future__ import annotations

import uvicorn
from starlette.applications import Starlette

from scenario_engine.config import AppConfig

FRAME_SIZE_HEADROOM = 4
"""uvicorn refuses frames this many times over our limit outright (close 1009); frames between
our limit and that get a coded ``frame_too_large`` error and the session goes on."""


def uvicorn_config(app: Starlette, config: AppConfig, log_level: str = "info") -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=config.host,
        port=config.port,
        log_level=log_level,
        ws="websockets-sansio",
        ws_max_size=config.max_frame_bytes * FRAME_SIZE_HEADROOM,
        ws_ping_interval=20.0,
        ws_ping_timeout=20.0,
    )

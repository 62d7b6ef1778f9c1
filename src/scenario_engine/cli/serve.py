"""``scenario-engine serve``: configuration from the environment and flags, then uvicorn."""

from __future__ import annotations

import argparse
import os
import sys

import uvicorn

from scenario_engine.config import AppConfig, ConfigError, load_config
from scenario_engine.observability.logs import configure_logging
from scenario_engine.transport.app import create_app
from scenario_engine.transport.server import GracefulServer, uvicorn_settings

_FLAGS = ("host", "port", "engine", "workers", "log_level", "log_format")


def serve(args: argparse.Namespace) -> int:
    overrides = {name: getattr(args, name) for name in _FLAGS if getattr(args, name) is not None}
    try:
        config = load_config(**overrides)
    except ConfigError as exc:
        print(f"scenario-engine: {exc}", file=sys.stderr)
        return 2
    configure_logging(config.log_level, config.log_format, config.secrets())
    if config.workers > 1:
        return _serve_workers(config, overrides)
    GracefulServer(create_app(config), config).run()
    return 0


def _serve_workers(config: AppConfig, overrides: dict[str, object]) -> int:
    """Each worker process builds its own app from the environment: hand it the flags there."""
    for name, value in overrides.items():
        os.environ[f"SCENARIO_ENGINE_{name.upper()}"] = str(value)
    uvicorn.run(
        "scenario_engine.transport.app:app_from_environment",
        factory=True,
        workers=config.workers,
        **uvicorn_settings(config),
    )
    return 0

"""``scenario-engine serve``: configuration from the environment and flags, then uvicorn."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile

import uvicorn

from scenario_engine.config import AppConfig, ConfigError, load_config
from scenario_engine.observability.logs import configure_logging
from scenario_engine.transport.app import create_app
from scenario_engine.transport.server import GracefulServer, uvicorn_settings

_FLAGS = ("host", "port", "engine", "workers", "log_level", "log_format")
WORKER_HEALTHCHECK_S = 30
"""How long a worker may take to answer uvicorn's ping. uvicorn's 5 s killed workers still
loading their models on a busy 2-core machine, over and over (they never became ready)."""


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
    """Each worker process builds its own app from the environment: hand it the flags there,
    and a fresh directory for the metrics they share (prometheus_client reads the variable when
    a worker first imports it, so it is set before any worker starts)."""
    for name, value in overrides.items():
        os.environ[f"SCENARIO_ENGINE_{name.upper()}"] = str(value)
    metrics_dir = tempfile.mkdtemp(prefix="scenario-engine-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = os.environ["SCENARIO_ENGINE_METRICS_DIR"] = metrics_dir
    try:
        uvicorn.run(
            "scenario_engine.transport.app:app_from_environment",
            factory=True,
            workers=config.workers,
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_S,
            **uvicorn_settings(config),
        )
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)
    return 0

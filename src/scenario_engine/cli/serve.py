"""``scenario-engine serve``: configuration from the environment and flags, then uvicorn."""

from __future__ import annotations

import argparse
import logging
import sys

import uvicorn

from scenario_engine.config import ConfigError, load_config
from scenario_engine.transport.app import create_app
from scenario_engine.transport.server import uvicorn_config


def serve(args: argparse.Namespace) -> int:
    overrides = {
        name: value
        for name, value in (("host", args.host), ("port", args.port), ("engine", args.engine))
        if value is not None
    }
    try:
        config = load_config(**overrides)
    except ConfigError as exc:
        print(f"scenario-engine: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    uvicorn.Server(uvicorn_config(create_app(config), config, args.log_level)).run()
    return 0

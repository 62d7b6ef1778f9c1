"""The ``scenario-engine`` command: ``serve`` runs the service, ``talk`` is a client for it."""

from __future__ import annotations

import argparse
import sys

from scenario_engine import __version__
from scenario_engine.cli.talk import add_arguments as add_talk_arguments


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scenario-engine", description=__doc__)
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the service")
    serve.add_argument("--host", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to bind (default 8000)")
    serve.add_argument("--engine", choices=["auto", "local", "openai"], help="default auto")
    serve.add_argument("--workers", type=int, help="worker processes behind one port (default 1)")
    serve.add_argument("--log-level", choices=["debug", "info", "warning", "error"])
    serve.add_argument(
        "--log-format",
        choices=["auto", "json", "text"],
        help="auto: readable on a terminal, JSON lines otherwise",
    )

    talk = commands.add_parser("talk", help="talk to a running service (text or WAV turns)")
    add_talk_arguments(talk)
    token = commands.add_parser(
        "token", help="mint a session token (needs SCENARIO_ENGINE_AUTH_SECRET)"
    )
    token.add_argument("--ttl", type=float, default=300.0, help="validity in seconds")
    commands.add_parser("settings", help="print the settings reference (Markdown)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        from scenario_engine.cli.serve import serve

        return serve(args)
    if args.command == "token":
        return _mint_token(args.ttl)
    if args.command == "settings":
        from scenario_engine.cli.settings_doc import settings_markdown

        print(settings_markdown(), end="")
        return 0
    from scenario_engine.cli.talk import talk

    return talk(args)


def _mint_token(ttl_s: float) -> int:
    from scenario_engine.config import ConfigError, load_config
    from scenario_engine.transport.tokens import mint_session_token

    try:
        secret = load_config().auth_secret
    except ConfigError as exc:
        print(f"scenario-engine: {exc}", file=sys.stderr)
        return 2
    if secret is None:
        print("scenario-engine: SCENARIO_ENGINE_AUTH_SECRET is not set", file=sys.stderr)
        return 2
    print(mint_session_token(secret.get_secret_value(), ttl_s))
    return 0


if __name__ == "__main__":
    sys.exit(main())

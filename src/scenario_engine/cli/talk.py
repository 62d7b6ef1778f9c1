"""``scenario-engine talk``: a text client that prints the service's replies and the scenario.

Typed turns come from ``--say`` or, one per line, from standard input. Progress goes to
standard error, results to standard output (with ``--json``: the final scenario alone).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed


def talk(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(_talk(args))
    except KeyboardInterrupt:
        return 130
    except (OSError, TimeoutError) as exc:
        print(f"scenario-engine talk: cannot talk to {args.url}: {exc}", file=sys.stderr)
        return 1


def _progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


async def _talk(args: argparse.Namespace) -> int:
    async with connect(args.url, open_timeout=args.timeout, max_size=None) as ws:
        ready = await _next_event(ws, args.timeout)
        if ready.get("type") != "session.ready":
            _progress(f"unexpected first event: {ready}")
            return 1
        _progress(f"[connected: {ready['session_id']}, engine {ready['engine']['name']}]")
        sender = asyncio.create_task(_send_turns(ws, args.say))
        try:
            return await _print_events(ws, args)
        finally:
            sender.cancel()


async def _send_turns(ws: ClientConnection, turns: list[str]) -> None:
    if turns:
        for text in turns:
            await ws.send(json.dumps({"type": "text", "text": text}))
        return
    while line := await asyncio.to_thread(sys.stdin.readline):
        if line.strip():
            await ws.send(json.dumps({"type": "text", "text": line.strip()}))


async def _next_event(ws: ClientConnection, wait_s: float) -> dict[str, Any]:
    event: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), wait_s))
    return event


async def _print_events(ws: ClientConnection, args: argparse.Namespace) -> int:
    """Print events until the scenario is complete or the service closes the socket."""
    scenario: dict[str, Any] | None = None
    try:
        while True:
            event = await _next_event(ws, args.timeout if args.say else 24 * 3600)
            kind = event.get("type")
            if kind == "input_audio.transcript":
                _progress(f"you (heard): {event['transcript']}")
            elif kind == "response.audio_transcript.done":
                _progress(f"service: {event['transcript']}")
            elif kind == "error":
                _progress(f"[error {event['code']}: {event['message']}]")
            elif kind == "session.reconnecting":
                _progress(f"[engine reconnecting, attempt {event['attempt']}]")
            elif kind == "scenario.completed":
                scenario = event["json"]
    except ConnectionClosed as closed:
        if scenario is None:
            _progress(f"[closed without a scenario: {closed.rcvd}]")
            return 1
    except TimeoutError:
        _progress("[no answer from the service in time]")
        return 1
    print(json.dumps(scenario, ensure_ascii=False, indent=None if args.json else 2))
    return 0

"""``scenario-engine talk``: a learner's client in the terminal — typed turns and WAV files.

Turns come from ``--say TEXT`` and ``--wav FILE`` in command-line order or, without either, from
standard input (a line is a typed turn, ``/wav FILE`` streams a file). Each turn waits for the
service's answer before the next one goes, as a learner would. State and progress go to standard
error as they happen; standard output gets the dialog and the scenario, or with ``--json`` the
scenario's JSON alone, so scripts can read it.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import sys
import threading
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake
from websockets.typing import Subprotocol

from scenario_engine.cli.talk_events import RETRY_CODES, DialogView, progress
from scenario_engine.cli.talk_resume import RESUMABLE_CLOSES, Resumption, TurnQueue
from scenario_engine.cli.wav_stream import WavAudio, WavError, read_wav, silence, stream_pcm
from scenario_engine.transport.access import SUBPROTOCOL, token_subprotocol

AFTER_LAST_TURN_S = 3.0
"""After the last scripted turn is answered, how long the scenario may take to arrive."""


@dataclass(frozen=True, slots=True)
class Turn:
    kind: Literal["text", "wav"]
    value: str


class _AppendTurn(argparse.Action):
    """``--say`` and ``--wav`` share one list, so turns keep their command-line order."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        turns = list(getattr(namespace, self.dest) or [])
        turns.append(Turn(self.const, str(values)))
        setattr(namespace, self.dest, turns)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("url", nargs="?", default="ws://127.0.0.1:8000/ws")
    parser.add_argument(
        "--say", action=_AppendTurn, const="text", dest="turns", metavar="TEXT",
        help="a typed turn (repeatable; with --wav, turns go in command-line order)",
    )  # fmt: skip
    parser.add_argument(
        "--wav", action=_AppendTurn, const="wav", dest="turns", metavar="FILE",
        help="a spoken turn: stream this WAV (any rate, width, channels) at real-time pace",
    )  # fmt: skip
    parser.add_argument(
        "--save-replies", type=Path, metavar="DIR", help="write each spoken reply to DIR as a WAV"
    )
    parser.add_argument(
        "--token",
        default=os.environ.get("SCENARIO_ENGINE_AUTH_TOKEN"),
        help="bearer token, when the service requires one (default $SCENARIO_ENGINE_AUTH_TOKEN)",
    )
    parser.add_argument("--json", action="store_true", help="print only the final scenario JSON")
    parser.add_argument(
        "--timeout", type=float, default=30.0, help="seconds to wait for each answer (default 30)"
    )
    parser.set_defaults(turns=[])


def talk(args: argparse.Namespace) -> int:
    try:
        audio = {
            turn.value: read_wav(Path(turn.value)) for turn in args.turns if turn.kind == "wav"
        }
    except WavError as exc:
        progress(f"scenario-engine talk: {exc}")
        return 2
    try:
        return asyncio.run(_talk(args, audio))
    except KeyboardInterrupt:
        return 130
    except (OSError, TimeoutError) as exc:
        progress(f"scenario-engine talk: cannot talk to {args.url}: {exc or type(exc).__name__}")
        return 1


async def _talk(args: argparse.Namespace, audio: dict[str, WavAudio]) -> int:
    view = DialogView(args.json, args.save_replies)
    turns: TurnQueue[tuple[Turn, WavAudio | None]] = TurnQueue(
        _scripted(args.turns, audio) if args.turns else _typed_turns(view)
    )
    resumption = Resumption()
    try:
        while True:
            lost, code = await _connection(args, view, turns, resumption)
            if not lost or view.scenario is not None:
                return view.finish()
            if not await resumption.wait_before_retry(code):
                return view.finish()
    finally:
        turns.cancel()


async def _connection(
    args: argparse.Namespace,
    view: DialogView,
    turns: TurnQueue[tuple[Turn, WavAudio | None]],
    resumption: Resumption,
) -> tuple[bool, int | None]:
    """One connection of the dialog. Returns whether it was lost before the dialog ended
    (the caller may resume), with the close code received."""
    # The token travels as a subprotocol, as the page's does: out of the URL and its logs.
    protocols = None
    if args.token:
        protocols = [Subprotocol(SUBPROTOCOL), Subprotocol(token_subprotocol(args.token))]
    try:
        async with connect(
            args.url, open_timeout=args.timeout, max_size=None, subprotocols=protocols
        ) as ws:
            return await _converse(ws, args, view, turns, resumption)
    except (OSError, TimeoutError, InvalidHandshake, ConnectionClosed) as exc:
        if resumption.token is None:
            raise OSError(str(exc) or type(exc).__name__) from None
        return True, None  # the service or the link is gone: the dialog is in the store


async def _converse(
    ws: ClientConnection,
    args: argparse.Namespace,
    view: DialogView,
    turns: TurnQueue[tuple[Turn, WavAudio | None]],
    resumption: Resumption,
) -> tuple[bool, int | None]:
    resume = resumption.first_frame()
    if resume is not None:
        await ws.send(resume)
    ready: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), args.timeout))
    view.show(ready)
    if ready.get("type") != "session.ready":  # refused: unauthorized, busy, ...
        await _receive(ws, view, turns, resumption)
        return ws.close_code in RESUMABLE_CLOSES - {None}, ws.close_code
    resumption.on_event(ready, turns)
    sender = asyncio.create_task(_send_turns(ws, view, turns, resumption, args.timeout))
    receiver = asyncio.create_task(_receive(ws, view, turns, resumption))
    try:
        await asyncio.wait({sender, receiver}, return_when=asyncio.FIRST_COMPLETED)
        if not receiver.done():
            await _after_turns(sender.exception(), receiver, args.timeout)
    finally:
        for task in (sender, receiver):
            task.cancel()
        await asyncio.gather(sender, receiver, return_exceptions=True)
    return receiver.done() and not receiver.cancelled(), ws.close_code


async def _after_turns(
    error: BaseException | None, receiver: asyncio.Task[None], wait_s: float
) -> None:
    """The sender is done: give the service its last word, unless it stopped answering."""
    if isinstance(error, TimeoutError):
        progress(f"[no answer from the service within {wait_s:g} s]")
    elif error is None:
        await asyncio.wait({receiver}, timeout=AFTER_LAST_TURN_S)
    elif isinstance(error, ConnectionClosed):
        await asyncio.wait({receiver}, timeout=wait_s)  # it closed mid-turn: read why
    else:
        raise error


async def _receive(
    ws: ClientConnection,
    view: DialogView,
    turns: TurnQueue[tuple[Turn, WavAudio | None]],
    resumption: Resumption,
) -> None:
    """Show every event until the service closes the socket (after the scenario, or a fault)."""
    with contextlib.suppress(ConnectionClosed):  # abnormal closes raise; their code is kept
        async for frame in ws:
            event = json.loads(frame)
            view.show(event)
            resumption.on_event(event, turns)
            if event.get("type") == "error" and event.get("code") in RETRY_CODES:
                turns.refused()
    view.closed(ws.close_code, ws.close_reason)


async def _send_turns(
    ws: ClientConnection,
    view: DialogView,
    turns: TurnQueue[tuple[Turn, WavAudio | None]],
    resumption: Resumption,
    wait_s: float,
) -> None:
    await asyncio.wait_for(resumption.settled.wait(), wait_s)
    if resumption.answer_pending:  # the service answers the turn it had when the link dropped
        await asyncio.wait_for(view.answered.wait(), wait_s)
    while (next_turn := await turns.next()) is not None:
        turn, audio = next_turn
        view.answered.clear()
        if audio is None:
            if turns.again:
                progress(f"[sending again: {turn.value}]")
            else:
                view.said_you(turn.value)
            await ws.send(json.dumps({"type": "text", "text": turn.value}))
            await asyncio.wait_for(view.answered.wait(), wait_s)
        else:
            await _speak(ws, view, turn.value, audio, wait_s)


async def _speak(
    ws: ClientConnection, view: DialogView, name: str, audio: WavAudio, wait_s: float
) -> None:
    """Stream a WAV as a live microphone would, then end the turn the way the service expects."""

    async def send(pcm: bytes) -> None:
        chunk = {"type": "input_audio_chunk", "audio": _b64(pcm), "sample_rate": audio.sample_rate}
        await ws.send(json.dumps(chunk))

    progress(f"[streaming {name}: {audio.seconds:.1f} s, {audio.source} -> 24000 Hz mono]")
    await stream_pcm(audio.pcm, audio.sample_rate, send)
    if view.manual_turns:
        await ws.send(json.dumps({"type": "input_audio_commit"}))
        progress(f"[sent {name}; committed the turn]")
        await asyncio.wait_for(view.answered.wait(), wait_s)
        return
    # With server VAD the end of a turn is a pause: keep sending silence, as an open
    # microphone does, until the service has answered.
    progress(f"[sent {name}; waiting for the service to hear the end of the turn]")
    pause = silence(1.0, audio.sample_rate)

    async def keep_quiet() -> None:
        while True:
            await stream_pcm(pause, audio.sample_rate, send)

    quiet = asyncio.create_task(keep_quiet())
    try:
        await asyncio.wait_for(view.answered.wait(), wait_s)
    finally:
        quiet.cancel()
        await asyncio.gather(quiet, return_exceptions=True)


async def _scripted(
    turns: list[Turn], audio: dict[str, WavAudio]
) -> AsyncIterator[tuple[Turn, WavAudio | None]]:
    for turn in turns:
        yield turn, audio.get(turn.value) if turn.kind == "wav" else None


async def _typed_turns(view: DialogView) -> AsyncIterator[tuple[Turn, WavAudio | None]]:
    """Lines of standard input; ``/wav FILE`` is a spoken turn."""
    if sys.stdin.isatty():
        progress("[type a turn and press Enter; /wav FILE speaks a WAV file; Ctrl-D ends]")
    async for line in _stdin_lines():
        text = line.strip()
        if text.startswith("/wav "):
            try:
                path = text.removeprefix("/wav ").strip()
                yield Turn("wav", path), read_wav(Path(path))
            except WavError as exc:
                progress(f"[{exc}]")
        elif text:
            yield Turn("text", text), None


async def _stdin_lines() -> AsyncIterator[str]:
    """Lines read by a daemon thread, so a pending read never keeps the process alive."""
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str | None] = asyncio.Queue()

    def read() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(lines.put_nowait, line)
        loop.call_soon_threadsafe(lines.put_nowait, None)

    threading.Thread(target=read, name="stdin", daemon=True).start()
    while (line := await lines.get()) is not None:
        yield line


def _b64(pcm: bytes) -> str:
    return base64.b64encode(pcm).decode("ascii")

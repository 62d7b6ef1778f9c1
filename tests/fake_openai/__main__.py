"""Run the fake OpenAI peer by hand: ``python -m tests.fake_openai --port 8765``.

Then start the service against it, e.g.::

    OPENAI_API_KEY=test OPENAI_BASE_URL=http://127.0.0.1:8765/v1 \
        scenario-engine serve --engine openai

``--transcript FILE=TEXT`` registers a raw PCM16 24 kHz file whose audio is transcribed as TEXT;
``--say TEXT`` (repeatable) is the transcript of each committed turn matching no file, in order;
``--answers FILE`` reads a JSON list of chat answers (strings or objects) served in order;
``--dialog`` serves the spoken hotel dialog of the end-to-end tests (tests/engines/openai/dialog.py:
its tones are transcribed, its chat answers computed from each prompt).
``--latency`` adds the real API's delays (``typical``, or ``name=ms,...``: see latency.py); the
default is ``$FAKE_OPENAI_LATENCY``, else off.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
from pathlib import Path

from tests.engines.openai.dialog import script_dialog
from tests.fake_openai.latency import ENV_VAR, LatencyModel
from tests.fake_openai.server import FakeOpenAI


def _build(args: argparse.Namespace) -> FakeOpenAI:
    peer = FakeOpenAI(port=args.port, latency=LatencyModel.parse(args.latency))
    if args.dialog:
        script_dialog(peer)
    if args.speech_chars_per_second:
        peer.speech.bytes_per_char = round(24_000 * 2 / args.speech_chars_per_second)
    for entry in args.transcript:
        path, _, text = entry.partition("=")
        peer.realtime.transcripts[Path(path).read_bytes()] = text
    peer.realtime.unmatched_transcripts.extend(args.say)
    if args.answers:
        peer.chat.replies.extend(json.loads(Path(args.answers).read_text(encoding="utf-8")))
    return peer


async def _serve(peer: FakeOpenAI) -> None:
    await peer.start()
    print(f"fake OpenAI listening: OPENAI_BASE_URL={peer.base_url} latency={peer.latency}",
          flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await peer.stop()
        for violation in peer.checker.violations:
            print("schema violation:", violation)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.fake_openai", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--transcript", action="append", default=[], metavar="FILE=TEXT")
    parser.add_argument("--say", action="append", default=[], metavar="TEXT")
    parser.add_argument("--answers", metavar="FILE")
    parser.add_argument("--dialog", action="store_true", help="serve the hotel test dialog")
    parser.add_argument("--speech-chars-per-second", type=float, metavar="N",
                        help="how fast speech reads its input (default 50: short tests)")
    parser.add_argument("--latency", default=os.environ.get(ENV_VAR, "off"),
                        metavar="typical|name=ms,...")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(_build(args)))


if __name__ == "__main__":
    main()

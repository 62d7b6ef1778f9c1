"""CPU cost of relaying one learner audio chunk upstream through the OpenAI speech input.

Run: ``.venv/bin/python bench/bench_openai_relay.py`` (``--smoke`` for a short run in CI).
A minimal Realtime server runs in a child process (so its work is not counted) and discards
the audio; this process measures CPU time per ``append_audio`` of a 100 ms chunk at 24 kHz
(forwarded as is) and at 16 kHz (resampled), median of several repeats. No threshold: the
numbers are for comparing revisions on one machine.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import socket
import statistics
import subprocess
import sys
import time

from scenario_engine.config import AppConfig
from scenario_engine.engines.base import AudioChunk
from scenario_engine.engines.openai.engine import OpenAIEngine
from scenario_engine.engines.openai.speech_input import OpenAISpeechInput

SINK = """
import asyncio, json, sys
from websockets.asyncio.server import serve
SESSION = {"type": "transcription", "id": "sess", "object": "realtime.transcription_session"}
async def handler(ws):
    await ws.send(json.dumps({"type": "session.created", "event_id": "e1", "session": SESSION}))
    async for message in ws:
        if isinstance(message, str) and message.startswith('{"type": "session.update"'):
            await ws.send(json.dumps({"type": "session.updated", "event_id": "e2",
                                      "session": SESSION}))
async def main():
    async with serve(handler, "127.0.0.1", int(sys.argv[1]), max_size=None):
        print("ready", flush=True)
        await asyncio.Future()
asyncio.run(main())
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def chunk(rate: int) -> AudioChunk:
    pcm = bytes(rate // 10 * 2)
    return AudioChunk(pcm=pcm, base64=base64.b64encode(pcm).decode("ascii"), sample_rate=rate)


async def cpu_per_chunk(speech_input: OpenAISpeechInput, audio: AudioChunk, n: int) -> float:
    started = time.process_time()
    for _ in range(n):
        await speech_input.append_audio(audio)
    return (time.process_time() - started) / n


async def measure(port: int, chunks: int, repeats: int) -> dict[int, float]:
    config = AppConfig(engine="openai", openai_api_key="bench",
                       openai_base_url=f"http://127.0.0.1:{port}/v1", server_vad=False)
    engine = OpenAIEngine(config)
    speech_input = engine.open_speech_input()
    try:
        await speech_input.start()
        results = {}
        for rate in (24_000, 16_000):
            audio = chunk(rate)
            await cpu_per_chunk(speech_input, audio, chunks // 10)  # warm-up
            samples = [await cpu_per_chunk(speech_input, audio, chunks) for _ in range(repeats)]
            results[rate] = statistics.median(samples)
        return results
    finally:
        await speech_input.aclose()
        await engine.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="a short run")
    args = parser.parse_args()
    chunks, repeats = (200, 3) if args.smoke else (3000, 5)
    port = free_port()
    sink = subprocess.Popen([sys.executable, "-c", SINK, str(port)], stdout=subprocess.PIPE)
    try:
        assert sink.stdout is not None and sink.stdout.readline().strip() == b"ready"
        results = asyncio.run(measure(port, chunks, repeats))
    finally:
        sink.terminate()
        sink.wait(timeout=10)
    print(json.dumps({f"cpu_us_per_100ms_chunk_{rate // 1000}k": round(seconds * 1e6, 1)
                      for rate, seconds in results.items()}))


if __name__ == "__main__":
    main()

"""A Whisper recognition worker process (faster-whisper's model on CTranslate2, decoded by
``whisper_decode``), speaking asr_worker's frame protocol.

A process, not a thread of the service: CTranslate2 releases the GIL, but faster-whisper's own
Python (features, prompts, segments) does not, and two decodes in threads of one process took
1.3 s each where two processes took 0.5 s (bench notes in docs/benchmarks.md). Each worker
decodes one turn at a time: the service gives it a turn's whole audio (OPEN, AUDIO..., FINISH)
and gets one RESULT back, a JSON object with the text and the scores the service uses to tell
English from other speech. The model loads and decodes a warm-up clip before READY, so the
first learner does not pay for either.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import Any, BinaryIO

import numpy as np

from scenario_engine.engines.local.asr_worker import (
    ABANDON,
    AUDIO,
    FAILED,
    FINISH,
    OPEN,
    RESULT,
    encode,
    serve,
)
from scenario_engine.engines.local.whisper_decode import Decoded, DecodeOptions, TurnDecoder

SAMPLE_RATE = 16_000
LEADING_SILENCE = bytes(SAMPLE_RATE * 2 * 3 // 10)
"""300 ms put before every turn: Whisper drops the first word of audio that starts abruptly
("I'm at the hotel" -> "The hotel"); on the dev split, eSpeak WER 27.3 % -> 25.1 % (greedy)."""


class _Worker:
    def __init__(self, settings: dict[str, Any], out: BinaryIO) -> None:
        from faster_whisper import WhisperModel  # here: the service process never loads it

        model = WhisperModel(
            settings["folder"],
            device="cpu",
            compute_type=settings["compute_type"],
            cpu_threads=settings["threads"],
            local_files_only=True,
        )
        self._decoder = TurnDecoder(
            model,
            DecodeOptions(
                beam_size=settings["beam_size"],
                min_window_s=settings["min_window_s"],
                initial_prompt=settings.get("initial_prompt", ""),
                hotwords=settings.get("hotwords", ""),
            ),
        )
        self._streams: dict[int, bytearray] = {}
        self._out = out
        self.decode(bytes(SAMPLE_RATE * 2))  # warm-up: first-call allocations happen here

    def decode(self, pcm: bytes) -> Decoded:
        audio = np.frombuffer(LEADING_SILENCE + pcm, dtype="<i2").astype(np.float32) / 32768.0
        return self._decoder.decode(audio)

    def handle(self, op: int, stream: int, payload: bytes) -> None:
        try:
            if op == OPEN:
                self._streams[stream] = bytearray()
            elif op == AUDIO:
                buffer = self._streams.get(stream)
                if buffer is not None:
                    buffer += payload
            elif op == FINISH:
                pcm = bytes(self._streams.pop(stream, b""))
                self._send(RESULT, stream, json.dumps(asdict(self.decode(pcm))).encode())
            elif op == ABANDON:
                self._streams.pop(stream, None)
                self._send(RESULT, stream, b"")
        except Exception as exc:  # one broken turn must not end the others
            self._streams.pop(stream, None)
            self._send(FAILED, stream, f"{type(exc).__name__}: {exc}".encode())

    def _send(self, op: int, stream: int, payload: bytes = b"") -> None:
        self._out.write(encode(op, stream, payload))
        self._out.flush()


def main() -> None:
    """Run as ``python -m <this module> '{"folder": ..., "threads": 2, "beam_size": 5, ...}'``."""
    settings = json.loads(sys.argv[1])
    source, out = sys.stdin.buffer, sys.stdout.buffer
    worker = _Worker(settings, out)
    serve(worker.handle, source, out)


if __name__ == "__main__":
    main()

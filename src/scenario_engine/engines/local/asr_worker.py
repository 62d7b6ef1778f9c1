"""A recognition worker process, and the binary frames it exchanges with the service.

pocketsphinx holds the GIL for the whole of every call (``end_utt`` alone takes ~100 ms), so
decoding in a thread would stall the event loop and every other session's relay, and would
use one core at most. Decoders therefore live in worker processes: each multiplexes several
concurrent utterances (one decoder per stream, created on demand up to a limit), reading
frames from stdin and answering on stdout.

Frame: ``op`` (1 byte), ``stream`` (uint32), payload length (uint32), payload.
"""

from __future__ import annotations

import json
import struct
import sys
from collections.abc import Callable
from typing import Any, BinaryIO, Final

HEADER: Final = struct.Struct("<BII")

# service -> worker
OPEN: Final = 1
"""Start an utterance on ``stream``."""
AUDIO: Final = 2
"""PCM16 mono at the decoder's rate for ``stream``."""
FINISH: Final = 3
"""End of the utterance: answer RESULT with the transcript."""
ABANDON: Final = 4
"""Drop the utterance: answer RESULT with an empty transcript."""

# worker -> service
READY: Final = 10
RESULT: Final = 11
FAILED: Final = 12
"""The stream's utterance failed; the payload is the reason (UTF-8)."""


def encode(op: int, stream: int, payload: bytes = b"") -> bytes:
    return HEADER.pack(op, stream, len(payload)) + payload


class _Worker:
    def __init__(self, options: dict[str, Any], max_decoders: int, out: BinaryIO) -> None:
        self._options = options
        self._idle = [self._new_decoder()]  # fail at start-up, not on the first turn
        self._initial_cmn: str = self._idle[0].get_cmn()
        self._created = 1
        self._max = max_decoders
        self._active: dict[int, Any] = {}
        self._out = out

    def _new_decoder(self) -> Any:
        from pocketsphinx import Decoder  # here: the service process never loads it

        return Decoder(**self._options)

    def handle(self, op: int, stream: int, payload: bytes) -> None:
        try:
            if op == OPEN:
                self._open(stream)
            elif op == AUDIO:
                decoder = self._active.get(stream)
                if decoder is not None and payload:  # process_raw(b"") raises
                    decoder.process_raw(payload, False, False)
            elif op in (FINISH, ABANDON):
                text = self._close(stream, keep_result=op == FINISH)
                self._send(RESULT, stream, text.encode())
        except Exception as exc:  # one broken utterance must not end the others
            self._active.pop(stream, None)
            self._send(FAILED, stream, f"{type(exc).__name__}: {exc}".encode())

    def _open(self, stream: int) -> None:
        if stream in self._active:
            self._close(stream, keep_result=False)
        if not self._idle:
            if self._created >= self._max:
                raise RuntimeError("no decoder free")
            self._idle.append(self._new_decoder())
            self._created += 1
        decoder = self._idle.pop()
        # Decoders are shared by every session: start each turn from the model's cepstral
        # mean, not the last speaker's, so a transcript depends only on its own audio
        # (measured: WER 0.378 against 0.376 carrying the mean over).
        decoder.set_cmn(self._initial_cmn)
        decoder.start_utt()
        self._active[stream] = decoder

    def _close(self, stream: int, *, keep_result: bool) -> str:
        decoder = self._active.pop(stream, None)
        if decoder is None:
            return ""
        decoder.end_utt()
        hypothesis = decoder.hyp() if keep_result else None
        self._idle.append(decoder)
        return hypothesis.hypstr if hypothesis is not None else ""

    def _send(self, op: int, stream: int, payload: bytes = b"") -> None:
        self._out.write(encode(op, stream, payload))
        self._out.flush()


def read_exactly(source: BinaryIO, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        more = source.read(size - len(data))
        if not more:
            return None
        data += more
    return data


def serve(
    handle: Callable[[int, int, bytes], None], source: BinaryIO, out: BinaryIO
) -> None:
    """Say READY, then hand each framed request to ``handle`` until the parent closes stdin.

    Both recognizers' workers speak this framing, so they share the one loop that reads it.
    """
    out.write(encode(READY, 0))
    out.flush()
    while (header := read_exactly(source, HEADER.size)) is not None:
        op, stream, size = HEADER.unpack(header)
        payload = read_exactly(source, size) if size else b""
        if payload is None:
            break
        handle(op, stream, payload)


def main() -> None:
    """Run as ``python -m <this module> '{"options": {...}, "max_decoders": 8}'``."""
    settings = json.loads(sys.argv[1])
    source, out = sys.stdin.buffer, sys.stdout.buffer
    worker = _Worker(settings["options"], settings["max_decoders"], out)
    serve(worker.handle, source, out)


if __name__ == "__main__":
    main()

"""Learner audio on its way upstream: resampled to 24 kHz and kept until it is transcribed.

A reconnected Realtime socket is a new session that has none of the audio sent before the
drop. ``TurnAudio`` keeps what the upstream has not transcribed yet (uncommitted audio, and
committed turns whose transcript is still out) so the speech input can send it again and
the learner does not have to repeat themselves. It is bounded, and pure.
"""

from __future__ import annotations

import base64
from collections import deque
from dataclasses import dataclass, field

import numpy as np
import soxr

from scenario_engine.engines.base import AudioChunk
from scenario_engine.engines.openai.events import REALTIME_SAMPLE_RATE

MAX_KEPT_BYTES = 60 * REALTIME_SAMPLE_RATE * 2
"""At most one minute of 24 kHz PCM16 is kept for replay; older audio is dropped first."""


class To24k:
    """Per-session streaming resampler: client rate -> 24 kHz, base64 for the wire.

    At 24 kHz the client's base64 is forwarded untouched (no decode/encode on the hot path).
    The stream keeps filter state across chunks, so chunk borders do not click.
    """

    def __init__(self) -> None:
        self._rate: int | None = None
        self._stream: soxr.ResampleStream | None = None

    def convert(self, chunk: AudioChunk) -> tuple[str, int]:
        """The chunk as base64 PCM16 at 24 kHz, and its size in bytes."""
        if chunk.sample_rate == REALTIME_SAMPLE_RATE:
            return chunk.base64, len(chunk.pcm)
        if self._stream is None or self._rate != chunk.sample_rate:
            self._rate = chunk.sample_rate
            self._stream = soxr.ResampleStream(chunk.sample_rate, REALTIME_SAMPLE_RATE, 1,
                                               dtype="int16")
        samples = np.frombuffer(chunk.pcm, dtype="<i2")
        return _encoded(self._stream.resample_chunk(samples))

    def flush(self) -> tuple[str, int] | None:
        """End of a turn: the samples still inside the filter, so the turn's last word is whole."""
        if self._stream is None:
            return None
        tail = self._stream.resample_chunk(np.zeros(0, dtype="<i2"), last=True)
        self._stream = None
        return _encoded(tail) if len(tail) else None


def _encoded(samples: object) -> tuple[str, int]:
    out = np.asarray(samples, dtype="<i2").tobytes()
    return base64.b64encode(out).decode("ascii"), len(out)


@dataclass
class _Turn:
    item_id: str | None
    chunks: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class TurnAudio:
    """Audio not yet transcribed, per committed turn, plus the uncommitted tail."""

    _turns: deque[_Turn] = field(default_factory=deque)
    _tail: _Turn = field(default_factory=lambda: _Turn(None))
    _bytes: int = 0

    def add(self, audio_b64: str, n_bytes: int) -> None:
        self._tail.chunks.append((audio_b64, n_bytes))
        self._bytes += n_bytes
        while self._bytes > MAX_KEPT_BYTES:
            oldest = self._turns[0] if self._turns else self._tail
            if not oldest.chunks:
                self._turns.popleft()
                continue
            self._bytes -= oldest.chunks.pop(0)[1]

    def committed(self, item_id: str) -> None:
        """Upstream committed a turn as ``item_id``: a replayed turn, else everything sent."""
        for turn in self._turns:
            if turn.item_id is None:
                turn.item_id = item_id
                return
        self._tail.item_id = item_id
        self._turns.append(self._tail)
        self._tail = _Turn(None)

    def transcribed(self, item_id: str) -> None:
        for turn in list(self._turns):
            if turn.item_id == item_id:
                self._turns.remove(turn)
                self._bytes -= sum(n for _, n in turn.chunks)

    @property
    def tail_count(self) -> int:
        return len(self._tail.chunks)

    def tail_after(self, count: int) -> list[str]:
        """Uncommitted chunks after the first ``count`` (those that arrived during a replay)."""
        return [audio for audio, _ in self._tail.chunks[count:]]

    def commit_tail(self) -> None:
        """The learner ended a turn; its item id comes with upstream's ``committed`` event."""
        if self._tail.chunks:
            self._turns.append(self._tail)
            self._tail = _Turn(None)

    def cleared(self) -> None:
        self._bytes -= sum(n for _, n in self._tail.chunks)
        self._tail = _Turn(None)

    def replay(self) -> list[tuple[str, bool]]:
        """(base64 audio, commit after it) in order, for a fresh upstream session.

        Committed turns are re-committed one by one and get their new item ids from the next
        ``committed`` events (with server VAD the detector segments them again and the caller
        ignores the commit flags); the tail stays uncommitted.
        """
        plan: list[tuple[str, bool]] = []
        for turn in self._turns:
            turn.item_id = None
            plan.extend((audio, False) for audio, _ in turn.chunks)
            if plan:
                plan[-1] = (plan[-1][0], True)
        plan.extend((audio, False) for audio, _ in self._tail.chunks)
        return plan

"""The fake peer's server VAD: an energy detector over 10 ms frames, sans I/O.

Real server VAD is a model; for a test peer a loudness threshold is enough, as long as it
reports the same three moments (speech started, speech stopped, segment to commit) with the
same configuration knobs (threshold, prefix_padding_ms, silence_duration_ms).
"""

from __future__ import annotations

import array
import math
from dataclasses import dataclass
from typing import Any

SAMPLE_RATE = 24_000
FRAME_BYTES = SAMPLE_RATE // 100 * 2
"""One 10 ms frame of PCM16 mono at 24 kHz."""


@dataclass(frozen=True, slots=True)
class VadStarted:
    audio_start_ms: int


@dataclass(frozen=True, slots=True)
class VadStopped:
    audio_end_ms: int
    segment: bytes


VadEvent = VadStarted | VadStopped

SEMANTIC_SILENCE_MS = {"high": 300, "auto": 600, "medium": 600, "low": 1200}


class EnergyVad:
    """Feeds on appended audio; the buffer it keeps is the uncommitted input audio buffer."""

    def __init__(
        self, threshold: float = 0.5, prefix_padding_ms: int = 300, silence_duration_ms: int = 500
    ) -> None:
        self.rms_threshold = threshold * 0.05 * 32768
        self.prefix_padding_ms = prefix_padding_ms
        self.silence_duration_ms = silence_duration_ms
        self.buffer = bytearray()
        self.buffer_start_ms = 0
        self._scanned = 0
        self._speech_start_ms: int | None = None
        self._silence_ms = 0

    @classmethod
    def configured(cls, detection: dict[str, Any]) -> EnergyVad:
        """For a ``turn_detection`` object: ``server_vad`` with its knobs; ``semantic_vad``
        cannot be judged by loudness, so it ends a turn on a silence that is longer the
        less eager it is (a stand-in for tests, not a model of its latency)."""
        if detection.get("type") == "semantic_vad":
            silence = SEMANTIC_SILENCE_MS[detection.get("eagerness", "auto")]
            return cls(silence_duration_ms=silence)
        return cls(
            detection.get("threshold", 0.5),
            detection.get("prefix_padding_ms", 300),
            detection.get("silence_duration_ms", 500),
        )

    @property
    def buffered_ms(self) -> int:
        return len(self.buffer) // (FRAME_BYTES // 10)

    def take_all(self) -> bytes:
        """Commit or clear: everything buffered leaves; VAD state restarts."""
        audio = bytes(self.buffer)
        self.buffer_start_ms += self.buffered_ms
        self.buffer.clear()
        self._scanned = 0
        self._speech_start_ms = None
        self._silence_ms = 0
        return audio

    def feed(self, audio: bytes, detect: bool) -> list[VadEvent]:
        self.buffer.extend(audio)
        if not detect:
            return []
        events: list[VadEvent] = []
        while self._scanned + FRAME_BYTES <= len(self.buffer):
            frame = self.buffer[self._scanned : self._scanned + FRAME_BYTES]
            frame_ms = self.buffer_start_ms + self._scanned // (FRAME_BYTES // 10)
            self._scanned += FRAME_BYTES
            loud = _rms(frame) > self.rms_threshold
            if self._speech_start_ms is None:
                if loud:
                    self._speech_start_ms = frame_ms
                    self._silence_ms = 0
                    events.append(VadStarted(frame_ms))
                continue
            self._silence_ms = 0 if loud else self._silence_ms + 10
            if self._silence_ms >= self.silence_duration_ms:
                events.append(self._stop(frame_ms + 10))
        return events

    def _stop(self, end_ms: int) -> VadStopped:
        assert self._speech_start_ms is not None
        first_ms = max(self.buffer_start_ms, self._speech_start_ms - self.prefix_padding_ms)
        start = (first_ms - self.buffer_start_ms) * (FRAME_BYTES // 10)
        end = self._scanned
        segment = bytes(self.buffer[start:end])
        del self.buffer[:end]
        self.buffer_start_ms = end_ms
        self._scanned = 0
        self._speech_start_ms = None
        self._silence_ms = 0
        return VadStopped(end_ms, segment)


def _rms(frame: bytes | bytearray) -> float:
    samples = array.array("h", bytes(frame))
    return math.sqrt(sum(s * s for s in samples) / max(1, len(samples)))

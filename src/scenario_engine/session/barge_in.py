"""Barge-in: the learner speaking over a reply stops it.

The speech input's VAD says when the learner starts and stops speaking; ``SpeechGate``
measures how long the speech since then has gone on without a pause, so a short
back-channel ("mhm", "네") or a click does not cancel the reply, and ``min_speech_ms`` of
speech does. ``BargeIn``
feeds it the learner's audio while a reply plays (the speaker knows when that is: while it
is made, and until its audio has played out at the client) and interrupts the speaker.
The speech that interrupted is transcribed like any turn and becomes the next one.
"""

from __future__ import annotations

import numpy as np

from scenario_engine.observability.metrics import Metrics
from scenario_engine.session.speaker import ReplySpeaker

VOICED_RMS = 500.0
"""A 10 ms frame louder than this (about -36 dBFS) counts as voice. The page asks the browser
for echo cancellation, which keeps the service's own voice from the speakers well below."""
FRAME_MS = 10
MAX_GAP_MS = 150
"""A pause this long ends a stretch of speech (a back-channel and the silence after it)."""


class SpeechGate:
    """How long the learner has been speaking without a pause, since the VAD said speech
    started; sans I/O. Gaps shorter than ``MAX_GAP_MS`` (between syllables and words) count
    as speech; a longer one (the pause after a "mhm") starts the count again."""

    def __init__(self, min_speech_ms: int) -> None:
        self.min_speech_ms = min_speech_ms
        self._in_speech = False
        self._speech_ms = 0
        self._gap_ms = 0

    def started(self) -> None:
        self._in_speech = True
        self.reset()

    def stopped(self) -> None:
        self._in_speech = False
        self.reset()

    def reset(self) -> None:
        """Audio heard while no reply plays does not count toward cancelling the next one."""
        self._speech_ms = self._gap_ms = 0

    def heard(self, pcm: bytes, sample_rate: int) -> bool:
        """Count ``pcm`` (PCM16 mono); True once the speech has lasted ``min_speech_ms``."""
        if not self._in_speech:
            return False
        frame = sample_rate * FRAME_MS // 1000
        samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2")
        whole = len(samples) // frame * frame
        if not whole:
            return False
        frames = samples[:whole].astype(np.float32).reshape(-1, frame)
        for loud in np.sqrt(np.mean(frames * frames, axis=1)) > VOICED_RMS:
            if loud:
                self._speech_ms += self._gap_ms + FRAME_MS
                self._gap_ms = 0
            elif self._speech_ms:
                self._gap_ms += FRAME_MS
                if self._gap_ms >= MAX_GAP_MS:
                    self.reset()
            if self._speech_ms >= self.min_speech_ms:
                return True
        return False


class BargeIn:
    """Watches the learner's audio while a reply plays and stops that reply."""

    def __init__(
        self, speaker: ReplySpeaker, metrics: Metrics, *, enabled: bool, min_speech_ms: int
    ) -> None:
        self._speaker = speaker
        self._metrics = metrics
        self._enabled = enabled
        self._gate = SpeechGate(min_speech_ms)

    def speech_started(self) -> None:
        self._gate.started()

    def speech_stopped(self) -> None:
        self._gate.stopped()

    async def heard(self, pcm: bytes, sample_rate: int) -> None:
        if not self._enabled:
            return
        if not self._speaker.interruptible:
            self._gate.reset()
            return
        if self._gate.heard(pcm, sample_rate) and await self._speaker.interrupt():
            self._metrics.barge_ins.inc()
            self._gate.reset()

"""Barge-in: the learner speaking over a reply holds it at once and, if it is speech, stops it.

The speech input's VAD says when the learner starts and stops speaking. Speech that starts
while a reply is *listening* (ReplySpeaker: the service is thinking about it, making it, or
it still plays at the client), or that is going on when the service starts thinking, is over
that reply. Its audio is held at once (nothing more is sent), and ``SpeechGate`` measures how
long the speech goes on without a pause:

- ``min_speech_ms`` of it is a barge-in: the reply is stopped for good
  (``response.audio.cancelled``) and the speech is transcribed as the learner's next turn;
- a pause first (a back-channel: "mhm", "네", a click) resumes the reply where it was held,
  and once the VAD says the speech stopped, its transcript is not answered as a turn — unless
  the reply had ended by then (the learner was answering it).
"""

from __future__ import annotations

from collections import deque

import numpy as np

from scenario_engine.config import AppConfig
from scenario_engine.observability.metrics import Metrics
from scenario_engine.session.speaker import ReplySpeaker

VOICED_RMS = 500.0
"""A 10 ms frame louder than this (about -36 dBFS) counts as voice. The page asks the browser
for echo cancellation, which keeps the service's own voice from the speakers well below."""
FRAME_MS = 10
MAX_GAP_MS = 150
"""A pause this long ends a stretch of speech (a back-channel and the silence after it)."""
MAX_PENDING_VERDICTS = 4
"""Stopped utterances whose transcript has not come yet (the recognizer lags the VAD)."""


class SpeechGate:
    """How long the learner has been speaking without a pause, since the VAD said speech
    started; sans I/O. Gaps shorter than ``MAX_GAP_MS`` (between syllables and words) count
    as speech; a longer one (the pause after a "mhm") starts the count again."""

    def __init__(self, min_speech_ms: int) -> None:
        self.min_speech_ms = min_speech_ms
        self.in_speech = False
        self._speech_ms = 0
        self._quiet_ms = 0
        self._ended_voiced = False

    @property
    def speaking(self) -> bool:
        """The VAD says speech, and voice was heard less than ``MAX_GAP_MS`` ago (or the
        VAD's start is that recent)."""
        return self.in_speech and self._quiet_ms < MAX_GAP_MS

    def started(self) -> None:
        self.in_speech = True
        self.reset()

    def stopped(self) -> None:
        self.in_speech = False
        self.reset()

    def reset(self) -> None:
        """Count from now: audio heard while no reply listened does not count toward it."""
        self._speech_ms = self._quiet_ms = 0
        self._ended_voiced = False

    def take_ended_voiced(self) -> bool:
        """Whether a stretch with voice in it ended in a pause since the last call."""
        ended, self._ended_voiced = self._ended_voiced, False
        return ended

    def heard(self, pcm: bytes, sample_rate: int) -> bool:
        """Count ``pcm`` (PCM16 mono); True once the speech has lasted ``min_speech_ms``."""
        if not self.in_speech:
            return False
        frame = sample_rate * FRAME_MS // 1000
        samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2")
        whole = len(samples) // frame * frame
        if not whole:
            return False
        frames = samples[:whole].astype(np.float32).reshape(-1, frame)
        for loud in np.sqrt(np.mean(frames * frames, axis=1)) > VOICED_RMS:
            if loud:
                self._speech_ms += (self._quiet_ms if self._speech_ms else 0) + FRAME_MS
                self._quiet_ms = 0
            else:
                self._quiet_ms += FRAME_MS
                if self._quiet_ms >= MAX_GAP_MS and self._speech_ms:
                    self._speech_ms, self._ended_voiced = 0, True
            if self._speech_ms >= self.min_speech_ms:
                return True
        return False


class BargeIn:
    """Watches the learner's speech over a reply: holds, resumes or stops that reply."""

    def __init__(
        self, speaker: ReplySpeaker, metrics: Metrics, *, enabled: bool, min_speech_ms: int
    ) -> None:
        self._speaker = speaker
        self._metrics = metrics
        self._enabled = enabled
        self._gate = SpeechGate(min_speech_ms)
        self._watching = False
        """The speech going on is over a reply and has not stopped it."""
        self._held = False
        self._back_channel = False
        """The last stretch of the speech watched had voice, was short and ended in a pause
        while the reply still listened. Speech the service did not hear as it came (a client
        that sent it all at once) is never taken for a back-channel."""
        self._verdicts: deque[bool] = deque(maxlen=MAX_PENDING_VERDICTS)

    def speech_started(self) -> None:
        self._gate.started()
        self._watching = self._back_channel = False
        if self._enabled and self._speaker.listening:
            self._watch()

    def reply_expected(self) -> None:
        """The session starts answering a turn: speech going on now is over its reply."""
        self._speaker.expect()
        if self._enabled and self._gate.in_speech and not self._watching:
            self._gate.reset()
            self._watch()

    def speech_stopped(self) -> None:
        self._verdicts.append(self._watching and self._back_channel)
        self._watching = False
        self._gate.stopped()
        self._release()

    def forget_verdicts(self) -> None:
        """A commit or a clear from the client: the transcripts to come are of its turns."""
        self._verdicts.clear()

    def next_is_back_channel(self) -> bool:
        """Whether the transcript that came now is of a back-channel (not to be answered)."""
        return self._verdicts.popleft() if self._verdicts else False

    async def heard(self, pcm: bytes, sample_rate: int) -> None:
        if not self._watching:
            return
        was_speaking = self._gate.speaking
        if self._gate.heard(pcm, sample_rate):
            self._watching = self._held = False
            if await self._speaker.interrupt():
                self._metrics.barge_ins.inc()
            return
        if self._gate.take_ended_voiced():  # a short sound, then a pause: not speech
            self._back_channel = self._speaker.listening
        if self._gate.speaking and not was_speaking:
            self._back_channel = False  # a new stretch: it may be speech
        if self._gate.speaking and not self._held and self._speaker.listening:
            self._hold()
        elif not self._gate.speaking:
            self._release()

    def _watch(self) -> None:
        self._watching = True
        self._hold()

    def _hold(self) -> None:
        self._held = True
        self._speaker.hold()

    def _release(self) -> None:
        if self._held:
            self._held = False
            self._speaker.resume()


def reply_audio_lead_s(config: AppConfig) -> float | None:
    """How far ahead of the client's playback a reply's audio goes: paced only where a
    barge-in can hold it (on, with server VAD to detect the speech); None: as it is made."""
    if config.barge_in and config.server_vad and config.reply_audio_lead_ms:
        return config.reply_audio_lead_ms / 1000
    return None

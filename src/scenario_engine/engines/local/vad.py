"""End-of-turn detection with webrtcvad, sans-I/O: feed PCM16, get voice events back.

The detector is pure and synchronous (no threads, no clock: time is counted in audio), so it
is tested by feeding bytes. It emits the audio of a turn as it goes, starting with
``prefix_padding_ms`` from before the onset (webrtcvad flags soft onsets like /h/ late, and the
recognizer needs them), so speech recognition can run while the learner is still speaking.
The defaults follow the OpenAI Realtime server VAD (300 ms prefix, 500 ms of silence).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Final

import webrtcvad

VAD_SAMPLE_RATE: Final = 16_000
_FRAME_MS_ALLOWED: Final = (10, 20, 30)


@dataclass(frozen=True, slots=True)
class VoiceStarted:
    """Speech began; ``audio`` holds the prefix padding and the frames that triggered it."""

    audio: bytes


@dataclass(frozen=True, slots=True)
class VoiceAudio:
    """More audio of the current turn."""

    audio: bytes


@dataclass(frozen=True, slots=True)
class VoicePaused:
    """``pause_ms`` of silence inside a turn: it may be over (a recognizer can start now)."""


@dataclass(frozen=True, slots=True)
class VoiceResumed:
    """Speech again after a ``VoicePaused``: the turn goes on."""


@dataclass(frozen=True, slots=True)
class VoiceEnded:
    """The turn is over: ``end_silence_ms`` of silence, or it reached ``max_turn_ms``."""

    by_timeout: bool = False


VoiceEvent = VoiceStarted | VoiceAudio | VoicePaused | VoiceResumed | VoiceEnded


@dataclass(frozen=True, slots=True)
class VadSettings:
    """Tuning of the detector; every duration is in milliseconds of audio."""

    aggressiveness: int = 2
    """webrtcvad mode 0 (lenient) to 3 (strict about what counts as speech)."""
    frame_ms: int = 20
    min_speech_ms: int = 60
    """Consecutive voiced audio needed to start a turn: a click or a cough is shorter."""
    end_silence_ms: int = 500
    prefix_padding_ms: int = 300
    max_turn_ms: int = 30_000
    """A turn is cut here, so a noisy line cannot keep one open (and the recognizer busy)."""
    pause_ms: int | None = None
    """Silence inside a turn that is reported as a pause; None (or not less than
    ``end_silence_ms``): no pause events. Whisper starts decoding at a pause."""

    def __post_init__(self) -> None:
        if self.frame_ms not in _FRAME_MS_ALLOWED:
            raise ValueError(f"frame_ms must be one of {_FRAME_MS_ALLOWED}")
        if not 0 <= self.aggressiveness <= 3:
            raise ValueError("aggressiveness must be 0-3")


class TurnDetector:
    """Segments a 16 kHz PCM16 stream into turns.

    Audio is cut into frames of ``frame_ms``; a partial frame waits for the next call. While
    no turn is open, the last ``prefix_padding_ms`` of audio is kept (and no more), so memory
    stays bounded however long the learner is silent.
    """

    def __init__(self, settings: VadSettings | None = None) -> None:
        self.settings = s = settings or VadSettings()
        self._vad = webrtcvad.Vad(s.aggressiveness)
        self._frame_bytes = VAD_SAMPLE_RATE * s.frame_ms // 1000 * 2
        self._start_frames = max(1, -(-s.min_speech_ms // s.frame_ms))
        self._end_frames = max(1, s.end_silence_ms // s.frame_ms)
        self._max_frames = max(1, s.max_turn_ms // s.frame_ms)
        pause_frames = max(1, s.pause_ms // s.frame_ms) if s.pause_ms else 0
        self._pause_frames = pause_frames if 0 < pause_frames < self._end_frames else None
        self._paused = False
        padding_frames = s.prefix_padding_ms // s.frame_ms
        self._history: deque[tuple[bytes, bool]] = deque(maxlen=padding_frames + self._start_frames)
        self._partial = b""
        self._in_turn = False
        self._voiced_run = 0
        self._silent_run = 0
        self._turn_frames = 0

    @property
    def in_turn(self) -> bool:
        return self._in_turn

    def feed(self, pcm: bytes) -> list[VoiceEvent]:
        """Events for ``pcm`` (16 kHz PCM16 mono), in order; often none."""
        data = self._partial + pcm
        whole = len(data) - len(data) % self._frame_bytes
        self._partial = data[whole:]
        events: list[VoiceEvent] = []
        turn_audio = bytearray()
        for offset in range(0, whole, self._frame_bytes):
            frame = data[offset : offset + self._frame_bytes]
            voiced = self._vad.is_speech(frame, VAD_SAMPLE_RATE)
            if self._in_turn:
                turn_audio += frame
                if self._continue_turn(voiced):
                    self._mark_pause(voiced, turn_audio, events)
                    continue
                events.append(VoiceAudio(bytes(turn_audio)))
                events.append(VoiceEnded(by_timeout=self._turn_frames >= self._max_frames))
                turn_audio.clear()
                self._close_turn()
            else:
                self._history.append((frame, voiced))
                self._voiced_run = self._voiced_run + 1 if voiced else 0
                if self._voiced_run >= self._start_frames:
                    events.append(VoiceStarted(b"".join(f for f, _ in self._history)))
                    self._open_turn()
        if turn_audio:
            events.append(VoiceAudio(bytes(turn_audio)))
        return events

    def end_turn(self) -> list[VoiceEvent]:
        """End the open turn now (the client committed); the partial frame goes with it."""
        if not self._in_turn:
            return []
        events: list[VoiceEvent] = []
        if self._partial:
            events.append(VoiceAudio(self._partial))
        events.append(VoiceEnded())
        self._close_turn()
        self._partial = b""
        return events

    def reset(self) -> None:
        """Forget everything: an open turn, the padding, a partial frame (``clear``)."""
        self._vad = webrtcvad.Vad(self.settings.aggressiveness)  # drops its speech hangover
        self._close_turn()
        self._partial = b""

    def _continue_turn(self, voiced: bool) -> bool:
        self._turn_frames += 1
        self._silent_run = 0 if voiced else self._silent_run + 1
        return self._silent_run < self._end_frames and self._turn_frames < self._max_frames

    def _mark_pause(self, voiced: bool, turn_audio: bytearray, events: list[VoiceEvent]) -> None:
        """Report a pause when its silence is long enough, and the speech that ends it."""
        if self._pause_frames is None:
            return
        if self._paused and voiced:
            change: VoiceEvent = VoiceResumed()
        elif not self._paused and self._silent_run == self._pause_frames:
            change = VoicePaused()
        else:
            return
        self._paused = not self._paused
        events.append(VoiceAudio(bytes(turn_audio)))  # the audio before goes first
        turn_audio.clear()
        events.append(change)

    def _open_turn(self) -> None:
        self._in_turn = True
        self._turn_frames = len(self._history)
        self._silent_run = 0
        self._history.clear()

    def _close_turn(self) -> None:
        self._in_turn = False
        self._paused = False
        self._voiced_run = 0
        self._silent_run = 0
        self._turn_frames = 0
        self._history.clear()

"""How much learner audio a session accepts: not too far ahead of real time, not too long a turn.

A client may burst (a short file, a reconnect catching up) but cannot push audio much faster
than it can be spoken, nor pile up an endless turn; both would grow memory and CPU unbounded.
"""

from __future__ import annotations

from scenario_engine.engines.base import PCM16_SAMPLE_WIDTH
from scenario_engine.protocol import ErrorCode, ProtocolError
from scenario_engine.session.rate_limit import TokenBucket


class AudioBudget:
    def __init__(self, max_ahead_s: float, max_turn_s: float) -> None:
        self._max_ahead_s = max_ahead_s
        self._max_turn_s = max_turn_s
        self._ahead: TokenBucket | None = None
        self._turn_s = 0.0

    def admit(self, pcm: bytes, sample_rate: int, now: float) -> ProtocolError | None:
        """Account for a chunk; a refusal says which limit it would break (nothing is counted)."""
        seconds = len(pcm) / PCM16_SAMPLE_WIDTH / sample_rate
        if self._turn_s + seconds > self._max_turn_s:
            return ProtocolError(
                ErrorCode.AUDIO_BUFFER_FULL,
                f"over {self._max_turn_s:g} s of audio in one turn; commit or clear it",
            )
        if self._ahead is None:
            self._ahead = TokenBucket(1.0, self._max_ahead_s, now)
        if not self._ahead.take(seconds, now):
            return ProtocolError(
                ErrorCode.AUDIO_TOO_FAST,
                f"audio arrives over {self._max_ahead_s:g} s ahead of real time; chunk dropped",
            )
        self._turn_s += seconds
        return None

    def end_turn(self) -> None:
        self._turn_s = 0.0

"""What the local speech input needs from a recognizer, whichever one it is.

Two recognizers implement it: pocketsphinx (``recognizer.LocalRecognizer``, streaming: the
audio is decoded as it arrives) and Whisper (``whisper_recognizer.WhisperRecognizer``, which
decodes a whole turn at once and so starts early, at the learner's pause).
"""

from __future__ import annotations

from typing import Protocol


class SpeechNotEnglish(Exception):
    """The turn was speech, but not English (the recognizers only know English)."""


class RecognizerTurn(Protocol):
    """One learner turn: ``feed`` its audio, hint at pauses, then ``finish`` or ``abandon``."""

    async def feed(self, pcm: bytes) -> None:
        """16 kHz PCM16 mono, in order."""
        ...

    def pause(self) -> None:
        """The learner paused (the turn may be over): a recognizer may start decoding now."""
        ...

    def resume(self) -> None:
        """Speech went on after a pause: work started at the pause is stale."""
        ...

    async def finish(self) -> str:
        """The transcript (may be empty). Raises ``RecognitionError``, ``SpeechNotEnglish``."""
        ...

    def abandon(self) -> None:
        """Drop the turn; never raises."""
        ...


class TurnRecognizer(Protocol):
    """Process-wide: shared models and workers; each session's turns borrow them."""

    @property
    def sample_rate(self) -> int: ...

    @property
    def name(self) -> str:
        """What ``session.ready`` reports as the speech input."""
        ...

    @property
    def ready(self) -> bool:
        """Every worker has loaded its model (``/readyz``)."""
        ...

    async def start(self) -> None: ...

    async def begin(self) -> RecognizerTurn: ...

    def worker_pids(self) -> list[int]: ...

    async def aclose(self) -> None: ...

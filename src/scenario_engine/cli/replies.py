"""``--save-replies``: each spoken reply of the service written as a WAV file of its own."""

from __future__ import annotations

import base64
import wave
from pathlib import Path


class ReplyRecorder:
    """Collects a reply's ``response.audio.delta`` chunks until ``response.audio.done``."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._pcm = bytearray()
        self._sample_rate = 24_000
        self.saved: list[Path] = []

    def add(self, delta: str, sample_rate: int) -> None:
        self._pcm += base64.b64decode(delta)
        self._sample_rate = sample_rate

    def finish(self) -> tuple[Path, float] | None:
        """Write the reply heard so far; returns its path and length, or None if it was silent."""
        if not self._pcm:
            return None
        self._directory.mkdir(parents=True, exist_ok=True)
        path = self._directory / f"reply-{len(self.saved) + 1:02d}.wav"
        with wave.open(str(path), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(self._sample_rate)
            wav.writeframes(bytes(self._pcm[: len(self._pcm) - len(self._pcm) % 2]))
        seconds = len(self._pcm) / 2 / self._sample_rate
        self._pcm.clear()
        self.saved.append(path)
        return path, seconds

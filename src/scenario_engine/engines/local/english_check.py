"""When a Whisper turn counts as speech that was not English.

tiny.en has no language identification: on speech in another language it writes
fluent-looking English, but unsure of it (a low average log-probability), and often the
closing lines of the videos it was trained on ("Thank you very much for watching."). Korean
and English log-probabilities overlap, so no one threshold separates them; the stock phrases
are the surer sign. Set on the dev split (eSpeak Korean against eSpeak English and the human
recordings; bench/bench_speech.py, docs/benchmarks.md). 10 s window (``whisper_decode``), dev:
Korean 59/61 refused, English 2/191 (both garbled).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from scenario_engine.engines.local.whisper_decode import Decoded

_WORD: Final = re.compile(r"[a-z0-9']+")
_STOCK_PHRASES: Final = (
    "thank you for watching", "thanks for watching", "thank you very much",
    "thank you so much", "subscribe", "see you next time", "see you in the next",
)  # fmt: skip
"""What Whisper writes for speech it cannot follow: the closing lines of the videos it was
trained on ("Thank you very much for watching.", "please like, share and subscribe")."""


@dataclass(frozen=True, slots=True)
class EnglishCheck:
    min_avg_logprob: float = -0.9
    """Below this the turn is not English. Dev split, 10 s window: Korean at -1.02 and below
    but for 6 of 61 (up to -0.79), English at -0.68 and above but for 4 garbled turns of 191;
    in the 30 s window one CPU heard a Korean turn at -0.99, eSpeak English went to -0.86."""
    stock_phrase_logprob: float = -0.5
    """A stock phrase below this is not English: clear speech decodes at -0.1 to -0.4."""
    max_compression_ratio: float = 2.4
    """Above this the text is a loop ("the last time I've been to the last time..."), which
    Whisper writes for speech it cannot follow (faster-whisper's own threshold)."""

    def is_english(self, decoded: Decoded) -> bool:
        if not decoded.text.strip():
            return True  # nothing heard: the session says so (no_speech_recognized)
        if decoded.avg_logprob < self.stock_phrase_logprob and _has_stock_phrase(decoded.text):
            return False
        return (
            decoded.avg_logprob >= self.min_avg_logprob
            and decoded.compression_ratio <= self.max_compression_ratio
        )


def _has_stock_phrase(text: str) -> bool:
    words = " ".join(_WORD.findall(text.lower()))
    return any(phrase in words for phrase in _STOCK_PHRASES)

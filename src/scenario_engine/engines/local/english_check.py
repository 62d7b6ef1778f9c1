"""When a Whisper turn counts as speech that was not English.

tiny.en has no language identification: on speech in another language it writes
fluent-looking English, but unsure of it (a low average log-probability); often the closing
lines of the videos it was trained on ("Thank you very much for watching."); and, in the 10 s
window the service decodes in (``whisper_decode``), often one phrase over and over ("I don't
know, I don't know, I don't know."). Korean and English log-probabilities overlap, so no one
threshold separates them; the three signs together do, with a margin. Set on the dev split
(eSpeak Korean against eSpeak English and the human recordings; bench/bench_speech.py,
docs/benchmarks.md): 10 s window, dev, Korean 59/61 refused, English 3/191 (all garbled).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from scenario_engine.engines.local.whisper_decode import Decoded

_WORD: Final = re.compile(r"[a-z0-9']+")
_LOOP_WINDOW: Final = 64
"""Words looked at for a loop (loops start early; this keeps the check well under 10 ms)."""
_STOCK_PHRASES: Final = (
    "thank you for watching", "thanks for watching", "thank you very much",
    "thank you so much", "subscribe", "see you next time", "see you in the next",
)  # fmt: skip
"""What Whisper writes for speech it cannot follow: the closing lines of the videos it was
trained on ("Thank you very much for watching.", "please like, share and subscribe")."""


@dataclass(frozen=True, slots=True)
class EnglishCheck:
    min_avg_logprob: float = -0.9
    """Below this the turn is not English. Dev split, 10 s window: Korean at -1.35 to -0.69
    (5th-95th percentile), English at -0.68 and above but for 4 garbled turns of 191; in the
    30 s window one CPU heard a Korean turn at -0.99, and eSpeak English went down to -0.86."""
    stock_phrase_logprob: float = -0.5
    """A stock phrase below this is not English: clear speech decodes at -0.1 to -0.4."""
    max_compression_ratio: float = 2.4
    """Above this the text is a long loop (faster-whisper's own threshold)."""
    max_repeated_share: float = 0.6
    """A text of ``min_loop_words`` or more, this much of it one phrase said again and again,
    is a loop too: 34 of 61 dev Korean turns, 2 of 191 English (one garbled, one a loop after
    the right words)."""
    min_loop_words: int = 6

    def is_english(self, decoded: Decoded) -> bool:
        if not decoded.text.strip():
            return True  # nothing heard: the session says so (no_speech_recognized)
        words = _WORD.findall(decoded.text.lower())
        if decoded.avg_logprob < self.stock_phrase_logprob and _has_stock_phrase(words):
            return False
        head = words[:_LOOP_WINDOW]
        if len(head) >= self.min_loop_words and repeated_share(head) >= self.max_repeated_share:
            return False
        return (
            decoded.avg_logprob >= self.min_avg_logprob
            and decoded.compression_ratio <= self.max_compression_ratio
        )


def _has_stock_phrase(words: list[str]) -> bool:
    text = " ".join(words)
    return any(phrase in text for phrase in _STOCK_PHRASES)


def repeated_share(words: list[str]) -> float:
    """The largest share of ``words`` that is one phrase repeated back to back (2+ times)."""
    best = 0
    count = len(words)
    for size in range(1, count // 2 + 1):
        for start in range(count - 2 * size + 1):
            phrase = words[start : start + size]
            copies = 1
            while words[start + copies * size : start + (copies + 1) * size] == phrase:
                copies += 1
            if copies >= 2:
                best = max(best, copies * size)
    return best / count if count else 0.0

"""One turn through Whisper on CTranslate2, in a window the size of the turn, not of 30 s.

faster-whisper's ``transcribe`` pads every clip to Whisper's 30 s window (3000 mel frames)
before the encoder, and on 2 cores the encoder then costs ~0.6-1 s whatever was said: a
learner's turn of 3 s paid for 27 s of padding. This decodes the same features with the same
model, prompt, beam search and scores, but pads them only to ``min_window_s`` (10 s), or to the
turn plus ``tail_s`` of padding when it is longer. The encoder of a 10 s window took ~1/7 of
the 30 s one (docs/benchmarks.md). Shorter windows were worse: below ~10 s tiny.en loses where
the speech ends and says the sentence twice (a 5 s window: 58 % WER on the dev split); in the
10 s window it still did now and then, which ``no_repeat_ngram`` stops.

At 3000 frames and without ``no_repeat_ngram`` this gives faster-whisper's own transcripts
(dev split: the same WER, 21.9 %); its options are those the service used with it:
temperature 0 only (no fallback ladder, so a turn's cost is bounded), no timestamps, no
conditioning on an earlier window's text.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

FRAMES_PER_SECOND: Final = 100
WINDOW_FRAMES: Final = 3000
"""Whisper's own window, 30 s: the most one encoder pass can take."""
_MAX_TOKENS: Final = 448
_NO_SPEECH_PROB: Final = 0.6
_SILENT_LOGPROB: Final = -1.0
"""faster-whisper's rule: a window this likely silent, decoded this unsurely, is silence."""


@dataclass(frozen=True, slots=True)
class Decoded:
    """What one turn decoded to; the scores are the least sure window's."""

    text: str
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float
    seconds: float


@dataclass(frozen=True, slots=True)
class DecodeOptions:
    beam_size: int = 5
    min_window_s: float = 10.0
    """The encoder's window is never shorter (30: Whisper's own padding, the slow way)."""
    tail_s: float = 2.0
    """Padding after a turn longer than ``min_window_s`` minus this."""
    tokens_per_second: float = 10.0
    """A window's text is cut at this many tokens per second of audio (+10): fast speech
    is ~5, and a window that loops (tiny.en's failure) stops instead of filling 448."""
    no_repeat_ngram: int = 4
    """No 4 tokens twice in a turn: in the short window tiny.en sometimes says the sentence
    twice (or, for Korean, one phrase over and over). Dev split: en-us 15.8 -> 13.8 % WER,
    en-us+klatt 20.0 % both, human 5.2 -> 4.2 %; 6 tokens let a third of the loops through."""
    initial_prompt: str = ""
    hotwords: str = ""


class TurnDecoder:
    """Decodes whole turns with a loaded model (one turn at a time: not thread-safe)."""

    def __init__(self, model: Any, options: DecodeOptions) -> None:
        """``model``: a loaded ``faster_whisper.WhisperModel`` (imported by the worker only:
        the service process never loads faster-whisper)."""
        from faster_whisper.audio import pad_or_trim
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_suppressed_tokens

        self._pad_or_trim = pad_or_trim
        self._model = model
        self._options = options
        tokenizer = Tokenizer(model.hf_tokenizer, False, task="transcribe", language="en")
        self._tokenizer = tokenizer
        self._suppress = list(get_suppressed_tokens(tokenizer, (-1,)))
        self._prompt = _prompt_tokens(tokenizer, options.hotwords, options.initial_prompt)

    def decode(self, audio: np.ndarray) -> Decoded:
        """``audio``: 16 kHz float32 mono; Whisper's 30 s windows one after the other."""
        features = self._model.feature_extractor(audio)
        content = features.shape[-1] - 1  # the extractor's last frame is its own padding
        texts: list[str] = []
        scores: list[tuple[float, float]] = []
        for start in range(0, max(content, 1), WINDOW_FRAMES):
            window = features[:, start : start + min(WINDOW_FRAMES, content - start)]
            text, avg_logprob, no_speech_prob = self._decode_window(window)
            if no_speech_prob > _NO_SPEECH_PROB and avg_logprob < _SILENT_LOGPROB:
                continue
            texts.append(text)
            scores.append((avg_logprob, no_speech_prob))
        seconds = len(audio) / 16_000
        if not scores:
            return Decoded("", 0.0, 1.0, 0.0, seconds)
        text = " ".join(texts).strip()
        return Decoded(
            text=text,
            avg_logprob=min(score[0] for score in scores),
            no_speech_prob=max(score[1] for score in scores),
            compression_ratio=compression_ratio(text),
            seconds=seconds,
        )

    def _decode_window(self, window: np.ndarray) -> tuple[str, float, float]:
        frames = window.shape[-1]
        options = self._options
        encoded = self._model.encode(self._pad_or_trim(window, window_frames(frames, options)))
        budget = round(options.tokens_per_second * frames / FRAMES_PER_SECOND) + 10
        result = self._model.model.generate(
            encoded,
            [self._prompt],
            beam_size=options.beam_size,
            no_repeat_ngram_size=options.no_repeat_ngram,
            max_length=min(_MAX_TOKENS, len(self._prompt) + budget),
            return_scores=True,
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=self._suppress,
        )[0]
        tokens = result.sequences_ids[0]
        # generate's score is length-normalised; faster-whisper's average is over tokens + 1
        avg_logprob = result.scores[0] * len(tokens) / (len(tokens) + 1)
        return self._tokenizer.decode(tokens).strip(), avg_logprob, result.no_speech_prob


def window_frames(frames: int, options: DecodeOptions) -> int:
    """The encoder window for ``frames`` of audio: padded to the shortest window, or by the
    tail, never past Whisper's 30 s."""
    tail = round(options.tail_s * FRAMES_PER_SECOND)
    shortest = round(options.min_window_s * FRAMES_PER_SECOND)
    return min(WINDOW_FRAMES, max(frames + tail, shortest))


def _prompt_tokens(tokenizer: Any, hotwords: str, initial_prompt: str) -> list[int]:
    """faster-whisper's first-window prompt: previous text (hotwords, then the initial
    prompt, at most 223 tokens), the start of transcript, English, no timestamps."""
    previous = [
        *(tokenizer.encode(" " + hotwords.strip()) if hotwords.strip() else []),
        *(tokenizer.encode(" " + initial_prompt.strip()) if initial_prompt.strip() else []),
    ][-(_MAX_TOKENS // 2 - 1) :]
    head = [tokenizer.sot_prev, *previous] if previous else []
    return [*head, *tokenizer.sot_sequence, tokenizer.no_timestamps]


def compression_ratio(text: str) -> float:
    """Bytes per zlib-compressed byte: high for a looping text (faster-whisper's measure)."""
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data)) if data else 0.0

"""LocalSpeechOutput: offline text to speech with eSpeak NG, streamed in ~100 ms PCM16 chunks.

eSpeak runs synchronously in a worker thread (it is CPU work and holds a process-wide lock);
every buffer it produces is resampled to the output rate with a streaming ``soxr`` resampler,
cut into chunks of ``chunk_ms`` and handed to the event loop at once, so the first chunk can be
sent to the client while the rest of the sentence is still being synthesised.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Final, TypeAlias

import numpy as np
import soxr

from scenario_engine.engines.base import PCM16_SAMPLE_WIDTH, SpeechOutputError
from scenario_engine.engines.local.espeak import EspeakError, espeak_library

DEFAULT_VOICES: Final[Mapping[str, str]] = {"en": "en-us+klatt", "ko": "ko"}
"""Voice per primary language subtag. The Klatt variants of ``en-us`` were the most
intelligible we measured (pocketsphinx WER ~45-55% against ~79% for the default voice and
~92% for ``en``, six domain sentences); ``+klatt`` was best at the default rate."""


@dataclass(frozen=True, slots=True)
class _End:
    error: SpeechOutputError | None = None


_Deliver: TypeAlias = Callable[[bytes | _End], None]


class LocalSpeechOutput:
    """Implements :class:`~scenario_engine.engines.base.SpeechOutput` with eSpeak NG.

    One instance serves every session of the process. Syntheses run one at a time (eSpeak is
    not thread-safe) on a single worker thread, so they never block the event loop; a
    sentence takes a few milliseconds, which keeps the queue short.
    """

    def __init__(
        self,
        sample_rate: int = 24_000,
        *,
        voices: Mapping[str, str] | None = None,
        words_per_minute: int = 165,
        chunk_ms: int = 100,
    ) -> None:
        self.sample_rate = sample_rate
        self._voices = dict(DEFAULT_VOICES if voices is None else voices)
        self._words_per_minute = words_per_minute
        self._chunk_bytes = sample_rate * chunk_ms // 1000 * PCM16_SAMPLE_WIDTH
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="espeak")

    def voice_for(self, language: str) -> str:
        """The eSpeak voice for a BCP 47 tag (``en``, ``en-US``, ``ko-KR``)."""
        primary = language.split("-", 1)[0].lower()
        try:
            return self._voices[primary]
        except KeyError:
            raise SpeechOutputError(
                "tts_unsupported_language", f"no voice for language {language!r}"
            ) from None

    async def stream(self, text: str, language: str) -> AsyncIterator[bytes]:
        """PCM16 mono chunks of ``chunk_ms`` at ``sample_rate`` (the last one may be shorter)."""
        voice = self.voice_for(language)
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[bytes | _End] = asyncio.Queue()
        stop = threading.Event()

        def deliver(item: bytes | _End) -> None:
            loop.call_soon_threadsafe(queue.put_nowait, item)

        job = loop.run_in_executor(self._executor, self._synthesize, text, voice, stop, deliver)
        try:
            while True:
                item = await queue.get()
                if isinstance(item, _End):
                    if item.error is not None:
                        raise item.error
                    return
                yield item
        finally:
            stop.set()  # the consumer left early: abort the synthesis, free the worker
            await asyncio.shield(job)

    def close(self) -> None:
        """Stop the worker thread once queued syntheses are done."""
        self._executor.shutdown(wait=False)

    def _synthesize(self, text: str, voice: str, stop: threading.Event, deliver: _Deliver) -> None:
        """Runs on the worker thread; reports every chunk and then exactly one ``_End``."""
        library = espeak_library()
        chunker = _Chunker(library.sample_rate, self.sample_rate, self._chunk_bytes)

        def sink(pcm: bytes) -> bool:
            for chunk in chunker.feed(pcm):
                deliver(chunk)
            return not stop.is_set()

        try:
            if text.strip():
                library.synthesize(text, voice, self._words_per_minute, sink)
            for chunk in chunker.flush():
                deliver(chunk)
        except EspeakError as exc:
            deliver(_End(SpeechOutputError("tts_failed", str(exc))))
        except Exception as exc:  # never leave the consumer waiting for an _End
            deliver(
                _End(SpeechOutputError("tts_failed", f"synthesis failed: {type(exc).__name__}"))
            )
        else:
            deliver(_End())


class _Chunker:
    """Resamples eSpeak's buffers to the output rate and cuts them into fixed-size chunks."""

    def __init__(self, in_rate: int, out_rate: int, chunk_bytes: int) -> None:
        self._resampler = (
            soxr.ResampleStream(in_rate, out_rate, 1, dtype="int16", quality="HQ")
            if in_rate != out_rate
            else None
        )
        self._chunk_bytes = chunk_bytes
        self._pending = bytearray()

    def feed(self, pcm: bytes) -> list[bytes]:
        self._pending += self._resample(pcm, last=False)
        return self._take(whole_only=True)

    def flush(self) -> list[bytes]:
        self._pending += self._resample(b"", last=True)
        return self._take(whole_only=False)

    def _resample(self, pcm: bytes, *, last: bool) -> bytes:
        if self._resampler is None:
            return pcm
        samples = np.frombuffer(pcm, dtype="<i2")
        out: np.ndarray = self._resampler.resample_chunk(samples, last=last)
        return out.astype("<i2", copy=False).tobytes()

    def _take(self, *, whole_only: bool) -> list[bytes]:
        size = self._chunk_bytes
        chunks = []
        while len(self._pending) >= size or (not whole_only and self._pending):
            chunks.append(bytes(self._pending[:size]))
            del self._pending[:size]
        return chunks

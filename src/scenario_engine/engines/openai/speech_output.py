"""OpenAISpeechOutput: text to speech over ``audio.speech``, streamed as bytes arrive.

``response_format="pcm"`` is raw 24 kHz mono PCM16 with no container, so every network
chunk can go to the client at once: the first audio leaves long before synthesis ends.
Chunks are cut at even lengths so no sample is ever split between two client frames.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx2  # the SDK's HTTP layer: its errors surface while a streamed body is read
from openai import APIConnectionError, APIStatusError, APITimeoutError, AsyncOpenAI

from scenario_engine.engines.base import PCM16_SAMPLE_WIDTH, SpeechOutputError

log = logging.getLogger(__name__)

TTS_SAMPLE_RATE = 24_000
MAX_INPUT_CHARS = 4096
"""The API's limit on ``input``; longer text is cut (our replies are a sentence or two)."""


class OpenAISpeechOutput:
    """Implements ``SpeechOutput``; shared by every session of the process."""

    sample_rate = TTS_SAMPLE_RATE

    def __init__(self, client: AsyncOpenAI, *, model: str, voice: str) -> None:
        self._client = client
        self._model = model
        self._voice = voice

    async def stream(self, text: str, language: str) -> AsyncIterator[bytes]:
        """PCM16 chunks as they arrive. ``language`` needs no parameter: the voices are
        multilingual and read Korean text in Korean."""
        if not text.strip():
            return
        try:
            async with self._client.audio.speech.with_streaming_response.create(
                model=self._model,
                voice=self._voice,
                input=text[:MAX_INPUT_CHARS],
                response_format="pcm",
            ) as response:
                carry = b""
                async for data in response.iter_bytes():
                    data = carry + data
                    cut = len(data) - len(data) % PCM16_SAMPLE_WIDTH
                    carry = data[cut:]
                    if cut:
                        yield data[:cut]
        except APIStatusError as exc:
            code = _status_code(exc.status_code)
            log.warning("speech synthesis refused: HTTP %d", exc.status_code)
            raise SpeechOutputError(code, f"speech synthesis failed (HTTP {exc.status_code})")\
                from None
        except (APITimeoutError, httpx2.TimeoutException):
            log.warning("speech synthesis timed out")
            raise SpeechOutputError("tts_timeout", "speech synthesis did not answer in time")\
                from None
        except (APIConnectionError, httpx2.HTTPError, OSError) as exc:
            log.warning("speech synthesis connection failed: %s", type(exc).__name__)
            raise SpeechOutputError("tts_connection", "speech synthesis is unreachable")\
                from None


def _status_code(status: int) -> str:
    if status == 429:
        return "tts_rate_limited"
    if status >= 500:
        return "tts_upstream_error"
    if status in (401, 403):
        return "tts_auth"
    return "tts_bad_request"

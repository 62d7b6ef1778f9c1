"""StreamedCalls: one streamed structured chat call, retried until its head is read.

The call returns once the answer's head (the keys before its text field, see
``StreamedJSON``) is read and checked (and, if asked, the text's first words are in); the
text streams on, into speech. One retry budget covers everything that can go wrong before
that (429, 5xx, timeouts, connection errors, an answer that does not parse or match its
shape): ``max_retries`` retries with exponential backoff (or the server's ``retry-after``),
then ``LLMError``. A failure after that cannot be retried without saying things twice: the
text stream raises ``LLMError`` and the caller's fallback text covers it, unless the caller
said nothing of it yet (a reply-first answer, ``draft_answer.py``): then ``call_again`` goes
on with the same budget. The SDK's own HTTP retries are switched off for these calls so the
budget means what it says.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx2  # the SDK's HTTP layer: its errors surface while a streamed body is read
from openai import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AsyncOpenAI,
    AsyncStream,
)
from openai.types.chat import ChatCompletionChunk, ChatCompletionMessageParam
from openai.types.shared_params import ResponseFormatJSONSchema

from scenario_engine.domain.llm import LLMError, TextStream
from scenario_engine.domain.prompts import Prompt
from scenario_engine.engines.openai.streamed_json import AnswerShape, BadAnswer, StreamedJSON

log = logging.getLogger(__name__)

H = TypeVar("H")
_RETRYABLE = (BadAnswer, APIStatusError, APITimeoutError, APIConnectionError)
_STREAM_ERRORS = (*_RETRYABLE, httpx2.HTTPError, OSError)

MESSAGES = {
    "llm_rate_limited": "the language model is rate limited",
    "llm_upstream_error": "the language model service failed",
    "llm_timeout": "the language model did not answer in time",
    "llm_connection": "the language model service is unreachable",
    "llm_bad_reply": "the language model gave no usable answer",
    "llm_auth": "the language model service refused the credentials",
    "llm_bad_request": "the language model service refused the request",
}


@dataclass(frozen=True, slots=True)
class Opened(Generic[H]):
    """A call whose head was read: the head, checked, and the text still streaming."""

    head: H
    text: TextStream
    reader: StreamedJSON
    """``reader.whole`` has the tail once ``text`` has ended."""
    attempt: int = 0
    """How many failed attempts of the budget came before this one."""


@dataclass(frozen=True, slots=True)
class CallFormat(Generic[H]):
    """What one kind of call asks for and how its head is checked (raises ``BadAnswer``)."""

    response_format: ResponseFormatJSONSchema
    shape: AnswerShape
    check_head: Callable[[dict[str, Any]], H]
    max_tokens: int
    await_words: bool = False
    """Return only once the text's first words are in, so an answer blank until its end is
    retried (for an answer with no head to decide on while the text arrives)."""


class StreamedCalls:
    def __init__(
        self,
        client: AsyncOpenAI,
        *,
        model: str,
        max_retries: int,
        retry_base_delay_s: float = 0.5,
        retry_max_delay_s: float = 8.0,
    ) -> None:
        self._client = client.with_options(max_retries=0)
        self._model = model
        self._max_retries = max_retries
        self._base_delay_s = retry_base_delay_s
        self._max_delay_s = retry_max_delay_s

    async def call(self, prompt: Prompt, format: CallFormat[H]) -> Opened[H]:
        return await self._call(prompt, format, 0)

    async def call_again(self, prompt: Prompt, format: CallFormat[H], failed: Opened[H],
                         error: LLMError) -> Opened[H]:
        """Another attempt after ``failed`` broke off with ``error`` once its text was read
        (a reply-first answer whose rest went wrong, before any of it was said), within the
        same budget; ``error`` again once the budget is spent."""
        attempt = failed.attempt
        if attempt >= self._max_retries:
            log.warning("llm call failed for good: %s after %d attempt(s)",
                        error.code, attempt + 1)
            raise error
        delay = self._delay(attempt, None)
        log.info("llm answer broke off (%s), retry %d/%d in %.2fs",
                 error.code, attempt + 1, self._max_retries, delay)
        await asyncio.sleep(delay)
        return await self._call(prompt, format, attempt + 1)

    async def _call(self, prompt: Prompt, format: CallFormat[H], attempt: int) -> Opened[H]:
        while True:
            try:
                opened = await self._open(prompt, format)
            except _RETRYABLE as exc:
                code, retryable = classify(exc)
                if not retryable or attempt >= self._max_retries:
                    log.warning("llm call failed for good: %s after %d attempt(s)",
                                code, attempt + 1)
                    raise LLMError(code, MESSAGES[code]) from None
                delay = self._delay(attempt, exc)
                log.info("llm call failed (%s), retry %d/%d in %.2fs",
                         code, attempt + 1, self._max_retries, delay)
                await asyncio.sleep(delay)
                attempt += 1
            else:
                return dataclasses.replace(opened, attempt=attempt)

    async def _open(self, prompt: Prompt, format: CallFormat[H]) -> Opened[H]:
        """Start the streamed call and read it up to the text (``await_words``: its first
        words); the rest streams on."""
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": prompt.system},
            {"role": "user", "content": prompt.user},
        ]
        try:
            stream = await self._client.chat.completions.create(
                model=self._model, messages=messages, response_format=format.response_format,
                max_completion_tokens=format.max_tokens, stream=True,
            )
        except (ValueError, APIResponseValidationError):  # a body that is not a completion
            raise BadAnswer("unparsable response body") from None
        reader = StreamedJSON(format.shape)
        chunks = aiter(stream)
        early = ""
        try:
            while reader.head is None or (format.await_words and not early.strip()):
                try:
                    chunk = await anext(chunks)
                except StopAsyncIteration:  # ended before the text began: read it whole
                    early += reader.finish()
                    assert reader.head is not None
                    return Opened(format.check_head(reader.head), text_once(early), reader)
                early += reader.feed(_content(chunk))
            head = format.check_head(reader.head)
        except BaseException:
            await stream.close()
            raise
        rest = _rest(stream, chunks, reader, early)
        await anext(rest)  # into its ``try``: closing it unread now closes the stream too
        return Opened(head, rest, reader)

    def _delay(self, attempt: int, exc: Exception | None) -> float:
        if isinstance(exc, APIStatusError):
            hinted = _retry_after_s(exc)
            if hinted is not None:
                return min(hinted, self._max_delay_s)
        backoff: float = min(self._base_delay_s * 2.0**attempt, self._max_delay_s)
        return backoff * (0.75 + 0.25 * random.random())


def classify(exc: BaseException) -> tuple[str, bool]:
    """Stable code, and whether another attempt may help."""
    if isinstance(exc, BadAnswer):
        return "llm_bad_reply", True
    if isinstance(exc, APITimeoutError | httpx2.TimeoutException):
        return "llm_timeout", True
    if isinstance(exc, APIConnectionError | httpx2.HTTPError | OSError):
        return "llm_connection", True
    assert isinstance(exc, APIStatusError)
    if exc.status_code == 429:
        return "llm_rate_limited", True
    if exc.status_code >= 500:
        return "llm_upstream_error", True
    if exc.status_code in (401, 403):
        return "llm_auth", False
    return "llm_bad_request", exc.status_code in (408, 409)


def _retry_after_s(exc: APIStatusError) -> float | None:
    for header, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = exc.response.headers.get(header)
        if value is not None:
            try:
                seconds = float(value) / divisor
            except ValueError:
                continue
            if seconds >= 0:
                return seconds
    return None


def _content(chunk: ChatCompletionChunk) -> str:
    if not chunk.choices:
        return ""  # the usage chunk
    delta = chunk.choices[0].delta
    if delta.refusal:
        raise BadAnswer("refusal")
    return delta.content or ""


async def text_once(text: str) -> TextStream:
    """A text already whole, as a stream."""
    yield text


async def _rest(
    stream: AsyncStream[ChatCompletionChunk],
    chunks: AsyncIterator[ChatCompletionChunk],
    reader: StreamedJSON,
    early: str,
) -> TextStream:
    """The text after the head: what came with it, then each delta's new text. Its first
    piece is a blank that ``_open`` takes: an async generator closed before it started runs
    none of its body, so its ``finally`` would not close the stream of an answer discarded
    unread (a reply the builder does not use, a speculative call dropped)."""
    try:
        yield ""
        if early:
            yield early
        announced = reader.text_done
        async for chunk in chunks:
            piece = reader.feed(_content(chunk))
            if piece or (reader.text_done and not announced):
                announced = reader.text_done
                yield piece  # an empty piece: the text has ended, the tail has not
        if tail := reader.finish():
            yield tail
    except _STREAM_ERRORS as exc:
        code, _ = classify(exc)
        log.warning("llm reply stream broke off: %s", code)
        raise LLMError(code, MESSAGES[code]) from None
    finally:
        await stream.close()

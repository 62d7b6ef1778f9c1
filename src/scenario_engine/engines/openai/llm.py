"""OpenAIScenarioLLM: the builder's model calls over chat completions, streamed.

A turn is one call: a strict JSON schema (``TURN_FORMAT``) brings the slots and the next
thing to say together, streamed, so the call returns once the slots are read and the reply
text follows while speech already starts (``AnswerReader``). The fallback extraction after
``max_attempts`` is its own call of the same shape. The learner's words enter the prompt as
quoted JSON data inside ``<learner>`` tags, never as instructions.

One retry budget covers everything that can go wrong before the slots are read (429, 5xx,
timeouts, connection errors, an answer that does not parse or match the schema):
``max_retries`` retries with exponential backoff (or the server's ``retry-after``), then
``LLMError``. A failure after that cannot be retried without saying things twice: the reply
stream raises ``LLMError`` and the builder's fallback text covers it. The SDK's own HTTP
retries are switched off for these calls so the budget means what it says.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Sequence

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

from scenario_engine.domain.llm import LLMError, TextStream, TurnAnswer
from scenario_engine.domain.prompts import Prompt, build_fallback_prompt, build_turn_prompt
from scenario_engine.domain.slots import Slot
from scenario_engine.domain.state import ScenarioState
from scenario_engine.engines.openai.turn_answer import TURN_FORMAT, AnswerReader, BadAnswer

log = logging.getLogger(__name__)

MAX_COMPLETION_TOKENS = 300
"""Slots and a sentence or two take ~60 tokens; more is a model that lost its way."""

_RETRYABLE = (BadAnswer, APIStatusError, APITimeoutError, APIConnectionError)
_STREAM_ERRORS = (*_RETRYABLE, httpx2.HTTPError, OSError)


class OpenAIScenarioLLM:
    """Implements ``ScenarioLLM``; stateless apart from the shared client."""

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

    async def turn(self, utterance: str, state: ScenarioState, ask_order: Sequence[Slot]) -> (
        TurnAnswer
    ):
        return await self._answer(build_turn_prompt(utterance, state, ask_order))

    async def fallback(self, state: ScenarioState) -> TurnAnswer:
        return await self._answer(build_fallback_prompt(state))

    # --- one call, with its retries ---------------------------------------------------------

    async def _answer(self, prompt: Prompt) -> TurnAnswer:
        attempt = 0
        while True:
            try:
                return await self._open(prompt)
            except _RETRYABLE as exc:
                code, retryable = _classify(exc)
                if not retryable or attempt >= self._max_retries:
                    log.warning("llm call failed for good: %s after %d attempt(s)",
                                code, attempt + 1)
                    raise LLMError(code, _MESSAGES[code]) from None
                delay = self._delay(attempt, exc)
                log.info("llm call failed (%s), retry %d/%d in %.2fs",
                         code, attempt + 1, self._max_retries, delay)
                await asyncio.sleep(delay)
                attempt += 1

    async def _open(self, prompt: Prompt) -> TurnAnswer:
        """Start the streamed call and read it up to the reply; the rest streams on."""
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": prompt.system},
            {"role": "user", "content": prompt.user},
        ]
        try:
            stream = await self._client.chat.completions.create(
                model=self._model, messages=messages, response_format=TURN_FORMAT,
                max_completion_tokens=MAX_COMPLETION_TOKENS, stream=True,
            )
        except (ValueError, APIResponseValidationError):  # a body that is not a completion
            raise BadAnswer("unparsable response body") from None
        reader = AnswerReader()
        chunks = aiter(stream)
        early = ""
        try:
            while reader.head is None:
                try:
                    chunk = await anext(chunks)
                except StopAsyncIteration:  # ended before the reply began: read it whole
                    early += reader.finish()
                    assert reader.head is not None
                    return TurnAnswer(reader.head.slots, reader.head.asks_about,
                                      _once(early))
                early += reader.feed(_content(chunk))
        except BaseException:
            await stream.close()
            raise
        return TurnAnswer(reader.head.slots, reader.head.asks_about,
                          _rest(stream, chunks, reader, early))

    def _delay(self, attempt: int, exc: Exception) -> float:
        if isinstance(exc, APIStatusError):
            hinted = _retry_after_s(exc)
            if hinted is not None:
                return min(hinted, self._max_delay_s)
        backoff: float = min(self._base_delay_s * 2.0**attempt, self._max_delay_s)
        return backoff * (0.75 + 0.25 * random.random())


_MESSAGES = {
    "llm_rate_limited": "the language model is rate limited",
    "llm_upstream_error": "the language model service failed",
    "llm_timeout": "the language model did not answer in time",
    "llm_connection": "the language model service is unreachable",
    "llm_bad_reply": "the language model gave no usable answer",
    "llm_auth": "the language model service refused the credentials",
    "llm_bad_request": "the language model service refused the request",
}


def _classify(exc: BaseException) -> tuple[str, bool]:
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


async def _once(text: str) -> TextStream:
    yield text


async def _rest(
    stream: AsyncStream[ChatCompletionChunk],
    chunks: AsyncIterator[ChatCompletionChunk],
    reader: AnswerReader,
    early: str,
) -> TextStream:
    """The reply after the slots: what came with them, then each delta's new text."""
    try:
        if early:
            yield early
        async for chunk in chunks:
            if piece := reader.feed(_content(chunk)):
                yield piece
        if tail := reader.finish():
            yield tail
    except _STREAM_ERRORS as exc:
        code, _ = _classify(exc)
        log.warning("llm reply stream broke off: %s", code)
        raise LLMError(code, _MESSAGES[code]) from None
    finally:
        await stream.close()

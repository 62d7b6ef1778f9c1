"""OpenAIScenarioLLM: the four model calls of the builder over chat completions.

Extraction and fallback ask for a strict JSON schema, so a reply is either the three slots or
a failure we can see; follow-up and final texts are short plain text. The learner's words
enter the prompt as quoted JSON data inside ``<learner>`` tags, never as instructions.

One retry budget covers everything that can go wrong with a call (429, 5xx, timeouts,
connection errors, a reply that does not parse or match the schema): ``max_retries`` retries
with exponential backoff (or the server's ``retry-after``), then ``LLMError``. The SDK's own
HTTP retries are switched off for these calls so the budget means what it says.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Callable
from typing import Any, TypeVar

from openai import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AsyncOpenAI,
)
from openai.types.chat import ChatCompletionMessageParam
from openai.types.shared_params import ResponseFormatJSONSchema

from scenario_engine.domain.llm import LLMError
from scenario_engine.domain.prompts import (
    Prompt,
    build_extract_prompt,
    build_fallback_prompt,
    build_final_prompt,
    build_follow_up_prompt,
)
from scenario_engine.domain.slots import Slot, SlotValues
from scenario_engine.domain.state import ScenarioState

log = logging.getLogger(__name__)
T = TypeVar("T")

SLOTS_FORMAT: ResponseFormatJSONSchema = {
    "type": "json_schema",
    "json_schema": {
        "name": "scenario_slots",
        "strict": True,
        "schema": {
            "type": "object",
            "properties": {slot.value: {"type": ["string", "null"]} for slot in Slot},
            "required": [slot.value for slot in Slot],
            "additionalProperties": False,
        },
    },
}
"""Strict structured output: every slot present, each a string or null, nothing else."""

MAX_TEXT_CHARS = 600
"""A spoken question or confirmation longer than this is a broken reply, not a short one."""


class _BadReply(Exception):
    """The model answered, but not with something usable."""


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

    async def extract(self, utterance: str, state: ScenarioState) -> SlotValues:
        return await self._call(build_extract_prompt(utterance, state), _parse_slots)

    async def follow_up(self, slot: Slot, state: ScenarioState) -> str:
        return await self._call(build_follow_up_prompt(slot, state), _clean_text)

    async def final(self, state: ScenarioState) -> str:
        return await self._call(build_final_prompt(state), _clean_text)

    async def fallback(self, state: ScenarioState) -> SlotValues:
        return await self._call(build_fallback_prompt(state), _parse_slots)

    # --- one call, with its retries ---------------------------------------------------------

    async def _call(self, prompt: Prompt, parse: Callable[[str], T]) -> T:
        """``parse`` raises ``_BadReply`` for an unusable answer, which is retried like a 5xx."""
        json_reply = parse is _parse_slots
        attempt = 0
        while True:
            try:
                return parse(await self._complete(prompt, json_reply))
            except (_BadReply, APIStatusError, APITimeoutError, APIConnectionError) as exc:
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

    async def _complete(self, prompt: Prompt, json_reply: bool) -> str:
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": prompt.system},
            {"role": "user", "content": prompt.user},
        ]
        try:
            if json_reply:
                response = await self._client.chat.completions.create(
                    model=self._model, messages=messages, response_format=SLOTS_FORMAT,
                    max_completion_tokens=200,
                )
            else:
                response = await self._client.chat.completions.create(
                    model=self._model, messages=messages, max_completion_tokens=200,
                )
        except (ValueError, APIResponseValidationError):  # a body that is not a completion
            raise _BadReply("unparsable response body") from None
        if not response.choices:
            raise _BadReply("no choices")
        message = response.choices[0].message
        if message.refusal or not message.content:
            raise _BadReply("refusal or empty content")
        return message.content

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


def _classify(exc: Exception) -> tuple[str, bool]:
    """Stable code, and whether another attempt may help."""
    if isinstance(exc, _BadReply):
        return "llm_bad_reply", True
    if isinstance(exc, APITimeoutError):
        return "llm_timeout", True
    if isinstance(exc, APIConnectionError):
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


def _parse_slots(content: str) -> SlotValues:
    try:
        data: Any = json.loads(content)
    except json.JSONDecodeError:
        raise _BadReply("not JSON") from None
    names = {slot.value for slot in Slot}
    if not isinstance(data, dict) or set(data) != names:
        raise _BadReply("not the slot object")
    values: dict[str, str | None] = {}
    for name in names:
        value = data[name]
        if value is not None and not isinstance(value, str):
            raise _BadReply("a slot is neither string nor null")
        values[name] = value.strip() or None if isinstance(value, str) else None
    return SlotValues(**values)


def _clean_text(content: str) -> str:
    text = content.strip().strip('"').strip()
    if not text or len(text) > MAX_TEXT_CHARS:
        raise _BadReply("empty or overlong text")
    return text

"""OpenAIPracticeLLM: the role-play partner, the coach and the Korean helper over chat completions.

One call per partner turn, and one for the feedback and for each help, each with a strict JSON
schema so a reply is either the fields we need or a failure we can see. The partner's line is
streamed like a follow-up question (``StreamedCalls``): ``say`` comes before ``goal_reached``,
so its first sentence is spoken while the rest is written, and the verdict is read at the end.
For the feedback and the help, transport faults (429, 5xx, timeouts, connection errors) are
retried by the SDK within ``max_retries``, honouring the server's ``retry-after``; an answer
that does not match its schema is asked for once more. Then ``LLMError``, and the session
falls back (a partner line asking to repeat, the feedback rules, the help templates).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
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

from scenario_engine.domain.dialog_state import Line
from scenario_engine.domain.llm import LLMError
from scenario_engine.domain.practice import (
    Correction,
    Feedback,
    Help,
    HelpRequest,
    PartnerSpeech,
)
from scenario_engine.domain.practice_prompts import (
    build_feedback_prompt,
    build_help_prompt,
    build_partner_prompt,
)
from scenario_engine.domain.prompts import Prompt
from scenario_engine.domain.slots import SlotValues
from scenario_engine.engines.openai.streamed_call import (
    MESSAGES,
    CallFormat,
    StreamedCalls,
    classify,
)
from scenario_engine.engines.openai.streamed_json import AnswerShape

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_LINE_CHARS = 300
MAX_CORRECTIONS = 3
BAD_REPLY_TRIES = 2


def _schema(name: str, properties: dict[str, Any]) -> ResponseFormatJSONSchema:
    return {
        "type": "json_schema",
        "json_schema": {
            "name": name,
            "strict": True,
            "schema": {
                "type": "object",
                "properties": properties,
                "required": list(properties),
                "additionalProperties": False,
            },
        },
    }


_TEXT = {"type": "string"}
PARTNER_FORMAT = _schema("partner_line", {"say": _TEXT, "goal_reached": {"type": "boolean"}})
FEEDBACK_FORMAT = _schema(
    "roleplay_feedback",
    {
        "corrections": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"said": _TEXT, "better": _TEXT, "why_ko": _TEXT},
                "required": ["said", "better", "why_ko"],
                "additionalProperties": False,
            },
        },
        "well_done": _TEXT,
        "summary": _TEXT,
    },
)
HELP_FORMAT = _schema(
    "korean_help", {"translation_ko": _TEXT, "suggestions": {"type": "array", "items": _TEXT}}
)


class _BadReply(Exception):
    """The model answered, but not with something usable."""


PARTNER_CALL = CallFormat(
    PARTNER_FORMAT,
    AnswerShape((), "say", ("goal_reached",), max_chars=MAX_LINE_CHARS),
    lambda head: None,
    max_tokens=150,
    await_words=True,
)
"""A line of a few sentences and the verdict; more is a model that lost its way."""


class OpenAIPracticeLLM:
    """Implements ``PracticeLLM``; stateless apart from the shared client."""

    def __init__(
        self, client: AsyncOpenAI, streamed: StreamedCalls, *, model: str, max_retries: int
    ) -> None:
        """``streamed`` makes the partner's calls, with its own retry budget."""
        self._client = client.with_options(max_retries=max_retries)
        self._streamed = streamed
        self._model = model

    async def open_scene(self, scenario: SlotValues) -> PartnerSpeech:
        return await self.answer(scenario, [])

    async def answer(self, scenario: SlotValues, lines: Sequence[Line]) -> PartnerSpeech:
        opened = await self._streamed.call(build_partner_prompt(scenario, lines), PARTNER_CALL)

        def goal_reached() -> bool:
            return opened.reader.whole is not None and opened.reader.whole["goal_reached"] is True

        return PartnerSpeech(opened.text, goal_reached)

    async def feedback(self, scenario: SlotValues, said: Sequence[str]) -> Feedback:
        prompt = build_feedback_prompt(scenario, said)
        return await self._call(prompt, FEEDBACK_FORMAT, lambda data: _parse_feedback(data, said))

    async def help(self, request: HelpRequest) -> Help:
        return await self._call(build_help_prompt(request), HELP_FORMAT, _parse_help)

    async def _call(
        self, prompt: Prompt, format: ResponseFormatJSONSchema, parse: Callable[[Any], T]
    ) -> T:
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": prompt.system},
            {"role": "user", "content": prompt.user},
        ]
        for attempt in range(1, BAD_REPLY_TRIES + 1):
            try:
                response = await self._client.chat.completions.create(
                    model=self._model,
                    messages=messages,
                    response_format=format,
                    max_completion_tokens=400,
                )
                if not response.choices or not response.choices[0].message.content:
                    raise _BadReply("no content")
                return parse(json.loads(response.choices[0].message.content))
            except (_BadReply, ValueError, APIResponseValidationError) as exc:
                log.info("practice call %s: unusable answer (try %d): %s",
                         format["json_schema"]["name"], attempt, type(exc).__name__)  # fmt: skip
            except (APIStatusError, APITimeoutError, APIConnectionError) as exc:
                code, _ = classify(exc)
                log.warning("practice call failed for good: %s", code)
                raise LLMError(code, MESSAGES[code]) from None
        raise LLMError("llm_bad_reply", MESSAGES["llm_bad_reply"])


def _text(value: Any, limit: int = MAX_LINE_CHARS) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise _BadReply("not a short text")
    return " ".join(value.split())


def _parse_feedback(data: Any, said: Sequence[str]) -> Feedback:
    """Corrections must quote a sentence the learner said: an invented one is dropped."""
    if not isinstance(data, dict) or not isinstance(data.get("corrections"), list):
        raise _BadReply("not feedback")
    spoken = {" ".join(text.split()).lower() for text in said}
    corrections = []
    for item in data["corrections"]:
        if not isinstance(item, dict):
            raise _BadReply("not a correction")
        correction = Correction(_text(item.get("said")), _text(item.get("better")),
                                _text(item.get("why_ko")))  # fmt: skip
        quoted = correction.said.lower()
        if correction.said != correction.better and any(quoted in text for text in spoken):
            corrections.append(correction)
    return Feedback(
        tuple(corrections[:MAX_CORRECTIONS]),
        _text(data.get("well_done")),
        _text(data.get("summary")),
    )


def _parse_help(data: Any) -> Help:
    if not isinstance(data, dict) or not isinstance(data.get("suggestions"), list):
        raise _BadReply("not help")
    suggestions = tuple(_text(item, 80) for item in data["suggestions"][:3])
    if len(suggestions) < 2:
        raise _BadReply("too few suggestions")
    return Help(_text(data.get("translation_ko")), suggestions)

"""StreamedDraft: a reply-first turn answer — its reply streams now, its slots come after.

The call (``StreamedCalls``) returns once the reply's first words are in. From then on one
task owned here reads the answer to its end, whatever the reader of the reply does: the
reply's pieces go to ``reply`` as they come (it ends when its string closes, so its last
sentence is spoken before the slots are in), and ``settle`` waits for the end, when the
slots and ``asks_about`` after the reply are read and checked. The reader of ``reply`` (speech
synthesis, held until the builder has judged it) therefore never slows the slots down.

Nothing of a draft is said before ``settle`` returned, so an answer whose rest goes wrong (a
bad slot, a stream that breaks off) can still be retried within the call's budget: the retry
is read whole and its words come as another stream, which the builder takes instead.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from scenario_engine.domain.llm import LLMError, TextStream, TurnAnswer
from scenario_engine.domain.prompts import Prompt
from scenario_engine.engines.openai.streamed_call import (
    MESSAGES,
    CallFormat,
    Opened,
    StreamedCalls,
    text_once,
)
from scenario_engine.engines.openai.streamed_json import BadAnswer
from scenario_engine.engines.openai.turn_answer import Judged


class StreamedDraft:
    """Implements ``DraftAnswer`` over one opened reply-first call."""

    def __init__(
        self,
        calls: StreamedCalls,
        prompt: Prompt,
        format: CallFormat[Any],
        opened: Opened[Any],
        judge: Callable[[dict[str, Any]], Judged],
    ) -> None:
        self._calls, self._prompt, self._format, self._judge = calls, prompt, format, judge
        self._opened = opened
        self._pieces: asyncio.Queue[str | LLMError | None] = asyncio.Queue()
        """The reply's pieces; how it broke off, if it did; None: its end."""
        self._reading = asyncio.create_task(self._read(opened))
        self.reply: TextStream = self._reply()

    async def settle(self) -> TurnAnswer:
        opened = self._opened
        try:
            judged = await self._judged(opened, await self._reading)
            return TurnAnswer(judged.slots, judged.asks_about, self.reply, _written(opened))
        except LLMError as error:
            while True:
                opened = await self._calls.call_again(self._prompt, self._format, opened, error)
                try:
                    async with contextlib.aclosing(opened.text) as pieces:
                        text = "".join([piece async for piece in pieces])
                    judged = await self._judged(opened, None)
                except LLMError as again:
                    error = again
                    continue
                return TurnAnswer(judged.slots, judged.asks_about, text_once(text), text)

    async def discard(self) -> None:
        self._reading.cancel()
        with contextlib.suppress(asyncio.CancelledError, LLMError):
            await self._reading

    async def _judged(self, opened: Opened[Any], failure: LLMError | None) -> Judged:
        if failure is not None:
            raise failure
        assert opened.reader.whole is not None
        try:
            return self._judge(opened.reader.whole)
        except BadAnswer:
            raise LLMError("llm_bad_reply", MESSAGES["llm_bad_reply"]) from None

    async def _read(self, opened: Opened[Any]) -> LLMError | None:
        """Read the answer to its end (the reply ends as soon as its string closes); how it
        broke off, if it did."""
        ended = False
        try:
            async for piece in opened.text:
                if not ended:
                    self._pieces.put_nowait(piece)
                    if opened.reader.text_done:
                        ended = True
                        self._pieces.put_nowait(None)
        except LLMError as exc:
            if not ended:
                self._pieces.put_nowait(exc)
            return exc
        finally:
            if not ended:
                self._pieces.put_nowait(None)
        return None

    async def _reply(self) -> TextStream:
        while (piece := await self._pieces.get()) is not None:
            if isinstance(piece, LLMError):
                raise piece
            yield piece


def _written(opened: Opened[Any]) -> str:
    assert opened.reader.whole is not None
    return str(opened.reader.whole["reply"])

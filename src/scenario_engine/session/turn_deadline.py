"""One deadline for all the model work of a turn: the builder's, the partner's, the coach's
and the helper's calls alike.

Each model call had its own timeout and retries (15 s, two retries, backoff): with a model
that answers in 30 s the learner waited 46.5 s in silence per turn, and the fallback path
chained three such calls (~140 s). A role-play turn, its feedback and the Korean help that
follows a question waited the same way. Here ``TurnClock`` starts when the session begins to
answer a turn (``DialogFlow.handle``), and every model call of that turn runs within it:
the builder's call, its retries, the fallback extraction, the streamed reply and the slots
a reply-first answer writes after it (``TurnDeadline``), the partner's line, the feedback
and the help (``PracticeDeadline``).

Past it a call raises ``LLMError("llm_timeout")``, which the callers already answer: the
builder keeps the turn and says the Korean fallback or, once the slots were read, the
template text of ``phrasing``; the flow says the partner's "could you say that again?", the
rule-based feedback or the template help. Both wrappers implement the interfaces they wrap,
so the builder, the flow and the engines stay as they are.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Sequence
from typing import TypeVar

from scenario_engine.domain.dialog_state import Line
from scenario_engine.domain.llm import (
    Answer,
    DraftAnswer,
    LLMError,
    ScenarioLLM,
    TextStream,
    TurnAnswer,
)
from scenario_engine.domain.practice import (
    Feedback,
    Help,
    HelpRequest,
    PartnerSpeech,
    PracticeLLM,
)
from scenario_engine.domain.slots import Slot, SlotValues
from scenario_engine.domain.state import ScenarioState

T = TypeVar("T")


class TurnClock:
    """When the model work of the turn being answered must be done."""

    def __init__(self, limit_s: float) -> None:
        self.limit_s = limit_s
        self._deadline: float | None = None

    def start(self) -> None:
        """A turn begins: every model call from now on shares one deadline ``limit_s`` away."""
        self._deadline = asyncio.get_running_loop().time() + self.limit_s

    @property
    def deadline(self) -> float:
        if self._deadline is None:  # a call outside any turn still gets a whole deadline
            self.start()
        assert self._deadline is not None
        return self._deadline

    async def within(self, call: Awaitable[T]) -> T:
        """``call``'s result, or ``LLMError("llm_timeout")`` at the turn's deadline."""
        try:
            async with asyncio.timeout_at(self.deadline):
                return await call
        except TimeoutError:
            raise self.expired() from None

    async def bounded(self, stream: TextStream) -> TextStream:
        """``stream``'s pieces until the turn's deadline; what came before it stays said."""
        deadline = self.deadline
        try:
            while True:
                try:
                    async with asyncio.timeout_at(deadline):
                        piece = await anext(stream)
                except StopAsyncIteration:
                    return
                except TimeoutError:
                    raise self.expired() from None
                yield piece
        finally:
            await stream.aclose()

    def expired(self) -> LLMError:
        return LLMError("llm_timeout", f"the turn's model work took over {self.limit_s:g} s")


class TurnDeadline:
    """Implements ``ScenarioLLM`` over ``llm``, within the turn of ``clock``."""

    def __init__(self, llm: ScenarioLLM, clock: TurnClock) -> None:
        self._llm = llm
        self._clock = clock

    async def turn(
        self, utterance: str, state: ScenarioState, ask_order: Sequence[Slot]
    ) -> Answer:
        return await self._within(self._llm.turn(utterance, state, ask_order))

    async def fallback(self, state: ScenarioState) -> Answer:
        """Within the deadline of the turn that ran out of questions."""
        return await self._within(self._llm.fallback(state))

    async def _within(self, call: Awaitable[Answer]) -> Answer:
        answer = await self._clock.within(call)
        if isinstance(answer, TurnAnswer):
            return _bounded(answer, self._clock)
        return BoundedDraft(answer, self._clock)


def _bounded(answer: TurnAnswer, clock: TurnClock) -> TurnAnswer:
    """``answer`` with its reply cut at the turn's deadline."""
    if answer.reply is None:
        return answer
    return dataclasses.replace(answer, reply=clock.bounded(answer.reply))


class BoundedDraft:
    """Implements ``DraftAnswer`` over ``draft``: its reply and its slots within the turn."""

    def __init__(self, draft: DraftAnswer, clock: TurnClock) -> None:
        self._draft = draft
        self._clock = clock
        self.reply = clock.bounded(draft.reply)

    async def settle(self) -> TurnAnswer:
        answer = await self._clock.within(self._draft.settle())
        if answer.reply is self._draft.reply:
            return dataclasses.replace(answer, reply=self.reply)  # the draft stands
        return _bounded(answer, self._clock)

    async def discard(self) -> None:
        await self._draft.discard()


class PracticeDeadline:
    """Implements ``PracticeLLM`` over ``practice``, within the turn of ``clock``."""

    def __init__(self, practice: PracticeLLM, clock: TurnClock) -> None:
        self._practice = practice
        self._clock = clock

    async def open_scene(self, scenario: SlotValues) -> PartnerSpeech:
        return await self._spoken(self._practice.open_scene(scenario))

    async def answer(self, scenario: SlotValues, lines: Sequence[Line]) -> PartnerSpeech:
        return await self._spoken(self._practice.answer(scenario, lines))

    async def _spoken(self, call: Awaitable[PartnerSpeech]) -> PartnerSpeech:
        """The line, and its words as they stream, within the turn's deadline."""
        speech = await self._clock.within(call)
        return dataclasses.replace(speech, text=self._clock.bounded(speech.text))

    async def feedback(self, scenario: SlotValues, said: Sequence[str]) -> Feedback:
        return await self._clock.within(self._practice.feedback(scenario, said))

    async def help(self, request: HelpRequest) -> Help:
        return await self._clock.within(self._practice.help(request))

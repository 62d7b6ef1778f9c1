"""The interface through which the builder reaches a language model, local or remote."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from typing import Protocol

from scenario_engine.domain.slots import Slot, SlotValues
from scenario_engine.domain.state import ScenarioState


class LLMError(Exception):
    """The model could not give a usable answer (after its own retries).

    ``code`` is a stable machine-readable reason (e.g. ``llm_timeout``); the message must never
    hold a secret, since it may reach logs.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


TextStream = AsyncGenerator[str, None]
"""Pieces of a reply text as the model writes them; raises ``LLMError`` if it breaks off.
Whoever receives one either reads it to the end or closes it (``aclose``)."""


@dataclass(frozen=True, slots=True)
class TurnAnswer:
    """One model answer with its slots known; the words to say may still be arriving.

    ``asks_about`` is the slot the reply asks about, or None when the reply is the final text.
    ``reply`` is None when the engine writes no text of its own (the builder's template is
    the text). The builder decides whether the reply is used (see ``ScenarioBuilder``).
    """

    slots: SlotValues
    asks_about: Slot | None = None
    reply: TextStream | None = None
    written: str | None = None
    """The reply's whole text, when it was written before the builder decides (reply first)."""

    async def discard(self) -> None:
        """The reply will not be used: stop whatever still produces it."""
        if self.reply is not None:
            await self.reply.aclose()


@dataclass(frozen=True, slots=True)
class TurnCall:
    """The arguments of one ``ScenarioLLM.turn`` call; equal calls ask the model the same.

    ``state`` is the caller's to keep: a copy, when the call is made before the turn it is
    for (``ScenarioBuilder.next_call``)."""

    utterance: str
    state: ScenarioState
    ask_order: tuple[Slot, ...]


class DraftAnswer(Protocol):
    """A model answer that writes its reply *before* the slots it rests on (reply first).

    The reply streams at once, so speech can be made from it while the slots are still being
    written; nothing of it may reach the learner before ``settle`` read the slots and the
    builder accepted it. Whoever takes ``reply`` reads it to the end or closes it.
    """

    reply: TextStream

    async def settle(self) -> TurnAnswer:
        """The slots and ``asks_about``, once written. The answer's ``reply`` is this draft's
        ``reply`` (the draft stands) or another stream (a retry wrote new words); raises
        ``LLMError`` when no usable answer came within the retry budget."""
        ...

    async def discard(self) -> None:
        """Stop reading the answer (the draft's ``reply`` is closed by whoever took it)."""
        ...


Answer = TurnAnswer | DraftAnswer
"""What a model call brings: the slots first (``TurnAnswer``) or the reply first."""


class ScenarioLLM(Protocol):
    """One model call per learner turn, and one for the last best-effort extraction.

    Implementations read ``state`` and never change it; the builder owns the state. Both
    calls return as soon as the slots (``TurnAnswer``) or the reply's first words
    (``DraftAnswer``) are known, while the rest may still be streaming.
    """

    async def turn(self, utterance: str, state: ScenarioState, ask_order: Sequence[Slot]) -> (
        Answer
    ):
        """Slots stated in ``utterance`` (``state.awaiting`` says what was just asked), and what
        to say next: a question about the first slot of ``ask_order`` still unknown once
        they are merged into ``state.slots``, or the final text that opens the role-play if
        none is."""
        ...

    async def fallback(self, state: ScenarioState) -> Answer:
        """Last best-effort extraction over the whole conversation (``state.turns``), with the
        final text (``asks_about`` None) for the slots it ends with."""
        ...

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
    """One model answer: the slots first, then the words to say, possibly still arriving.

    ``asks_about`` is the slot the reply asks about, or None when the reply is the final text.
    ``reply`` is None when the engine writes no text of its own (the builder's template is
    the text). The builder decides whether the reply is used (see ``ScenarioBuilder``).
    """

    slots: SlotValues
    asks_about: Slot | None = None
    reply: TextStream | None = None

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


class ScenarioLLM(Protocol):
    """One model call per learner turn, and one for the last best-effort extraction.

    Implementations read ``state`` and never change it; the builder owns the state. Both
    calls return as soon as the slots are known, while the reply may still be streaming.
    """

    async def turn(self, utterance: str, state: ScenarioState, ask_order: Sequence[Slot]) -> (
        TurnAnswer
    ):
        """Slots stated in ``utterance`` (``state.awaiting`` says what was just asked), and what
        to say next: a question about the first slot of ``ask_order`` still unknown once
        they are merged into ``state.slots``, or the final text that opens the role-play if
        none is."""
        ...

    async def fallback(self, state: ScenarioState) -> TurnAnswer:
        """Last best-effort extraction over the whole conversation (``state.turns``), with the
        final text (``asks_about`` None) for the slots it ends with."""
        ...

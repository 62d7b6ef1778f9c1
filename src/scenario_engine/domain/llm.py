"""The interface through which the builder reaches a language model, local or remote."""

from __future__ import annotations

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


class ScenarioLLM(Protocol):
    """The four model calls of the seed design.

    Implementations read ``state`` and never change it; the builder owns the state.
    """

    async def extract(self, utterance: str, state: ScenarioState) -> SlotValues:
        """Slots stated in ``utterance`` (``state.awaiting`` says what was just asked)."""
        ...

    async def follow_up(self, slot: Slot, state: ScenarioState) -> str:
        """A short spoken question about ``slot`` that names what is already known."""
        ...

    async def final(self, state: ScenarioState) -> str:
        """A short spoken confirmation that opens the role-play."""
        ...

    async def fallback(self, state: ScenarioState) -> SlotValues:
        """Last best-effort extraction over the whole conversation (``state.turns``)."""
        ...

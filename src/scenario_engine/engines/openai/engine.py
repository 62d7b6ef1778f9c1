"""OpenAIEngine: the production engine, built from ``AppConfig``.

One SDK client per process (connection pool, retry budget, timeout) is shared by the LLM,
speech output and every session's Realtime connection (``AssembledEngine``).
"""

from __future__ import annotations

from openai import AsyncOpenAI

from scenario_engine.config import AppConfig, EngineParts
from scenario_engine.engines.assembled import AssembledEngine


class OpenAIEngine(AssembledEngine):
    """Every part from OpenAI. ``client`` may be given to share or to instrument one."""

    def __init__(self, config: AppConfig, *, client: AsyncOpenAI | None = None) -> None:
        super().__init__(config, EngineParts.everywhere("openai"), client=client)

"""The OpenAI engine's settings, and those of any OpenAI-compatible chat server: a part of
``AppConfig`` (config.py), kept apart because it is one engine's business.

They keep the SDK's own variable names (``OPENAI_API_KEY``, ``OPENAI_BASE_URL``,
``OPENAI_REALTIME_MODEL``, ``OPENAI_LLM_MODEL``); the rest take the ``SCENARIO_ENGINE_``
prefix like every other setting.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, BaseModel, Field, SecretStr


def _env(name: str) -> AliasChoices:
    """Accept the SDK's variable name, and the field name for keyword construction."""
    return AliasChoices(name, name.removeprefix("OPENAI_").lower())


class OpenAISettings(BaseModel):
    """Read by ``AppConfig`` with the rest; a mixin, never built on its own."""

    openai_api_key: SecretStr | None = Field(
        None, validation_alias=_env("OPENAI_API_KEY"), description="Enables the OpenAI engine."
    )
    openai_base_url: str | None = Field(
        None,
        validation_alias=_env("OPENAI_BASE_URL"),
        description="Any compatible server (e.g. the test peer); unset: the SDK default.",
    )
    realtime_model: str = Field(
        "gpt-realtime",
        validation_alias=_env("OPENAI_REALTIME_MODEL"),
        description="Realtime model (unused by a transcription session).",
    )
    llm_model: str = Field(
        "gpt-4o-mini",
        validation_alias=AliasChoices("OPENAI_LLM_MODEL", "SCENARIO_ENGINE_LLM_MODEL", "llm_model"),
        description="Model of the one call per turn (slots and reply) and of the fallback "
        "(also SCENARIO_ENGINE_LLM_MODEL; e.g. llama3.2 on Ollama).",
    )
    llm_turn_order: Literal["reply_first", "slots_first"] = Field(
        "reply_first",
        description="Order of the turn call's answer. reply_first: speech of the reply is made "
        "while the slots are written and said once the builder accepted it (~20 tokens sooner); "
        "slots_first: the builder decides before the reply begins (the former order).",
    )
    llm_base_url: str | None = Field(
        None,
        description="An OpenAI-compatible chat server for the LLM alone (Ollama, llama.cpp "
        "server, vLLM: http://127.0.0.1:11434/v1); no OpenAI key needed.",
    )
    llm_api_key: SecretStr | None = Field(
        None, description="Key of the LLM_BASE_URL server, if it wants one."
    )
    transcription_model: str = Field(
        "gpt-4o-transcribe", description="Realtime transcription model."
    )
    tts_model: str = Field("gpt-4o-mini-tts", description="Speech model (PCM output).")
    tts_voice: str = Field("alloy", description="Speech voice.")
    openai_timeout_s: float = Field(15.0, gt=0, le=300, description="Timeout of one OpenAI call.")
    openai_retry_initial_delay_s: float = Field(
        0.5, gt=0, le=30, description="First backoff delay of an LLM retry; doubles each time."
    )
    early_commit_ms: int = Field(
        200, ge=0, le=5000,
        description="server_vad: silence after which the speech so far is transcribed and "
        "answered early; the turn still ends at VAD_SILENCE_MS (speech before that joins it, "
        "the early answer is dropped). 0 or >= VAD_SILENCE_MS: off (see below).",
    )  # fmt: skip
    transcription_language: str | None = Field(
        None, description="ISO-639-1 hint for Realtime transcription (e.g. en); unset: detect."
    )
    realtime_reconnect_attempts: int = Field(
        5, ge=0, le=20, description="Reconnect attempts after the Realtime socket drops."
    )
    realtime_drops_per_turn: int = Field(
        3, ge=1, le=100, description="Realtime socket drops one turn may reconnect from."
    )
    realtime_drops_per_session: int = Field(
        10, ge=1, le=1000, description="Realtime socket drops one session may reconnect from."
    )
    realtime_reconnect_initial_delay_s: float = Field(
        0.5, gt=0, le=30, description="First reconnect delay; doubles per attempt."
    )
    realtime_reconnect_max_delay_s: float = Field(
        8.0, gt=0, le=120, description="Cap of the doubling reconnect delay."
    )

"""AppConfig: every setting of the service, read once from the environment at start-up.

OpenAI settings keep the SDK's own names (``OPENAI_API_KEY``, ``OPENAI_BASE_URL``,
``OPENAI_REALTIME_MODEL``, ``OPENAI_LLM_MODEL``); everything else takes the
``SCENARIO_ENGINE_`` prefix (``SCENARIO_ENGINE_PORT=9000``). The object is passed down to
whatever needs it; nothing below the CLI reads ``os.environ``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

EngineName = Literal["local", "openai"]


def _env(name: str) -> AliasChoices:
    """Accept the SDK's variable name, and the field name for keyword construction."""
    return AliasChoices(name, name.removeprefix("OPENAI_").lower())


class AppConfig(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SCENARIO_ENGINE_", extra="ignore", populate_by_name=True, frozen=True
    )

    # --- engine selection -------------------------------------------------------------------
    engine: Literal["auto", "local", "openai"] = Field(
        "auto", description="auto = openai when OPENAI_API_KEY is set, else local"
    )
    server_vad: bool = Field(
        True, description="The service detects the end of a turn; off: the client commits."
    )

    # --- server -----------------------------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)

    # --- scenario dialog --------------------------------------------------------------------
    max_attempts: int = Field(3, ge=1, le=20, description="Follow-up questions before fallback.")
    max_retries: int = Field(2, ge=0, le=10, description="Retries of one failed OpenAI call.")

    # --- protocol limits --------------------------------------------------------------------
    max_frame_bytes: int = Field(
        256 * 1024, ge=1024, le=16 * 1024 * 1024, description="Largest client frame accepted."
    )
    max_text_chars: int = Field(1000, ge=1, le=100_000, description="Longest typed turn.")
    send_queue_size: int = Field(
        512, ge=8, le=65536, description="Server events queued for a slow client before it is dropped."
    )

    # --- OpenAI -----------------------------------------------------------------------------
    openai_api_key: SecretStr | None = Field(None, validation_alias=_env("OPENAI_API_KEY"))
    openai_base_url: str | None = Field(None, validation_alias=_env("OPENAI_BASE_URL"))
    realtime_model: str = Field("gpt-realtime", validation_alias=_env("OPENAI_REALTIME_MODEL"))
    llm_model: str = Field("gpt-4o-mini", validation_alias=_env("OPENAI_LLM_MODEL"))
    transcription_model: str = "gpt-4o-transcribe"
    tts_model: str = "gpt-4o-mini-tts"
    tts_voice: str = "alloy"
    openai_timeout_s: float = Field(15.0, gt=0, le=300, description="Timeout of one OpenAI call.")
    openai_retry_initial_delay_s: float = Field(
        0.5, gt=0, le=30, description="First backoff delay of an LLM retry; doubles each time."
    )
    transcription_language: str | None = Field(
        None, description="ISO-639-1 hint for Realtime transcription (e.g. en); unset: detect."
    )
    realtime_reconnect_attempts: int = Field(
        5, ge=0, le=20, description="Reconnect attempts after the Realtime socket drops."
    )
    realtime_reconnect_initial_delay_s: float = Field(
        0.5, gt=0, le=30, description="First reconnect delay; doubles per attempt."
    )
    realtime_reconnect_max_delay_s: float = Field(
        8.0, gt=0, le=120, description="Cap of the doubling reconnect delay."
    )

    @property
    def resolved_engine(self) -> EngineName:
        if self.engine != "auto":
            return self.engine
        return "openai" if self.openai_api_key else "local"


class ConfigError(Exception):
    """Invalid configuration, with one line that names the setting."""


def load_config(**overrides: object) -> AppConfig:
    """Build the configuration from the environment, with ``overrides`` (CLI flags) on top."""
    try:
        return AppConfig(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ConfigError(_one_line(exc)) from None


def _one_line(exc: ValidationError) -> str:
    first = exc.errors()[0]
    name = str(first["loc"][0]) if first["loc"] else "?"
    field = AppConfig.model_fields.get(name)
    if field is not None and isinstance(field.validation_alias, AliasChoices):
        setting = str(field.validation_alias.choices[0])
    else:
        setting = f"SCENARIO_ENGINE_{name.upper()}"
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"invalid setting {setting}: {first['msg']}{more}"

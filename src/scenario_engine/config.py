"""AppConfig: every setting of the service, read once from the environment at start-up.

The local engine's settings live in ``config_local.py``. OpenAI settings
(``config_openai.py``) keep the SDK's own names (``OPENAI_API_KEY``,
``OPENAI_BASE_URL``, ``OPENAI_REALTIME_MODEL``, ``OPENAI_LLM_MODEL``); everything else takes
the ``SCENARIO_ENGINE_`` prefix (``SCENARIO_ENGINE_PORT=9000``). The object is passed down to
whatever needs it; nothing below the CLI reads ``os.environ``.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from scenario_engine.config_local import LocalSettings
from scenario_engine.config_openai import OpenAISettings

EngineName = Literal["local", "openai"]
PartChoice = Literal["auto", "local", "openai"]


@dataclass(frozen=True, slots=True)
class EngineParts:
    """Which engine each part comes from."""

    speech_input: EngineName
    llm: EngineName
    speech_output: EngineName

    @classmethod
    def everywhere(cls, name: EngineName) -> EngineParts:
        return cls(name, name, name)


class ServiceSettings(BaseSettings):
    """The service's own settings (``SCENARIO_ENGINE_*``); ``AppConfig`` adds OpenAI's."""

    model_config = SettingsConfigDict(
        env_prefix="SCENARIO_ENGINE_", extra="ignore", populate_by_name=True, frozen=True
    )

    # --- engine selection -------------------------------------------------------------------
    engine: Literal["auto", "local", "openai"] = Field(
        "auto", description="auto = openai when OPENAI_API_KEY is set, else local"
    )
    speech_input: PartChoice = Field(
        "auto", description="Speech recognition from local or openai; auto = as the engine."
    )
    llm: PartChoice = Field(
        "auto",
        description="Extraction and replies from local rules or an OpenAI-compatible chat "
        "server; auto = openai when SCENARIO_ENGINE_LLM_BASE_URL is set, else as the engine.",
    )
    speech_output: PartChoice = Field(
        "auto", description="Speech synthesis from local or openai; auto = as the engine."
    )
    server_vad: bool = Field(
        True, description="The service detects the end of a turn; off: the client commits."
    )
    turn_detection: Literal["server_vad", "semantic_vad"] = Field(
        "server_vad",
        description="OpenAI engine: server_vad ends a turn after VAD_SILENCE_MS of silence; "
        "semantic_vad lets a model judge that the learner finished (see below). "
        "The local engine always ends a turn on silence.",
    )
    semantic_vad_eagerness: Literal["auto", "low", "medium", "high"] = Field(
        "auto", description="semantic_vad: how soon it ends a turn (auto = medium; see below)."
    )
    vad_silence_ms: int = Field(
        500, ge=100, le=5000,
        description="Silence that ends a turn (server VAD, both engines; see below).",
    )
    barge_in: bool = Field(
        True, description="Learner speech over a reply stops it (needs server VAD; see below)."
    )
    barge_in_min_speech_ms: int = Field(
        300, ge=0, le=5000,
        description="Voice over a reply that stops it; shorter sounds (mhm, 네) do not.",
    )
    reply_audio_lead_ms: int = Field(
        100, ge=0, le=10_000,
        description="With barge-in: how far ahead of playback a reply's audio is sent, so "
        "about this much (+ one 40 ms delta) still plays once the learner speaks; more rides "
        "out network jitter (0: all as soon as made).",
    )

    # --- server -----------------------------------------------------------------------------
    host: str = Field("127.0.0.1", description="Address to listen on.")
    port: int = Field(8000, ge=0, le=65535, description="Port to listen on.")
    workers: int = Field(1, ge=1, le=64, description="Worker processes behind one port.")
    metrics_dir: str | None = Field(
        None,
        description="Set by serve --workers: the workers' shared Prometheus multiprocess files.",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info", description="Learner text is logged only at debug."
    )
    log_format: Literal["auto", "json", "text"] = Field(
        "auto", description="auto = readable text on a terminal, JSON lines otherwise"
    )

    # --- scenario dialog --------------------------------------------------------------------
    max_attempts: int = Field(3, ge=1, le=20, description="Follow-up questions before fallback.")
    max_retries: int = Field(2, ge=0, le=10, description="Retries of one failed OpenAI call.")
    turn_deadline_s: float = Field(
        10.0, gt=0, le=120, description="All model work of one learner turn, retries included."
    )
    max_failed_turns: int = Field(
        3, ge=1, le=50, description="Turns in a row the model may fail before the session ends."
    )
    backlog_max_turns: int = Field(
        3, ge=1, le=50, description="Failed turns sent again with the next one, newest first."
    )
    backlog_max_chars: int = Field(
        3000, ge=100, le=100_000, description="Characters of failed turns sent again, at most."
    )
    roleplay_max_turns: int = Field(
        8, ge=1, le=50, description="Learner turns of a role-play before its feedback."
    )

    # --- protocol limits --------------------------------------------------------------------
    max_frame_bytes: int = Field(
        256 * 1024, ge=1024, le=16 * 1024 * 1024, description="Largest client frame accepted."
    )
    max_text_chars: int = Field(1000, ge=1, le=100_000, description="Longest typed turn.")
    send_queue_size: int = Field(
        512, ge=8, le=65536, description="Events queued for a slow client before it is dropped."
    )
    max_frames_per_second: float = Field(
        100.0, gt=0, description="Sustained client frames per second (bursts of twice that)."
    )
    max_audio_ahead_s: float = Field(
        10.0, gt=0, description="Seconds of audio a client may send ahead of real time."
    )
    max_turn_audio_s: float = Field(
        60.0, gt=0, description="Seconds of audio buffered in one turn before chunks are refused."
    )
    max_session_s: float = Field(900.0, gt=0, description="Longest session, in seconds.")
    http_idle_timeout_s: float = Field(
        10.0, gt=0, le=300, description="Seconds a connection may go without a whole request head."
    )
    idle_timeout_s: float = Field(120.0, gt=0, description="Seconds without a client frame.")
    max_sessions: int = Field(256, ge=1, description="Concurrent sessions per process.")
    shutdown_grace_s: float = Field(
        10.0, ge=0, description="On SIGTERM, how long running replies may finish."
    )

    # --- session store (resume) ----------------------------------------------------------------
    state_url: SecretStr | None = Field(
        None,
        description="redis://host:port/db shared by every instance; unset: this process only.",
    )
    state_ttl_s: float = Field(
        600.0, gt=0, description="How long a dialog can be resumed after its last activity."
    )
    state_lease_s: float = Field(
        3.0,
        ge=0.3,
        le=60,
        description="Lease of a session's connection, renewed at a third; a dead instance's "
        "sessions resume after it.",
    )
    state_timeout_s: float = Field(
        1.0, gt=0, le=30, description="Deadline of one session-store call."
    )

    # --- access ---------------------------------------------------------------------------------
    auth: Literal["auto", "on", "off"] = Field(
        "auto", description="auto = on when a token or secret is set, or off loopback"
    )
    auth_token: SecretStr | None = Field(None, description="A shared bearer token.")
    auth_secret: SecretStr | None = Field(
        None, description="Key of HMAC-signed, expiring session tokens minted by an app backend."
    )
    allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Browser origins allowed besides the service's own ('*' for any).",
    )


class AppConfig(OpenAISettings, LocalSettings, ServiceSettings):
    """Every setting, one typed object (fields in the order of the generated docs: the
    service's, the local engine's, then OpenAI's), with the checks and answers that need more
    than one."""

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]
        return value

    @model_validator(mode="after")
    def _auth_has_credentials(self) -> AppConfig:
        if self.auth_required and not (self.auth_token or self.auth_secret):
            raise ValueError(
                "auth is on (the service is not bound to a loopback address) but neither "
                "SCENARIO_ENGINE_AUTH_TOKEN nor SCENARIO_ENGINE_AUTH_SECRET is set; "
                "set one, or SCENARIO_ENGINE_AUTH=off"
            )
        return self

    @property
    def auth_required(self) -> bool:
        """A configured credential is always required: on loopback too (behind a local
        proxy every client is loopback), rather than silently ignored."""
        if self.auth != "auto":
            return self.auth == "on"
        return bool(self.auth_token or self.auth_secret) or not is_loopback(self.host)

    def secrets(self) -> list[str]:
        """Every configured secret value, for the log handler to mask wherever it appears."""
        values = (self.openai_api_key, self.llm_api_key, self.auth_token, self.auth_secret)
        return [value.get_secret_value() for value in values if value is not None]

    @property
    def resolved_engine(self) -> EngineName:
        if self.engine != "auto":
            return self.engine
        return "openai" if self.openai_api_key else "local"

    @property
    def resolved_parts(self) -> EngineParts:
        """Each part's engine: its own setting, else the LLM server's, else the engine's."""
        bundle = self.resolved_engine
        llm_default: EngineName = "openai" if self.llm_base_url else bundle
        return EngineParts(
            bundle if self.speech_input == "auto" else self.speech_input,
            llm_default if self.llm == "auto" else self.llm,
            bundle if self.speech_output == "auto" else self.speech_output,
        )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ConfigError(Exception):
    """Invalid configuration, with one line that names the setting."""


def load_config(**overrides: object) -> AppConfig:
    """Build the configuration from the environment, with ``overrides`` (CLI flags) on top."""
    try:
        return AppConfig(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ConfigError(_one_line(exc)) from None


def environment_name(field_name: str) -> str:
    """The environment variable that sets ``field_name``."""
    alias = AppConfig.model_fields[field_name].validation_alias
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return f"SCENARIO_ENGINE_{field_name.upper()}"


def _one_line(exc: ValidationError) -> str:
    first = exc.errors()[0]
    if not first["loc"]:
        return f"invalid configuration: {first['msg'].removeprefix('Value error, ')}"
    name = str(first["loc"][0])
    setting = environment_name(name) if name in AppConfig.model_fields else name
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"invalid setting {setting}: {first['msg']}{more}"

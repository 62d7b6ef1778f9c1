"""OpenAIEngine: the production engine, built from ``AppConfig``.

One SDK client per process (connection pool, retry budget, timeout) is shared by the LLM,
speech output and every session's Realtime connection.
"""

from __future__ import annotations

from openai import AsyncOpenAI

from scenario_engine.config import AppConfig
from scenario_engine.domain.llm import ScenarioLLM
from scenario_engine.domain.practice import PracticeLLM
from scenario_engine.engines.base import EngineInfo, SpeechOutput
from scenario_engine.engines.openai.client import build_client
from scenario_engine.engines.openai.llm import OpenAIScenarioLLM
from scenario_engine.engines.openai.practice import OpenAIPracticeLLM
from scenario_engine.engines.openai.speech_input import OpenAISpeechInput, ReconnectPolicy
from scenario_engine.engines.openai.speech_output import OpenAISpeechOutput


class OpenAIEngine:
    """Implements ``Engine``. ``client`` may be given to share or to instrument one."""

    def __init__(self, config: AppConfig, *, client: AsyncOpenAI | None = None) -> None:
        self._config = config
        self._client = client or build_client(config)
        self._reconnect = ReconnectPolicy(
            attempts=config.realtime_reconnect_attempts,
            initial_delay_s=config.realtime_reconnect_initial_delay_s,
            max_delay_s=config.realtime_reconnect_max_delay_s,
            drops_per_turn=config.realtime_drops_per_turn,
            drops_per_session=config.realtime_drops_per_session,
        )
        self.llm: ScenarioLLM = OpenAIScenarioLLM(
            self._client,
            model=config.llm_model,
            max_retries=config.max_retries,
            retry_base_delay_s=config.openai_retry_initial_delay_s,
        )
        self.practice: PracticeLLM = OpenAIPracticeLLM(
            self._client, model=config.llm_model, max_retries=config.max_retries
        )
        self.speech_output: SpeechOutput = OpenAISpeechOutput(
            self._client, model=config.tts_model, voice=config.tts_voice
        )
        self.info = EngineInfo(
            name="openai",
            speech_input=f"openai-realtime-transcription/{config.transcription_model}",
            llm=f"openai-chat/{config.llm_model}",
            speech_output=f"openai-speech/{config.tts_model}/{config.tts_voice}",
            turn_detection="server_vad" if config.server_vad else "manual",
        )

    def open_speech_input(self) -> OpenAISpeechInput:
        return OpenAISpeechInput(
            self._client,
            transcription_model=self._config.transcription_model,
            server_vad=self._config.server_vad,
            timeout_s=self._config.openai_timeout_s,
            reconnect=self._reconnect,
            language=self._config.transcription_language,
        )

    def unready_reason(self) -> str | None:
        """Always ready once built (the key is checked then): probing the API on every
        ``/readyz`` would cost requests, and a session that cannot reach it says so itself."""
        return None

    async def aclose(self) -> None:
        await self._client.close()

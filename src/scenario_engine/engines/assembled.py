"""An engine assembled part by part: speech input, LLM and speech output, each local or OpenAI.

``engine`` picks a bundle; ``SCENARIO_ENGINE_SPEECH_INPUT``, ``_LLM`` and ``_SPEECH_OUTPUT``
pick one part each, so that, say, a school runs the local recognizer and voice with a model
server of its own (``SCENARIO_ENGINE_LLM_BASE_URL``: Ollama, llama.cpp's server, vLLM) and no
cloud key. ``LocalEngine`` and ``OpenAIEngine`` are this with every part from one side. Each
part's module is imported only when that part is chosen (the OpenAI engine never loads
Whisper, the local one never the SDK).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scenario_engine.config import AppConfig, EngineParts
from scenario_engine.domain.llm import ScenarioLLM
from scenario_engine.domain.practice import PracticeLLM
from scenario_engine.engines.base import EngineInfo, SpeechInput, SpeechOutput

if TYPE_CHECKING:
    from openai import AsyncOpenAI

    from scenario_engine.engines.local.recognition import TurnRecognizer
    from scenario_engine.engines.local.speech_output import LocalSpeechOutput
    from scenario_engine.engines.local.vad import VadSettings
    from scenario_engine.engines.openai.reconnect_budget import ReconnectPolicy


class AssembledEngine:
    """Implements ``Engine``; ``client`` may be given to share or to instrument the OpenAI one."""

    def __init__(
        self, config: AppConfig, parts: EngineParts, *, client: AsyncOpenAI | None = None
    ) -> None:
        self._config = config
        self.parts = parts
        self._given_client = client
        self._clients: list[AsyncOpenAI] = [] if client is None else [client]
        self._local_output: LocalSpeechOutput | None = None
        self._recognizer: TurnRecognizer | None = None
        self._vad: VadSettings | None = None
        self._reconnect: ReconnectPolicy | None = None
        self.llm, self.practice, llm_name = self._build_llm()
        self.speech_output, output_name = self._build_speech_output()
        input_name = self._build_speech_input()
        sides = {parts.speech_input, parts.llm, parts.speech_output}
        self.info = EngineInfo(
            name=sides.pop() if len(sides) == 1 else "mixed",
            speech_input=input_name,
            llm=llm_name,
            speech_output=output_name,
            turn_detection="server_vad" if config.server_vad else "manual",
        )

    # --- the parts ----------------------------------------------------------------------------

    def _openai_client(self) -> AsyncOpenAI:
        """The one OpenAI client of the speech parts (and of the LLM without its own server)."""
        if self._given_client is not None:
            return self._given_client
        from scenario_engine.engines.openai.client import build_client

        self._given_client = build_client(self._config)
        self._clients.append(self._given_client)
        return self._given_client

    def _build_llm(self) -> tuple[ScenarioLLM, PracticeLLM, str]:
        """The scenario LLM and the practice partner: both from the LLM part's side."""
        config = self._config
        if self.parts.llm == "local":
            from scenario_engine.engines.local.llm import LocalScenarioLLM
            from scenario_engine.engines.local.practice import LocalPracticeLLM

            return LocalScenarioLLM(), LocalPracticeLLM(), LocalScenarioLLM.name
        from scenario_engine.engines.openai.client import build_llm_client
        from scenario_engine.engines.openai.llm import OpenAIScenarioLLM
        from scenario_engine.engines.openai.practice import OpenAIPracticeLLM
        from scenario_engine.engines.openai.streamed_call import StreamedCalls
        from scenario_engine.engines.openai.turn_answer import TurnOrder

        if config.llm_base_url is None:
            client = self._openai_client()
        else:
            client = build_llm_client(config)
            self._clients.append(client)
        streamed = StreamedCalls(
            client,
            model=config.llm_model,
            max_retries=config.max_retries,
            retry_base_delay_s=config.openai_retry_initial_delay_s,
        )
        llm = OpenAIScenarioLLM(streamed, TurnOrder(config.llm_turn_order))
        practice = OpenAIPracticeLLM(
            client, streamed, model=config.llm_model, max_retries=config.max_retries
        )
        return llm, practice, f"openai-chat/{config.llm_model}"

    def _build_speech_output(self) -> tuple[SpeechOutput, str]:
        config = self._config
        if self.parts.speech_output == "local":
            from scenario_engine.engines.local.speech_output import LocalSpeechOutput

            self._local_output = LocalSpeechOutput()
            return self._local_output, "espeak-ng"
        from scenario_engine.engines.openai.speech_output import OpenAISpeechOutput

        output = OpenAISpeechOutput(
            self._openai_client(), model=config.tts_model, voice=config.tts_voice
        )
        return output, f"openai-speech/{config.tts_model}/{config.tts_voice}"

    def _build_speech_input(self) -> str:
        config = self._config
        if self.parts.speech_input == "local":
            from scenario_engine.engines.local.engine import build_recognizer
            from scenario_engine.engines.local.vad import VadSettings

            self._vad = VadSettings(
                end_silence_ms=config.vad_silence_ms, pause_ms=config.vad_pause_ms or None
            )
            self._recognizer = build_recognizer(config)
            return self._recognizer.name
        from scenario_engine.engines.openai.reconnect_budget import ReconnectPolicy

        self._openai_client()
        self._reconnect = ReconnectPolicy(
            attempts=config.realtime_reconnect_attempts,
            initial_delay_s=config.realtime_reconnect_initial_delay_s,
            max_delay_s=config.realtime_reconnect_max_delay_s,
            drops_per_turn=config.realtime_drops_per_turn,
            drops_per_session=config.realtime_drops_per_session,
        )
        return f"openai-realtime-transcription/{config.transcription_model}"

    # --- Engine -------------------------------------------------------------------------------

    async def start(self) -> None:
        """Start the local recognizer's workers (Whisper: load and warm up, ~2 s); the OpenAI
        parts have nothing to load."""
        if self._recognizer is not None:
            await self._recognizer.start()

    def open_speech_input(self) -> SpeechInput:
        config = self._config
        if self._recognizer is not None:
            from scenario_engine.engines.local.speech_input import LocalSpeechInput

            return LocalSpeechInput(self._recognizer, server_vad=config.server_vad, vad=self._vad)
        from scenario_engine.engines.openai.events import turn_detection
        from scenario_engine.engines.openai.speech_input import OpenAISpeechInput

        assert self._reconnect is not None
        gap_ms = _pause_gap_ms(config)
        detection = turn_detection(
            config.turn_detection, config.vad_silence_ms - gap_ms, config.semantic_vad_eagerness
        )
        return OpenAISpeechInput(
            self._openai_client(),
            transcription_model=config.transcription_model,
            detection=detection if config.server_vad else None,
            timeout_s=config.openai_timeout_s,
            reconnect=self._reconnect,
            language=config.transcription_language,
            pause_gap_ms=gap_ms or None,
        )

    def unready_reason(self) -> str | None:
        """The local recognizer's start-up; the OpenAI parts are ready once built (the key is
        checked then): probing the API on every ``/readyz`` would cost requests."""
        if self._recognizer is not None and not self._recognizer.ready:
            return "the speech recognizer is starting"
        return None

    async def aclose(self) -> None:
        if self._local_output is not None:
            self._local_output.close()
        if self._recognizer is not None:
            await self._recognizer.aclose()
        for client in self._clients:
            await client.close()


def _pause_gap_ms(config: AppConfig) -> int:
    """Early commit (engines/openai/pause_turns.py): the silence after an upstream commit at
    ``early_commit_ms`` that still ends the turn; 0 when it is off (or cannot apply: semantic
    VAD has no silence, without server VAD the client commits)."""
    early = config.early_commit_ms
    if not (config.server_vad and config.turn_detection == "server_vad"):
        return 0
    return config.vad_silence_ms - early if 0 < early < config.vad_silence_ms else 0

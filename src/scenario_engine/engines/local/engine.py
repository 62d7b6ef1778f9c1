"""LocalEngine: the embedded default — rule-based extraction, pocketsphinx, eSpeak NG.

Everything ships inside PyPI wheels: no key, no network. Models load once per process, at
start-up; each session opens its own speech input.
"""

from __future__ import annotations

from scenario_engine.config import AppConfig
from scenario_engine.domain.llm import ScenarioLLM
from scenario_engine.engines.base import EngineInfo, SpeechOutput
from scenario_engine.engines.local.llm import LocalScenarioLLM
from scenario_engine.engines.local.speech_input import LocalSpeechInput
from scenario_engine.engines.local.speech_output import LocalSpeechOutput


class LocalEngine:
    def __init__(self, config: AppConfig) -> None:
        self.llm: ScenarioLLM = LocalScenarioLLM()
        self._tts = LocalSpeechOutput()
        self.speech_output: SpeechOutput = self._tts
        self._server_vad = config.server_vad
        self.info = EngineInfo(
            name="local",
            speech_input="pocketsphinx",
            llm=LocalScenarioLLM.name,
            speech_output="espeak-ng",
            turn_detection="server_vad" if config.server_vad else "manual",
        )

    def open_speech_input(self) -> LocalSpeechInput:
        return LocalSpeechInput(server_vad=self._server_vad)

    def unready_reason(self) -> str | None:
        return None

    async def aclose(self) -> None:
        self._tts.close()

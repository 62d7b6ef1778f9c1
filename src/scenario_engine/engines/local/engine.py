"""LocalEngine: the embedded default — rule-based extraction, pocketsphinx, eSpeak NG.

Everything ships inside PyPI wheels: no key, no network. Models load once per process, at
start-up (the recognizer's domain model is built from the extractor's vocabulary, so the two
never disagree about which words matter); each session opens its own speech input, and
borrows a decoder from the shared recognizer only while a turn is being recognized.
"""

from __future__ import annotations

from scenario_engine.config import AppConfig
from scenario_engine.domain.llm import ScenarioLLM
from scenario_engine.domain.practice import PracticeLLM
from scenario_engine.engines.base import EngineInfo, SpeechOutput
from scenario_engine.engines.local.domain_lm import DomainPhrases
from scenario_engine.engines.local.llm import LocalScenarioLLM
from scenario_engine.engines.local.practice import LocalPracticeLLM
from scenario_engine.engines.local.recognizer import LocalRecognizer, RecognizerSettings
from scenario_engine.engines.local.speech_input import LocalSpeechInput
from scenario_engine.engines.local.speech_output import LocalSpeechOutput
from scenario_engine.engines.local.sphinx_models import Biasing
from scenario_engine.engines.local.vad import VadSettings
from scenario_engine.engines.local.vocabulary import load_vocabulary


class LocalEngine:
    def __init__(self, config: AppConfig) -> None:
        self.llm: ScenarioLLM = LocalScenarioLLM()
        self.practice: PracticeLLM = LocalPracticeLLM()
        self._speech_output = LocalSpeechOutput()
        self.speech_output: SpeechOutput = self._speech_output
        self._server_vad = config.server_vad
        self._vad = VadSettings(end_silence_ms=config.vad_silence_ms)
        biasing = Biasing(config.local_asr_biasing)
        self._recognizer = LocalRecognizer.build(  # ~1 s: builds the domain language model
            RecognizerSettings(
                biasing=biasing,
                phrases=DomainPhrases.from_vocabulary(load_vocabulary()),
                workers=config.local_asr_workers,
                decoders_per_worker=config.local_asr_decoders_per_worker,
            )
        )
        self.info = EngineInfo(
            name="local",
            speech_input="pocketsphinx",
            llm=LocalScenarioLLM.name,
            speech_output="espeak-ng",
            turn_detection="server_vad" if config.server_vad else "manual",
        )

    def open_speech_input(self) -> LocalSpeechInput:
        return LocalSpeechInput(self._recognizer, server_vad=self._server_vad, vad=self._vad)

    def unready_reason(self) -> str | None:
        return None

    async def aclose(self) -> None:
        self._speech_output.close()
        await self._recognizer.aclose()

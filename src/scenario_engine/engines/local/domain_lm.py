"""A small language model of the domain, built at start-up from the vocabulary's phrases.

pocketsphinx's general English model (~1M words of news-like text) knows "receptionist" but
gives "check in at the hotel" no special weight, and on synthetic or accented speech it drifts
into unrelated words. A trigram model trained on carrier sentences ("i'm at the ...",
"talking to the ...", "i want to ...") around every domain phrase puts the probability where
learners' answers are. Building it takes ~0.2 s, so it is made from whatever phrase list the
vocabulary provides, never shipped as a file that could drift from it.

A JSGF grammar (any sequence of carrier words and phrases) was measured too and lost: lower
in-domain accuracy than this model, and it forces every utterance into domain words.
"""

from __future__ import annotations

import io
import random
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Final

from pocketsphinx.lm import ArpaBoLM

_CARRIERS: Final = (
    "{}",
    "the {}",
    "a {}",
    "i'm at the {}",
    "i'm at a {}",
    "i am at the {}",
    "i'm in the {}",
    "at the {}",
    "i'm talking to the {}",
    "i'm talking to a {}",
    "talking to the {}",
    "i talk to the {}",
    "with the {}",
    "i want to {}",
    "i need to {}",
    "i'd like to {}",
    "i would like to {}",
    "to {}",
    "i'm here to {}",
)
_JOINERS: Final = ("", "and", "because", "so")
_FILLER_SENTENCES: Final = (
    "yes",
    "no",
    "i don't know",
    "i'm not sure",
    "hello",
    "thank you",
    "can you repeat that",
    "um",
)
_WORD: Final = re.compile(r"[a-z]+(?:'[a-z]+)?")


def normalize(text: str) -> list[str]:
    """Lower-case words as the recognizer's dictionary spells them ("check-in" -> check in)."""
    return _WORD.findall(text.lower().replace("’", "'"))


def usable_phrases(phrases: Iterable[str], in_dictionary: Callable[[str], bool]) -> list[str]:
    """Normalized phrases whose every word the recognizer can pronounce; others are dropped
    (pocketsphinx has no letter-to-sound rules, so an unknown word can never be recognized)."""
    kept: dict[str, None] = {}
    for phrase in phrases:
        words = normalize(phrase)
        if words and all(in_dictionary(word) for word in words):
            kept[" ".join(words)] = None
    return list(kept)


def domain_sentences(phrases: Sequence[str], *, combined: int = 3000, seed: int = 7) -> list[str]:
    """Training sentences: every phrase in every carrier, plus random two- and three-part
    combinations ("i'm at the hotel talking to the receptionist to check in") so trigrams
    across parts exist. Deterministic for a given phrase list."""
    single = [carrier.format(phrase) for phrase in phrases for carrier in _CARRIERS]
    rng = random.Random(seed)
    combos = []
    for _ in range(combined if phrases else 0):
        parts = [rng.choice(single) for _ in range(rng.choice((2, 3)))]
        joined = parts[0]
        for part in parts[1:]:
            joined = f"{joined} {rng.choice(_JOINERS)} {part}".replace("  ", " ")
        combos.append(joined)
    return [*single, *combos, *_FILLER_SENTENCES]


def build_arpa(
    phrases: Sequence[str],
    general_words: Sequence[tuple[str, float]] = (),
    general_weight: float = 0.0,
) -> str:
    """A trigram ARPA model (text) of the domain sentences built from ``phrases``.

    With ``general_words`` (word, probability) and ``general_weight`` > 0 the unigrams are a
    linear interpolation: ``general_weight`` of the unigram mass goes to common English words
    in proportion to their probability in the general model. Domain trigrams still dominate
    where they apply, while out-of-domain speech backs off to real English words instead of
    being forced into domain phrases.
    """
    if not 0.0 <= general_weight < 1.0:
        raise ValueError("general_weight must be in [0, 1)")
    corpus = "\n".join(domain_sentences(phrases))
    model = ArpaBoLM(text=corpus, add_start=True, discount_mass=0.5)
    if general_words and general_weight > 0:
        domain_mass = sum(model.grams_1.values())
        general_mass = domain_mass * general_weight / (1.0 - general_weight)
        total = sum(probability for _, probability in general_words)
        for word, probability in general_words:
            model.grams_1[word] += general_mass * probability / total
    model.compute()
    out = io.StringIO()
    model.write(out)
    return out.getvalue()

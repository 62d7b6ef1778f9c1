"""A small language model of the domain, built at start-up from the vocabulary's phrases.

pocketsphinx's general English model (news-like text) knows "receptionist" but gives "check
in at the hotel" no special weight, and on synthetic or accented speech it drifts into
unrelated words. A trigram model trained on carrier sentences around the vocabulary's phrases
("i'm at the <place>", "talking to the <partner>", "i want to <goal>", and the three joined)
puts the probability where learners' answers are. Each kind of phrase gets its own carriers:
"i want to hotel" would only spread probability over sentences nobody says (typed carriers
took WER from 0.414 to 0.388 on the benchmark's utterances). Building takes ~1.5 s, so the
model is made from the vocabulary at start-up, never shipped as a file that could drift
from it.

A JSGF grammar (any sequence of carrier words and phrases) was measured too and lost: lower
in-domain accuracy than this model, and it forces every utterance into domain words.
"""

from __future__ import annotations

import io
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from pocketsphinx.lm import ArpaBoLM

from scenario_engine.domain.slots import Slot
from scenario_engine.engines.local.vocabulary import Vocabulary

_PLACE_CARRIERS: Final = (
    "{}", "the {}", "a {}", "i'm at the {}", "i'm at a {}", "i am at the {}", "i am in a {}",
    "i'm in the {}", "at the {}", "in the {}", "i'm going to the {}",
)  # fmt: skip
_PARTNER_CARRIERS: Final = (
    "{}", "the {}", "a {}", "i'm talking to the {}", "i'm talking to a {}", "talking to the {}",
    "i talk to the {}", "with the {}", "i want to talk to the {}", "i'm speaking with the {}",
)  # fmt: skip
_GOAL_CARRIERS: Final = (
    "{}", "to {}", "i want to {}", "i need to {}", "i'd like to {}", "i would like to {}",
    "i'm here to {}", "i'm trying to {}", "i wanna {}",
)  # fmt: skip
_JOINERS: Final = ("", "", "and", "because", "so")
_FILLER_SENTENCES: Final = (
    "yes", "no", "i don't know", "i'm not sure", "hello", "thank you", "can you repeat that",
    "um", "uh", "okay",
)  # fmt: skip
_WORD: Final = re.compile(r"[a-z]+(?:'[a-z]+)?")
_SPELLABLE: Final = re.compile(r"[a-z' -]+")


@dataclass(frozen=True, slots=True)
class DomainPhrases:
    """What learners name, by kind.

    The vocabulary's bare objects of goals ("laptop", "jacket") are not included: given their
    own carriers they made recognition worse (WER 0.390 against 0.385), pulling short
    function words like "to check in" toward "a jacket".
    """

    places: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()

    @classmethod
    def from_vocabulary(cls, vocabulary: Vocabulary) -> DomainPhrases:
        """The English surface forms of every term, as they are spoken (see :func:`normalize`);
        forms that cannot be spelled from letters (digits, accents, Hangul) are left out."""

        def spoken(slot: Slot) -> tuple[str, ...]:
            forms: dict[str, None] = {}
            for term in vocabulary.terms(slot):
                for name in (term.canonical, *term.en, *term.generic):
                    if _SPELLABLE.fullmatch(name.lower()) and (words := normalize(name)):
                        forms[" ".join(words)] = None
            return tuple(forms)

        return cls(
            places=spoken(Slot.PLACE),
            partners=spoken(Slot.PARTNER),
            goals=spoken(Slot.GOAL),
        )

    def filtered(self, keep: Callable[[str], bool]) -> DomainPhrases:
        def only(phrases: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(p for p in phrases if keep(p))

        return DomainPhrases(only(self.places), only(self.partners), only(self.goals))

    def all(self) -> list[str]:
        return [*self.places, *self.partners, *self.goals]


def normalize(text: str) -> list[str]:
    """Lower-case words as the recognizer's dictionary spells them ("check-in" -> check in)."""
    return _WORD.findall(text.lower().replace("’", "'"))


def pronounceable(phrase: str, in_dictionary: Callable[[str], bool]) -> bool:
    """Whether every word has a pronunciation: pocketsphinx has no letter-to-sound rules, so a
    phrase with an unknown word could never be recognized and only bloats the model."""
    words = normalize(phrase)
    return bool(words) and all(in_dictionary(word) for word in words)


def domain_sentences(phrases: DomainPhrases, *, combined: int = 2000, seed: int = 7) -> list[str]:
    """Training sentences: every phrase in each carrier of its kind, plus ``combined`` random
    place + partner + goal sentences in varied order ("i'm at the hotel talking to the
    receptionist to check in"), so trigrams across the parts exist. Deterministic."""
    parts = [
        [c.format(p) for p in phrases.places for c in _PLACE_CARRIERS],
        [c.format(p) for p in phrases.partners for c in _PARTNER_CARRIERS],
        [c.format(p) for p in phrases.goals for c in _GOAL_CARRIERS],
    ]
    parts = [group for group in parts if group]
    rng = random.Random(seed)
    combos = []
    for _ in range(combined if parts else 0):
        chosen = rng.sample(parts, k=rng.randint(min(2, len(parts)), len(parts)))
        if rng.random() < 0.6:  # the usual order: place, partner, goal
            chosen.sort(key=parts.index)
        sentence = rng.choice(chosen[0])
        for group in chosen[1:]:
            sentence = f"{sentence} {rng.choice(_JOINERS)} {rng.choice(group)}"
        combos.append(" ".join(sentence.split()))
    return [*(s for group in parts for s in group), *combos, *_FILLER_SENTENCES]


def build_arpa(
    phrases: DomainPhrases,
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

"""The Korean -> English lexicon: Korean nouns and verbs turned into the English of a slot.

Kept as data (``lexicon_ko.json``) so that a reviewer who reads Korean can extend it without
reading Python. The vocabulary's own Korean aliases are folded in, so a word the vocabulary
already knows ("은행" -> bank) needs no second entry. Lookups are exact on the noun phrase with
its spaces removed ("창구 직원" and "창구직원" meet): an unknown phrase gives ``None``, and the
caller leaves the slot empty rather than guess from part of it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from scenario_engine.domain.slots import Slot
from scenario_engine.engines.local.normalize import is_hangul
from scenario_engine.engines.local.vocabulary import Vocabulary, load_vocabulary

LEXICON_RESOURCE = "lexicon_ko.json"


@dataclass(frozen=True, slots=True)
class VerbSense:
    """How a Korean verb reads in English: with an object ("buy {object}") and/or alone."""

    with_object: str | None
    alone: str | None


@dataclass(frozen=True)
class KoreanLexicon:
    nouns: dict[Slot, dict[str, str]]
    objects: dict[str, str]
    verbs: dict[str, VerbSense]
    patterns: dict[tuple[str, str], str]

    def noun(self, slot: Slot, korean: str) -> str | None:
        return self.nouns[slot].get(korean.replace(" ", ""))

    def object(self, korean: str) -> str | None:
        key = korean.replace(" ", "")
        return self.objects.get(key) or self.nouns[Slot.PLACE].get(key)

    def goal(self, verb: str, obj: str | None) -> str | None:
        """The English goal of ``verb`` with its object (Korean), or ``None`` when unknown."""
        if obj is not None:
            pattern = self.patterns.get((obj.replace(" ", ""), verb))
            if pattern:
                return pattern
        sense = self.verbs.get(verb)
        if sense is None:
            return None
        if obj is not None and sense.with_object:
            english = self.object(obj)
            return sense.with_object.format(object=english) if english else None
        return sense.alone


def _check_english(values: list[str]) -> None:
    for value in values:
        if not value or any(is_hangul(char) for char in value) or value != value.lower():
            raise ValueError(f"lexicon value must be lowercase English: {value!r}")


def build_lexicon(raw: dict[str, object], vocabulary: Vocabulary) -> KoreanLexicon:
    """The lexicon from its data, with the vocabulary's Korean place and partner aliases."""
    places = dict(_folded(vocabulary, Slot.PLACE))
    partners = dict(_folded(vocabulary, Slot.PARTNER))
    for known, name in ((places, "places"), (partners, "partners")):
        own = {k.replace(" ", ""): v for k, v in _table(raw, name).items()}
        twins = sorted(set(own) & set(known))
        if twins:
            raise ValueError(f"lexicon {name} repeat vocabulary aliases: {twins}")
        known.update(own)
    objects = {k.replace(" ", ""): v for k, v in _table(raw, "objects").items()}
    verbs = {
        key: VerbSense(sense.get("object"), sense.get("alone"))
        for key, sense in _senses(raw).items()
    }
    patterns = {}
    for key, value in _table(raw, "patterns").items():
        obj, _, verb = key.rpartition(" ")
        patterns[(obj.replace(" ", ""), verb)] = value
    _check_english([*places.values(), *partners.values(), *objects.values(),
                    *patterns.values()])
    for sense in verbs.values():
        if sense.with_object is not None and "{object}" not in sense.with_object:
            raise ValueError(f"verb sense without {{object}}: {sense.with_object!r}")
    return KoreanLexicon({Slot.PLACE: places, Slot.PARTNER: partners, Slot.GOAL: {}},
                         objects, verbs, patterns)


def _folded(vocabulary: Vocabulary, slot: Slot) -> list[tuple[str, str]]:
    return [(alias.replace(" ", ""), term.canonical)
            for term in vocabulary.terms(slot) for alias in term.ko]


def _table(raw: dict[str, object], name: str) -> dict[str, str]:
    table = raw.get(name, {})
    if not isinstance(table, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in table.items()
    ):
        raise ValueError(f"lexicon {name!r} must map Korean to English strings")
    return table


def _senses(raw: dict[str, object]) -> dict[str, dict[str, str]]:
    verbs = raw.get("verbs", {})
    if not isinstance(verbs, dict):
        raise ValueError("lexicon 'verbs' must be an object")
    for key, sense in verbs.items():
        if not isinstance(sense, dict) or not set(sense) <= {"object", "alone"} or not sense:
            raise ValueError(f"verb {key!r}: give 'object' and/or 'alone'")
    return verbs


@cache
def load_lexicon() -> KoreanLexicon:
    """The packaged lexicon, parsed and checked once per process."""
    text = resources.files(__package__).joinpath(LEXICON_RESOURCE).read_text(encoding="utf-8")
    return build_lexicon(json.loads(text), load_vocabulary())

"""Corrections that name only a noun phrase: "order a steak, sorry, I mean a pasta", "Gym...
wait, no, swimming pool".

A correction normally restates a value the extractor can read ("the bank, no wait, the post
office"), and the later segment wins (``mention_grammar.segments``). When what follows the
correction is a bare noun phrase the extractor cannot read, the value stated just before the
correction is still known to be wrong: it is dropped rather than kept, and a goal whose
object was corrected takes the new object ("order a pasta").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Self, TypeVar

from scenario_engine.domain.slots import Slot
from scenario_engine.engines.local.mention_grammar import standalone_no
from scenario_engine.engines.local.normalize import CLAUSE, POSSESSIVES, SKIP_WORDS, lemmas_of
from scenario_engine.engines.local.patterns import CORRECTION_WORDS, NOT_GOAL_VERBS

_INTRO = frozenset({"its", "it", "is", "make", "mean", "i", "oh", "ah", "um", "uh"})
"""Words between a correction and its noun phrase: "no wait, it's a taxi", "I mean a pasta"."""
_NOT_IN_A_NOUN_PHRASE = frozenset(
    {"i", "im", "we", "you", "he", "she", "they", "it", "is", "are", "was", "am", "want",
     "need", "not", "dont", "to", "and", "but", "so", "because", "then", "please"}
)
_MAX_WORDS = 4
_PHRASE_ENDS = frozenset({"and", "but", "so", "because", "then"})


@dataclass(frozen=True, slots=True)
class NounCorrection:
    """A correction at token ``at`` followed by the noun phrase ``tokens[start:end]``."""

    at: int
    start: int
    end: int
    words: tuple[str, ...]


def noun_corrections(tokens: list[str]) -> list[NounCorrection]:
    """Every English correction whose rest of the clause is only a noun phrase."""
    found: list[NounCorrection] = []
    for index in range(len(tokens)):
        if not _is_correction(tokens, index):
            continue
        start = index + 1
        while start < len(tokens) and (tokens[start] == CLAUSE or tokens[start] in _INTRO):
            start += 1
        if start >= len(tokens) or _is_correction(tokens, start):
            continue  # "no wait, ...": the last correction word reports the phrase
        end = start
        while end < len(tokens) and tokens[end] != CLAUSE and end - start <= _MAX_WORDS:
            if end > start and tokens[end] in _PHRASE_ENDS:
                break  # "sorry, tailor's shop and I want...": the phrase ends at "and"
            end += 1
        words = [word for word in tokens[start:end] if word not in SKIP_WORDS | POSSESSIVES]
        if _noun_phrase(words) and (
            end == len(tokens) or tokens[end] == CLAUSE or tokens[end] in _PHRASE_ENDS
        ):
            found.append(NounCorrection(index, start, end, tuple(tokens[start:end])))
    return found


class _Candidate(Protocol):
    @property
    def slot(self) -> Slot: ...
    @property
    def value(self) -> str: ...
    @property
    def start(self) -> int: ...
    def moved(self, value: str, start: int, segment: int) -> Self:
        """The same candidate with another value, said at ``start``."""


C = TypeVar("C", bound=_Candidate)


def apply_noun_corrections(candidates: list[C], tokens: list[str], segments: list[int]) -> list[C]:
    """The candidates after every correction the extractor could not read: the slot of the
    value just before it loses its earlier values; a goal takes the corrected object."""
    for correction in noun_corrections(tokens):
        if any(correction.start <= c.start < correction.end for c in candidates):
            continue  # the correction names a value: the later segment wins as usual
        before = [c for c in candidates if c.start < correction.at]
        if not before:
            continue
        last = max(before, key=lambda c: c.start)
        kept = [c for c in candidates if not (c.slot is last.slot and c.start < correction.at)]
        goal = corrected_goal(last.value, correction) if last.slot is Slot.GOAL else None
        if goal is not None:
            kept.append(last.moved(goal, correction.start, segments[correction.start]))
        candidates = kept
    return candidates


_WANTING = frozenset({"want", "wanna", "need", "like", "gonna", "rather", "would"})


def english_stated_positions(tokens: list[str]) -> tuple[list[int], list[int]]:
    """Where English ``tokens`` state a request ("I want close it": a wanting word before a
    verb that may be a goal) and a place ("at the X", "in a X"), as token indices."""
    requests: list[int] = []
    places: list[int] = []
    for index, token in enumerate(tokens):
        following = [t for t in tokens[index + 1 : index + 3] if t != "to"]
        if token in _WANTING and following:
            lemmas = lemmas_of(following[0]).get("VERB", ())
            if lemmas and lemmas[0] not in NOT_GOAL_VERBS:
                requests.append(index)
        elif token in ("at", "in") and index + 1 < len(tokens) and tokens[index + 1] != CLAUSE:
            places.append(index)
    return requests, places


def superseded(candidate_segment: int, positions: list[int], segments: list[int]) -> bool:
    """A value from before a correction whose later segment states the same slot in words
    that could not be read: "open an account. Wait, I already have one, I want close it"."""
    return any(segments[position] > candidate_segment for position in positions)


def corrected_goal(verb_phrase: str, correction: NounCorrection) -> str | None:
    """ "order a steak" corrected by "a pasta" is "order a pasta"; ``None`` when the goal does
    not start with an English verb."""
    verb = verb_phrase.split()[0]
    if "VERB" not in lemmas_of(verb):
        return None
    return " ".join([verb, *correction.words])


def _is_correction(tokens: list[str], index: int) -> bool:
    """A correction word; "no" only on its own ("no, the post office", not "with no ice")."""
    token = tokens[index]
    if token in ("mean", "meant"):
        return bool(index) and tokens[index - 1] == "i"
    if token == "no":
        return standalone_no(tokens, index)
    return token in CORRECTION_WORDS and token.isascii()


def _noun_phrase(words: list[str]) -> bool:
    """One to four words, none a pronoun, a finite verb or a conjunction, the last a noun."""
    if not words or len(words) > _MAX_WORDS:
        return False
    if any(word in _NOT_IN_A_NOUN_PHRASE or word in CORRECTION_WORDS for word in words):
        return False
    if not all(word.isascii() and word.isalpha() for word in words):
        return False
    if any(lemmas_of(word) and not {"NOUN", "ADJ"} & set(lemmas_of(word)) for word in words):
        return False  # "I already have one": a verb or an adverb makes it a clause
    return "NOUN" in lemmas_of(words[-1])

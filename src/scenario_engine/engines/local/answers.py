"""Short answers to the question just asked: "the receptionist" after "Who are you talking
to?" is the partner, "I don't know" is nothing."""

from __future__ import annotations

from scenario_engine.domain.slots import Slot
from scenario_engine.engines.local.normalize import CLAUSE
from scenario_engine.engines.local.patterns import (
    KO_TRAILING_ENDINGS,
    NEGATORS,
    NON_ANSWER_PARTS,
    NON_ANSWERS,
    TRAILING_NOISE,
)
from scenario_engine.engines.local.phrases import finish

MAX_BARE_WORDS = 5


def bare_answer(tokens: list[str], slot: Slot) -> str | None:
    """A short answer to the question just asked, taken as the value of the asked slot."""
    words = [token for token in tokens if token != CLAUSE]
    joined = " ".join(words)
    if len(words) > MAX_BARE_WORDS or any(part in joined for part in NON_ANSWER_PARTS):
        return None
    if not any(char.isalpha() for char in joined):
        return None  # "0", "??": nothing a place, a person or a goal is called
    if any(word in NEGATORS for word in words) or all(word in NON_ANSWERS for word in words):
        return None
    while words and words[-1] in TRAILING_NOISE:
        words.pop()
    if words:
        last = words[-1]
        for ending in KO_TRAILING_ENDINGS:
            if last.endswith(ending) and len(last) > len(ending):
                words[-1] = last.removesuffix(ending)
                break
    return finish(words, slot)

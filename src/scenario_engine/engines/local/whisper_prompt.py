"""The words Whisper is primed with: a learner's first sentence, then the vocabulary's places
and partners.

Whisper continues its prompt's style and favours its words, so a learner's "receptionist" or
"pharmacist" is written as such and not as a sound-alike, and "I'm at the bank" as that and not
"I met the bank". Only canonical places and partners go in (the nouns that are hard to hear;
goals are common verbs), in vocabulary order, up to ``max_words`` words: a prompt is decoded
with every turn, and faster-whisper keeps at most 223 of its tokens.
"""

from __future__ import annotations

from typing import Final

from scenario_engine.engines.local.vocabulary import Vocabulary

LEARNER_EXAMPLE: Final = "I'm at the hotel. I want to check in."
"""Put first, in the words learners start with. Dev split (10 s window, beam 5): eSpeak
en-us+klatt 20.0 -> 16.1 % WER, en-us 13.8 -> 10.1 %, human 4.2 % both; the same sentence
after the vocabulary, or one sentence per place and partner, cost the human recordings
3 points (docs/benchmarks.md)."""


def vocabulary_prompt(vocabulary: Vocabulary, max_words: int = 80) -> str:
    """ "I'm at the hotel. ... Places and people: the hotel, the receptionist, ..."."""
    places = [term.canonical for term in vocabulary.places]
    partners = [term.canonical for term in vocabulary.partners]
    chosen: list[str] = []
    words = 0
    for place, partner in zip(places, partners, strict=False):
        pair = f"the {place}, the {partner}"
        words += len(pair.split())
        if words > max_words:
            break
        chosen.append(pair)
    return f"{LEARNER_EXAMPLE} Places and people: " + ", ".join(chosen) + "."

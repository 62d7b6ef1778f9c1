"""The words Whisper is primed with: the vocabulary's places and partners, as a prompt.

Whisper continues its prompt's style and favours its words, so a learner's "receptionist" or
"pharmacist" is written as such and not as a sound-alike. Only canonical places and partners
go in (the nouns that are hard to hear; goals are common verbs), in vocabulary order, up to
``max_words`` words: a prompt is decoded with every turn, and faster-whisper keeps at most
223 of its tokens.
"""

from __future__ import annotations

from scenario_engine.engines.local.vocabulary import Vocabulary


def vocabulary_prompt(vocabulary: Vocabulary, max_words: int = 80) -> str:
    """ "At the hotel, talking to the receptionist." style text naming the vocabulary's terms."""
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
    return "Places and people: " + ", ".join(chosen) + "."

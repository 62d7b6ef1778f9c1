"""Open-ended phrases captured from grammar when the vocabulary has no word for them.

"I'm at a pet store" has no vocabulary place, yet the learner clearly said where they are;
"at the X", "talk to the Y", "I want to Z" say which slot X, Y, Z fill (Korean is read from
its morphemes instead, in korean_reading.py). Captures never cross a vocabulary match of their
own slot (the vocabulary is more reliable) and are rejected when they look like time, manner or
a pronoun ("in the morning").
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from scenario_engine.domain.slots import Slot
from scenario_engine.engines.local.english_goals import (
    gerund_goal_start,
    joins_nouns,
    shape_goal,
    verb_lemma,
)
from scenario_engine.engines.local.matcher import Mention
from scenario_engine.engines.local.normalize import (
    CLAUSE,
    POSSESSIVES,
    SKIP_WORDS,
    english_forms,
    is_hangul,
    lemmas_of,
)
from scenario_engine.engines.local.patterns import (
    GOAL_TRIGGERS,
    GOAL_VERBS,
    LEADING_NOISE,
    MAX_PHRASE_CHARS,
    MAX_PHRASE_WORDS,
    NON_ANSWERS,
    NOT_PARTNERS,
    NOT_PLACE_STARTS,
    NOT_PLACES,
    PHRASE_STOPS,
    TALK_VERBS,
)

_GOAL_STOPS = frozenset(
    {CLAUSE, "and", "or", "but", "so", "because", "cause", "cuz", "please", "then", "i", "im",
     "we", "were", "at", "from", "who", "which", "while", "when", "since", "if", "no", "not",
     "wait", "sorry", "actually", "talking", "speaking"}
)
_NEEDS_TO = frozenset({"say", "saying", "explain", "explaining", "complain", "complaining"})
_DANGLING = SKIP_WORDS | POSSESSIVES | {"of", "to", "for"}
_DETERMINED = SKIP_WORDS | POSSESSIVES
"""An open place after "in" needs one of these: "in a pub" is a venue, "in Seoul" a city."""
_NOT_PLACE_AFTER = frozenset({"look", "looking", "good", "bad", "great", "interested", "check"})


@dataclass(frozen=True, slots=True)
class Phrase:
    """A captured open-ended value and where it starts (for ordering and corrections)."""

    slot: Slot
    value: str
    start: int
    end: int
    framed: bool = True
    """False for a value no frame introduced (a Korean compound noun without a particle)."""


def capture_phrases(tokens: list[str], mentions: list[Mention]) -> list[Phrase]:
    """Every open-ended phrase a frame introduces; partners first, so that a goal can leave
    out the person it mentions."""
    covered: dict[int, set[Slot]] = {}
    for mention in mentions:
        for index in range(mention.start, mention.end + 1):
            covered.setdefault(index, set()).update(mention.slots())
    phrases: list[Phrase] = []
    for index, token in enumerate(tokens):
        if index in covered:
            continue
        if is_hangul(token):
            continue  # Korean is read from its morphemes (korean_reading.py)
        previous = tokens[index - 1] if index else ""
        if token in ("at", "in") and previous not in _NOT_PLACE_AFTER:
            following = tokens[index + 1] if index + 1 < len(tokens) else ""
            if token == "in" and following not in _DETERMINED:
                continue  # "in Canada", "in New York", "in class": a region or a state
            phrases.extend(_capture(tokens, index + 1, Slot.PLACE, covered))
        elif token in TALK_VERBS:
            linked = index + 1 < len(tokens) and tokens[index + 1] in ("to", "with")
            if not linked and token in _NEEDS_TO:
                continue  # "what to say yet": "say" names a listener only with "to"
            after = index + 2 if linked else index + 1
            phrases.extend(_capture(tokens, after, Slot.PARTNER, covered))
        elif token == "with" and index + 1 < len(tokens) and tokens[index + 1] in POSSESSIVES:
            phrases.extend(_capture(tokens, index + 1, Slot.PARTNER, covered))
    for phrase in phrases:  # a partner inside a goal is left out of it: "ask [the host] for..."
        if phrase.slot is Slot.PARTNER:
            for index in range(phrase.start, phrase.end + 1):
                covered.setdefault(index, set()).add(Slot.PARTNER)
    for index in range(len(tokens)):
        other = covered.get(index, set()) - {Slot.GOAL}  # a goal may start on a goal alias
        start = None if other else _goal_start(tokens, index)
        if start is not None:
            told = not gerund_goal_start(tokens, index)  # "I want to..." over "I'm getting on"
            phrases.extend(replace(p, framed=told) for p in _capture(tokens, start, Slot.GOAL,
                                                                     covered))
    phrases.extend(_ride(tokens))
    heading = _heading_place(tokens, covered)
    if heading and (phrases or any(mention.start > heading.end for mention in mentions)):
        phrases.insert(0, heading)  # a card states more than its place ("<script>" does not)
    return phrases


_HEADING_NOISE = frozenset({"um", "uh", "ok", "okay", "so", "well", "hmm", "like", "the", "a"})
_NOT_HEADINGS = NON_ANSWERS | {
    "user", "assistant", "system", "hey", "please", "help", "place", "partner", "goal",
    "situation", "scene", "scenario", "setting", "location", "role", "roleplay", "practice",
    "topic", "background", "context", "test", "note", "question", "example"}
"""A greeting, a chat role ("</user>") or the name of a slot ("Place: ...") opens no scene."""


def _heading_place(tokens: list[str], covered: dict[int, set[Slot]]) -> Phrase | None:
    """ "Car wash, I wanna ask the attendant...": a learner who opens with a bare noun phrase
    and a pause writes the scene's card, place first; the vocabulary's words are read by it."""
    start = 0
    while start < len(tokens) and tokens[start] in _HEADING_NOISE:
        start += 1
    end = start
    while end < len(tokens) and tokens[end] != CLAUSE:
        end += 1
    words = tokens[start:end]
    if not 1 <= len(words) <= 3 or end + 1 >= len(tokens):
        return None
    for index, word in enumerate(words, start):
        lemmas = lemmas_of(word)
        if index in covered or not word.isalpha() or not word.isascii() or word in SKIP_WORDS \
                or word in POSSESSIVES or word in NOT_PLACES or word in _GOAL_STOPS \
                or word in _NOT_HEADINGS or (lemmas and "NOUN" not in lemmas and not (
                    index < end - 1 and word.endswith("ing"))):
            return None  # nouns ("laundromat" is in no dictionary), or a "bowling alley"
    return Phrase(Slot.PLACE, " ".join(words), start, end - 1)


_ASK_OR_TELL = frozenset({"ask", "asking", "tell", "telling"})
_RIDES = (("go", "to"), ("take", "me", "to"), ("take", "us", "to"), ("drive", "me", "to"),
          ("bring", "me", "to"))


def _ride(tokens: list[str]) -> list[Phrase]:
    """ "telling the driver to take me to Seoul Station": the learner asks for a ride, and
    the goal is getting there ("go to seoul station")."""
    for index, token in enumerate(tokens):
        if token not in _ASK_OR_TELL:
            continue
        to = next((i for i in range(index + 1, min(index + 5, len(tokens)))
                   if tokens[i] == "to"), None)
        if to is None:
            continue
        for ride in _RIDES:
            if tuple(tokens[to + 1 : to + 1 + len(ride)]) == ride:
                start = to + 1 + len(ride)
                words: list[str] = []
                while start + len(words) < len(tokens) and len(words) < 4 and (
                    tokens[start + len(words)] not in PHRASE_STOPS
                ):
                    words.append(tokens[start + len(words)])
                if words and not any(word in POSSESSIVES for word in words[:1]):
                    return [Phrase(Slot.GOAL, f"go to {' '.join(words)}", to + 1,
                                   start + len(words) - 1)]
    return []


def finish(words: list[str], slot: Slot) -> str | None:
    """Normalize a phrase: leading determiners off, capped in words and characters."""
    while words and words[0] in LEADING_NOISE:
        words = words[1:]
    words = words[: MAX_PHRASE_WORDS[slot]]
    text = " ".join(words)
    if len(text) > MAX_PHRASE_CHARS:
        text = text[:MAX_PHRASE_CHARS].rsplit(" ", 1)[0] if " " in text else text[:MAX_PHRASE_CHARS]
    return text or None


def _goal_start(tokens: list[str], index: int) -> int | None:
    if gerund_goal_start(tokens, index):
        return index
    after = tokens[index + 1] if index + 1 < len(tokens) else ""
    if tokens[index] in ("need", "want") and verb_lemma(after) in GOAL_VERBS:
        return index + 1  # "I need order pizza": a learner's "need to" without "to"
    if tokens[index] in ("i", "we") and after in GOAL_VERBS:
        return index + 1  # "I rent skis from the staff": the learner's present is the scene
    for trigger in GOAL_TRIGGERS:
        if tuple(tokens[index : index + len(trigger)]) == trigger:
            return index + len(trigger)
    if tokens[index] == "to" and index + 1 < len(tokens):
        following = english_forms(tokens[index + 1])
        before = tokens[index - 1] if index else ""
        if any(form in GOAL_VERBS for form in following) and before not in ("want", "need", "like"):
            return index + 1
    return None


def _capture(
    tokens: list[str], start: int, slot: Slot, covered: dict[int, set[Slot]]
) -> list[Phrase]:
    words: list[str] = []
    index = start
    while index < len(tokens) and tokens[index] in LEADING_NOISE and slot is not Slot.GOAL:
        if tokens[index] == "to" and index > start:
            return []  # "ask her to turn the music down": "her" is the person, no name of one
        if slot is Slot.PLACE and tokens[index] in ("his", "her", "their"):
            return []  # "the tailor... I'm at his shop": whose place, not which
        index += 1
    stops = _GOAL_STOPS if slot is Slot.GOAL else PHRASE_STOPS
    first = index
    while index < len(tokens) and len(words) < MAX_PHRASE_WORDS[slot]:
        token = tokens[index]
        if (token in stops and not (slot is Slot.GOAL and joins_nouns(tokens, index))) or (
            is_hangul(token)
        ):
            break
        slots_here = covered.get(index, set())
        if slot in slots_here and slot is not Slot.GOAL:
            return []  # the vocabulary already names this value
        if slots_here and slot is Slot.GOAL and Slot.PARTNER in slots_here:
            if words and words[-1] in SKIP_WORDS | POSSESSIVES:
                words.pop()  # "ask [the flight attendant] for a blanket"
        elif slots_here and slot is not Slot.GOAL:
            if slots_here != {Slot.GOAL}:
                return []  # "the insurance [company]": the words only modify another noun
            break  # "at macdonalds [ordering] a burger": the phrase ends at another slot's word
        elif slot is not Slot.GOAL and index > first and token.endswith("ing") and not (
            index + 1 < len(tokens) and "NOUN" in lemmas_of(tokens[index + 1])
            and tokens[index + 1] not in SKIP_WORDS
        ):
            break  # "at the store buying a dress"; but "a pet grooming salon" is one name
        else:
            words.append(token)
        index += 1
    while words and words[-1] in _DANGLING:
        words.pop()
    if not words or (slot is not Slot.GOAL and any(c.isdigit() for w in words for c in w)):
        return []
    if slot is Slot.PLACE and (words[-1] in NOT_PLACES or words[0] in NOT_PLACE_STARTS):
        return []
    if slot is Slot.PARTNER and any(word in NOT_PARTNERS for word in words):
        return []
    if slot is Slot.GOAL:
        shaped = shape_goal(words)
        if shaped is None:
            return []
        words = shaped
    value = finish(words, slot)
    return [Phrase(slot, value, start, index - 1)] if value else []

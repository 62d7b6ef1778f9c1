"""The grammar around a vocabulary mention: which slot its frame says, whether it is negated
or corrected, and how the learner said it.

"at the X" puts X in the place, "talk to the X" in the partner, "for a X" nowhere; a
correction ("no wait", "아니") starts a new segment whose values win; "not the bank" and
"은행 말고" negate the value next to them.
"""

from __future__ import annotations

from scenario_engine.domain.slots import Slot
from scenario_engine.engines.local.matcher import KO_PARTICLES, Mention
from scenario_engine.engines.local.normalize import (
    CLAUSE,
    POSSESSIVES,
    SKIP_WORDS,
    is_hangul,
    lemmas_of,
)
from scenario_engine.engines.local.patterns import (
    CORRECTION_WORDS,
    KO_NEGATORS,
    KO_PARTNER_ENDINGS,
    KO_PLACE_ENDINGS,
    MOTION_VERBS,
    NEGATION_GAP,
    NEGATORS,
    NOT_A_PLACE_BEFORE,
    PLACE_PREPOSITIONS,
    TALK_VERBS,
)

ANTI = "anti"
"""The frame of a place named after "for", "from", "near"...: not where the learner is."""
DESTINATION = "destination"
"""The frame of a place the learner is going to ("going to the museum"): where they are when
nothing else is named, but a place named otherwise ("it's a taxi") is where the talk is."""

GOAL_MODIFIERS = frozenset({"late", "early", "express", "online", "mobile", "self"})
"""Words before a goal alias that make it a different request: "late checkout"."""
MODIFIED_NOUNS = frozenset(
    {"license", "licence", "pass", "card", "fare", "number", "schedule", "route", "app",
     "account", "insurance", "bill", "bus", "receipt", "reservation", "booking", "policy", "rules",
     "hours", "website", "appointment"}
)
FUNCTION_WORDS = frozenset(
    {"of", "out", "up", "off", "at", "in", "on", "to", "for", "from", "with", "and", "or", "but",
     "so", "yeah", "yes", "no", "ok", "okay", "like", "just", "very", "really", "here", "there",
     "now", "then", "also", "too", "not", "um", "uh", "oh", "well", "im", "its", "id"}
)
"""Words lemminflect has no part of speech for that are no nouns either."""
_DESCRIBING = frozenset(
    {"small", "big", "large", "little", "new", "old", "nice", "good", "bad", "cheap",
     "expensive", "fancy", "local", "nearby", "busy", "quiet", "famous", "popular", "favorite",
     "favourite", "same", "other", "different", "usual", "nearest", "closest", "next", "best",
     "huge", "tiny", "cute", "cozy", "crowded"}
)
"""Adjectives that describe a place rather than name its kind: "a small noodle shop"."""
TIME_WORDS = frozenset({"after", "before", "since", "during", "until"})
"""A goal alias after these names a time, not the request: "I left it in the room after check
out"."""
_GOVERNORS = frozenset(
    {"want", "wanna", "need", "like", "get", "have", "make", "book", "do", "take", "ask",
     "request", "schedule", "for", "please", "about", "try", "practice", "practise"}
)
"""Words that make a following noun the learner's request: "I want a haircut", "here for a
haircut"; lemmas, so "asking", "wanted" count."""
_NOT_PERSON_WORDS = frozenset({"desk", "service", "center", "centre", "counter", "support",
                               "office", "reception", "line"})
"""Partner aliases ending in these name a place or service ("front desk"): the canonical person
is said instead."""


def said_words(tokens: list[str], mention: Mention, taken: frozenset[int]) -> str | None:
    """The mention's English words without determiners, the last one singular, with the
    nouns before it that no vocabulary word covers ("the camp manager", not "supermarket
    cashier": ``taken`` holds the tokens of every mention)."""
    if mention.rest or any(is_hangul(t) for t in tokens[mention.start : mention.end + 1]):
        return None
    words = [t for t in tokens[mention.start : mention.end + 1] if t not in SKIP_WORDS]
    if not words or words[-1] in _NOT_PERSON_WORDS:
        return None
    lemmas = lemmas_of(words[-1]).get("NOUN")
    if lemmas and words[-1].endswith("s"):
        words[-1] = lemmas[0]
    compound = place_compound(tokens, mention)
    modifiers = compound.split()[: -(mention.end - mention.start + 1)] if compound else []
    first = mention.start - len(modifiers)
    if any(index in taken for index in range(first, mention.start)):
        modifiers = []
    return " ".join([*modifiers, *words])


def service_point(tokens: list[str], mention: Mention) -> str | None:
    """A partner alias that names a desk ("front desk", "reception", "customer service"), in
    English and framed as a place: the place, in the learner's words with the nouns before it
    ("the hotel front desk"); the person there is not stated."""
    if Slot.PARTNER not in mention.slots() or mention.rest:
        return None
    words = tokens[mention.start : mention.end + 1]
    following = tokens[mention.end + 1] if mention.end + 1 < len(tokens) else ""
    if any(is_hangul(t) for t in [*words, following]) or words[-1] not in _NOT_PERSON_WORDS:
        return None  # "front desk에 call할 거예요": the desk is called, its person the partner
    if following == "of":
        return None  # "the front desk of the hotel": the hotel says where
    return place_compound(tokens, mention) or " ".join(words)


def place_words(tokens: list[str], mention: Mention) -> str | None:
    """The English words the learner used for a vocabulary place, with the nouns before it
    ("a noodle shop", "the DMV office"), or ``None`` where the canonical place says it better:
    Korean, or a word that names a person too ("at the doctor's")."""
    if mention.rest or any(is_hangul(t) for t in tokens[mention.start : mention.end + 1]):
        return None
    if len(mention.slots()) > 1 or (mention.start and tokens[mention.start - 1] in POSSESSIVES):
        return None  # "at the doctor's" names a person too; "in my room" a thing of a place
    said = place_compound(tokens, mention) or " ".join(tokens[mention.start : mention.end + 1])
    words = said.split()
    if any(word.endswith("s") and word != _singular(word) for word in words[:-1]):
        return None  # "dentists office": the apostrophe is lost, the canonical says it right
    return said or None


def _singular(word: str) -> str:
    lemmas = lemmas_of(word).get("NOUN")
    return lemmas[0] if lemmas else word


def place_compound(tokens: list[str], mention: Mention) -> str | None:
    """A vocabulary place with the nouns the learner put before it, when there are any:
    "at the district office" is a district office, not just an office; "a small noodle shop"
    is a noodle shop."""
    if mention.rest:
        return None
    index = mention.start - 1
    words: list[str] = []
    while index >= 0 and len(words) < 2:
        token = tokens[index]
        lemmas = lemmas_of(token)
        unknown = (not lemmas and token.isascii() and token.isalpha()  # "campsite", "dmv"
                   and token not in FUNCTION_WORDS)
        noun = "NOUN" in lemmas or unknown
        if token in SKIP_WORDS or token in POSSESSIVES or token in FUNCTION_WORDS or not noun or (
            token == tokens[mention.start]  # "pharmacy pharmacy": a recognizer's repeat
        ) or (
            "VERB" in lemmas and token.endswith("ing")
        ) or token in PLACE_PREPOSITIONS or token in _DESCRIBING:
            break
        words.insert(0, token)
        index -= 1
    if not words or (index >= 0 and tokens[index] in POSSESSIVES):
        return None  # "my son school": the noun before is whose place it is
    return " ".join([*words, *tokens[mention.start : mention.end + 1]])


def governed_goal(tokens: list[str], mention: Mention) -> bool:
    """Whether a vocabulary goal is requested, not just named. An alias that starts with a
    verb ("check out", "order food") is an action; a noun alias ("checkup", "parent-teacher
    meeting") is a request only after a verb or "for"/"please" within two words ("I have a
    checkup", "a haircut, please"), or when "please" follows it. Korean is read from its
    morphemes and passes."""
    first = tokens[mention.start]
    before = tokens[mention.start - 1] if mention.start else ""
    if before in TIME_WORDS:
        return False
    if is_hangul(first) or "VERB" in lemmas_of(first) or _glued_phrasal_verb(first):
        return True
    after = tokens[mention.end + 1 : mention.end + 3]
    if "please" in after:
        return True
    index, seen = mention.start - 1, 0
    while index >= 0 and seen < 2 and tokens[index] != CLAUSE:
        token = tokens[index]
        index -= 1
        if token in SKIP_WORDS or token in POSSESSIVES:
            continue
        forms = {token, *lemmas_of(token).get("VERB", ())}
        if forms & _GOVERNORS:
            return True
        seen += 1
    return False


def _glued_phrasal_verb(word: str) -> bool:
    """ "checkin", "checkout": a verb and its particle written (or transcribed) as one word."""
    return any(
        word.endswith(particle) and "VERB" in lemmas_of(word.removesuffix(particle))
        for particle in ("in", "out", "up", "off")
    )


def segments(tokens: list[str]) -> list[int]:
    """For each token, how many corrections precede it ("no wait", "I mean", "아니")."""
    segments: list[int] = []
    count = 0
    for index, token in enumerate(tokens):
        segments.append(count)
        if token == "no" and not standalone_no(tokens, index):
            continue  # "there's no hot water": a determiner, no correction
        if token in CORRECTION_WORDS or (
            token in ("mean", "meant") and index and tokens[index - 1] == "i"
        ):
            count += 1
    return segments


def standalone_no(tokens: list[str], index: int) -> bool:
    """ "no" on its own corrects ("no, the post office", "no wait"); "with no ice" does not."""
    before = tokens[index - 1] if index else CLAUSE
    after = tokens[index + 1] if index + 1 < len(tokens) else CLAUSE
    return before == CLAUSE or after == CLAUSE or after in CORRECTION_WORDS


def frame(tokens: list[str], mention: Mention) -> Slot | str | None:
    """Which slot the surrounding grammar puts the mention in, or ``ANTI`` for "for a X"."""
    rest = mention.rest
    if not rest and mention.end + 1 < len(tokens) and tokens[mention.end + 1] in KO_PARTICLES:
        rest = tokens[mention.end + 1]  # "airport 에서": an English noun, a Korean particle
    if rest.startswith("까지") or rest in ("로", "으로", "로요", "으로요") or (
        not mention.rest and _ride_asked(tokens[mention.end + 1 : mention.end + 3])
    ):
        return ANTI  # "공항까지 가 주세요", "호텔로요", "공항 가 달라고": where the ride ends
    if rest.startswith(KO_PARTNER_ENDINGS):
        return Slot.PARTNER
    if rest.startswith(KO_PLACE_ENDINGS):
        return Slot.PLACE
    index, seen = mention.start - 1, 0
    while index >= 0 and seen < 2 and tokens[index] != CLAUSE:
        token = tokens[index]
        if token in SKIP_WORDS or token in POSSESSIVES:
            index -= 1
            continue
        if token in PLACE_PREPOSITIONS:
            return Slot.PLACE
        if token == "to":
            before = tokens[index - 1] if index else ""
            if before in MOTION_VERBS:
                return DESTINATION
            return Slot.PARTNER if before in TALK_VERBS else ANTI  # "directions to the X"
        if token == "with" or token in TALK_VERBS:
            return Slot.PARTNER
        if token in NOT_A_PLACE_BEFORE:
            return ANTI
        seen += 1
        index -= 1
    return None


def _ride_asked(following: list[str]) -> bool:
    """ "가 달라고", "가주세요": the learner asks to be taken to the noun before."""
    if not following or not following[0].startswith("가"):
        return False
    asked = following[0][1:] or (following[1] if len(following) > 1 else "")
    return asked.startswith(("달", "주"))


def companion(tokens: list[str], start: int) -> bool:
    """A person the learner is with, not the one they talk to: "in a pub with my British
    coworkers" (but "talking with my landlord" is the partner)."""
    index = start - 1
    while index >= 1 and start - index <= 3 and tokens[index] != CLAUSE:
        if tokens[index] in POSSESSIVES and tokens[index - 1] == "with":
            before = tokens[index - 2] if index >= 2 else ""
            return before not in TALK_VERBS
        index -= 1
    return False


def negated(tokens: list[str], mention: Mention) -> bool:
    """Korean negation follows the value ("은행 말고", "약국이 아니라"), English precedes it."""
    if mention.rest.startswith(KO_NEGATORS):
        return True
    following = tokens[mention.end + 1] if mention.end + 1 < len(tokens) else ""
    if mention.rest in KO_PARTICLES and following.startswith(KO_NEGATORS):
        return True
    return negated_at(tokens, mention.start)


def negated_korean(tokens: list[str], end: int) -> bool:
    """A Korean value is negated by what follows it: "은행 말고", "약국이 아니라"."""
    following = tokens[end + 1 : end + 2]
    return tokens[end].endswith(KO_NEGATORS[:1]) or any(
        token.startswith(KO_NEGATORS) for token in following
    )


def negated_at(tokens: list[str], start: int) -> bool:
    """English negation before a value: "not the bank", "I don't want to check out"."""
    index = start - 1
    while index >= 0 and start - index <= 5:
        token = tokens[index]
        if token in NEGATORS:
            return True
        if token not in NEGATION_GAP:
            return False
        index -= 1
    return False

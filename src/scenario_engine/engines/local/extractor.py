"""The local engine's slot extractor: place, partner and goal from one learner utterance.

Deterministic and pure, so it is tested on a data file and benchmarked without a server. It
prefers saying nothing to guessing: a slot is filled only from words the learner said, and
"typical partners of a place" only breaks ties between such words.

Decision order for each slot, best first: the value stated after the last correction ("at the
bank, no wait, the post office"), a vocabulary value over an open-ended phrase, a value in a
grammatical frame for that slot ("at the X"), an alias naming the action over one naming its
object over a bare verb ("my laptop is broken"), a value typical of the chosen place, the
earliest mention.
"""

from __future__ import annotations

from dataclasses import dataclass

from lemminflect import getAllLemmas

from scenario_engine.domain.slots import Slot, SlotValues
from scenario_engine.engines.local.korean_reading import read_korean
from scenario_engine.engines.local.lexicon import KoreanLexicon, load_lexicon
from scenario_engine.engines.local.matcher import KO_PARTICLES, AliasMatcher, Entry, Mention
from scenario_engine.engines.local.morphology import warm_up
from scenario_engine.engines.local.normalize import (
    CLAUSE,
    POSSESSIVES,
    SKIP_WORDS,
    is_hangul,
    tokenize,
)
from scenario_engine.engines.local.patterns import (
    CORRECTION_WORDS,
    KO_NEGATORS,
    KO_PARTNER_ENDINGS,
    KO_PLACE_ENDINGS,
    KO_TRAILING_ENDINGS,
    MOTION_VERBS,
    NEGATION_GAP,
    NEGATORS,
    NON_ANSWER_PARTS,
    NON_ANSWERS,
    NOT_A_PLACE_BEFORE,
    PLACE_PREPOSITIONS,
    TALK_VERBS,
    TRAILING_NOISE,
    strip_injections,
)
from scenario_engine.engines.local.phrases import capture_phrases, finish
from scenario_engine.engines.local.vocabulary import (
    GENERIC_STAFF,
    STRONG,
    Vocabulary,
    load_vocabulary,
)

_ANTI = "anti"
_ANALYSED = STRONG + 1
"""Strength of a place or partner read from Korean morphology: its particle says the slot."""
_LAST_RANK = 1 << 16


def _analysed_rank(slot: Slot) -> tuple[int, int]:
    """Strength and rank of a value read from Korean morphology: a place or partner is framed
    by its particle and beats a bare vocabulary word; a goal from the lexicon ties with a
    vocabulary alias that names the action and loses the tie, since those aliases were written
    for their exact phrases ("짐 부치" -> check a bag)."""
    return (STRONG, _LAST_RANK) if slot is Slot.GOAL else (_ANALYSED, 0)
_MAX_BARE_WORDS = 5


@dataclass(frozen=True, slots=True)
class _Candidate:
    slot: Slot
    value: str
    segment: int
    from_vocabulary: bool
    framed: bool
    strength: int
    start: int
    rank: int
    said: str | None = None
    """The English words the learner used for a vocabulary value ("salesman" for sales clerk)."""


class SlotExtractor:
    """Extracts the slots a learner stated; see the module docstring for how it decides."""

    def __init__(
        self, vocabulary: Vocabulary | None = None, lexicon: KoreanLexicon | None = None
    ) -> None:
        vocabulary = vocabulary or load_vocabulary()
        self._lexicon = lexicon or load_lexicon()
        warm_up()  # the analyzers load here, at start-up, not on a learner's turn
        self._matcher = AliasMatcher(vocabulary)
        self._typical = vocabulary.typical_by_place()
        self._staff = vocabulary.staff_by_place()

    def extract(self, text: str, awaiting: Slot | None = None) -> SlotValues:
        """Slots stated in ``text``; ``awaiting`` is the slot the service just asked about."""
        tokens = tokenize(strip_injections(text))
        if not tokens:
            return SlotValues()
        mentions = self._merge_staff(tokens, self._matcher.find(tokens))
        segments = _segments(tokens)
        candidates = [
            candidate
            for mention in mentions
            if not _negated(tokens, mention)
            for candidate in self._candidates(tokens, mention, segments, awaiting)
        ]
        for phrase in capture_phrases(tokens, mentions):
            if not _negated_at(tokens, phrase.start):
                candidates.append(
                    _Candidate(phrase.slot, phrase.value, segments[phrase.start], False, True,
                               STRONG, phrase.start, 0)
                )
        korean = any(is_hangul(token) for token in tokens)
        if korean:
            for phrase in read_korean(tokens, self._lexicon):
                if not _negated_korean(tokens, phrase.end):
                    strength, rank = _analysed_rank(phrase.slot)
                    candidates.append(
                        _Candidate(phrase.slot, phrase.value, segments[phrase.start], True,
                                   phrase.slot is not Slot.GOAL, strength, phrase.start, rank)
                    )
        values = self._choose(candidates)
        if awaiting is not None and values.is_empty():
            values = values.with_value(awaiting, _bare_answer(tokens, awaiting))
        return _english_only(values)

    def _merge_staff(self, tokens: list[str], mentions: list[Mention]) -> list[Mention]:
        """A place or partner followed by a generic staff word names one partner, not a place:
        "은행 직원" is a bank teller, "check-in counter staff" a check-in agent."""
        merged: list[Mention] = []
        for mention in mentions:
            previous = merged[-1] if merged else None
            is_staff = all(e.canonical == GENERIC_STAFF for e in mention.entries)
            if previous and is_staff and previous.end + 1 == mention.start and not previous.rest:
                first = previous.entries[0]
                partner = first.canonical
                if first.slot is Slot.PLACE:
                    partner = self._staff.get(first.canonical, GENERIC_STAFF)
                if first.slot is not Slot.GOAL:
                    entry = Entry(Slot.PARTNER, partner, first.rank, first.strength)
                    merged[-1] = Mention(previous.start, mention.end, (entry,), mention.rest,
                                         previous.size + mention.size)
                    continue
            merged.append(mention)
        return merged

    def _candidates(
        self, tokens: list[str], mention: Mention, segments: list[int], awaiting: Slot | None
    ) -> list[_Candidate]:
        frame = _frame(tokens, mention)
        slots = mention.slots()
        if len(slots) > 1:
            if isinstance(frame, Slot) and frame in slots:
                slots = {frame}
            elif awaiting in slots:
                slots = {awaiting}
            else:
                slots = {mention.entries[0].slot}
        following = tokens[mention.end + 1] if mention.end + 1 < len(tokens) else ""
        if following in MODIFIED_NOUNS and not mention.rest:
            return []  # "driver license", "bus pass": the word only describes another noun
        said = _said(tokens, mention)
        return [
            _Candidate(entry.slot, entry.canonical, segments[mention.start], True,
                       frame == entry.slot, entry.strength, mention.start, entry.rank,
                       said if entry.slot in SAID_SLOTS else None)
            for entry in mention.entries
            if entry.slot in slots and not (entry.slot is Slot.PLACE and frame == _ANTI)
        ]

    def _choose(self, candidates: list[_Candidate]) -> SlotValues:
        def best(slot: Slot, typical: frozenset[str]) -> _Candidate | None:
            own = [c for c in candidates if c.slot is slot]
            if not own:
                return None
            return max(
                own,
                key=lambda c: (c.segment, c.from_vocabulary, c.framed, c.strength,
                               c.value in typical, -c.start, -c.rank),
            )

        stated = frozenset(c.value for c in candidates if c.slot is not Slot.PLACE)
        places = [c for c in candidates if c.slot is Slot.PLACE]
        fitting = frozenset(c.value for c in places if self._typical_of(c.value) & stated)
        chosen_place = best(Slot.PLACE, fitting)
        place = chosen_place.value if chosen_place else None
        typical = self._typical_of(place) if place else frozenset()
        partner = best(Slot.PARTNER, typical)
        goal = best(Slot.GOAL, typical)
        return SlotValues(place, self._partner_value(partner, place), goal and goal.value)

    def _partner_value(self, partner: _Candidate | None, place: str | None) -> str | None:
        """The words the learner used for the partner, or the place's own staff for a bare
        "staff"/"직원" at a known place ("카페에서 직원한테" -> barista)."""
        if partner is None:
            return None
        if partner.value == GENERIC_STAFF and place:
            return self._staff.get(place) or f"{place} staff"
        typical = self._typical_of(place) if place else frozenset()
        if partner.said is None or (
            partner.value in typical and partner.value.endswith(" " + partner.said)
        ):
            return partner.value  # "the driver" in a taxi: the place says which driver
        return partner.said

    def _typical_of(self, place: str) -> frozenset[str]:
        return self._typical.get(place, frozenset())


SAID_SLOTS = frozenset({Slot.PARTNER})
MODIFIED_NOUNS = frozenset(
    {"license", "licence", "pass", "card", "fare", "number", "schedule", "route", "app",
     "account", "insurance", "bill", "receipt", "reservation", "booking", "policy", "rules",
     "hours", "website", "appointment"}
)
_NOT_PERSON_WORDS = frozenset({"desk", "service", "center", "centre", "counter", "support",
                               "office", "reception", "line"})
"""Partner aliases ending in these name a place or service ("front desk"): the canonical person
is said instead."""


def _said(tokens: list[str], mention: Mention) -> str | None:
    """The mention's English words without determiners, the last one singular."""
    if mention.rest or any(is_hangul(t) for t in tokens[mention.start : mention.end + 1]):
        return None
    words = [t for t in tokens[mention.start : mention.end + 1] if t not in SKIP_WORDS]
    if not words or words[-1] in _NOT_PERSON_WORDS:
        return None
    lemmas = getAllLemmas(words[-1]).get("NOUN")
    if lemmas and words[-1].endswith("s"):
        words[-1] = lemmas[0]
    return " ".join(words)


def _segments(tokens: list[str]) -> list[int]:
    """For each token, how many corrections precede it ("no wait", "I mean", "아니")."""
    segments: list[int] = []
    count = 0
    for index, token in enumerate(tokens):
        segments.append(count)
        if token in CORRECTION_WORDS or (token == "mean" and index and tokens[index - 1] == "i"):
            count += 1
    return segments


def _frame(tokens: list[str], mention: Mention) -> Slot | str | None:
    """Which slot the surrounding grammar puts the mention in, or ``_ANTI`` for "for a X"."""
    rest = mention.rest
    if not rest and mention.end + 1 < len(tokens) and tokens[mention.end + 1] in KO_PARTICLES:
        rest = tokens[mention.end + 1]  # "airport 에서": an English noun, a Korean particle
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
                return Slot.PLACE
            return Slot.PARTNER if before in TALK_VERBS else None
        if token == "with" or token in TALK_VERBS:
            return Slot.PARTNER
        if token in NOT_A_PLACE_BEFORE:
            return _ANTI
        seen += 1
        index -= 1
    return None


def _negated(tokens: list[str], mention: Mention) -> bool:
    """Korean negation follows the value ("은행 말고", "약국이 아니라"), English precedes it."""
    if mention.rest.startswith(KO_NEGATORS):
        return True
    following = tokens[mention.end + 1] if mention.end + 1 < len(tokens) else ""
    if mention.rest in KO_PARTICLES and following.startswith(KO_NEGATORS):
        return True
    return _negated_at(tokens, mention.start)


def _negated_korean(tokens: list[str], end: int) -> bool:
    """A Korean value is negated by what follows it: "은행 말고", "약국이 아니라"."""
    following = tokens[end + 1 : end + 2]
    return tokens[end].endswith(KO_NEGATORS[:1]) or any(
        token.startswith(KO_NEGATORS) for token in following
    )


def _english_only(values: SlotValues) -> SlotValues:
    """The last guard of the rule "every value is English": a value with Hangul is dropped."""
    for slot, value in values.filled().items():
        if any(is_hangul(char) for char in value):
            values = values.with_value(slot, None)
    return values


def _negated_at(tokens: list[str], start: int) -> bool:
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


def _bare_answer(tokens: list[str], slot: Slot) -> str | None:
    """A short answer to the question just asked, taken as the value of the asked slot."""
    words = [token for token in tokens if token != CLAUSE]
    joined = " ".join(words)
    if len(words) > _MAX_BARE_WORDS or any(part in joined for part in NON_ANSWER_PARTS):
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

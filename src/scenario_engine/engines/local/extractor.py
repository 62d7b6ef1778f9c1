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

from scenario_engine.domain.slots import Slot, SlotValues
from scenario_engine.engines.local.answers import bare_answer
from scenario_engine.engines.local.candidate import Candidate, analysed_rank
from scenario_engine.engines.local.corrections import (
    apply_noun_corrections,
    english_stated_positions,
    superseded,
)
from scenario_engine.engines.local.english_goals import goal_object
from scenario_engine.engines.local.korean_goals import not_requested
from scenario_engine.engines.local.korean_reading import (
    ends_inside_a_word,
    read_korean,
    stated_positions,
)
from scenario_engine.engines.local.lexicon import KoreanLexicon, load_lexicon
from scenario_engine.engines.local.matcher import AliasMatcher, Entry, Mention
from scenario_engine.engines.local.mention_grammar import (
    ANTI,
    DESTINATION,
    GOAL_MODIFIERS,
    MODIFIED_NOUNS,
    companion,
    governed_goal,
    negated,
    negated_at,
    negated_korean,
    place_words,
    said_words,
    service_point,
)
from scenario_engine.engines.local.mention_grammar import frame as frame_of
from scenario_engine.engines.local.mention_grammar import (
    segments as segments_of,
)
from scenario_engine.engines.local.morphology import warm_up
from scenario_engine.engines.local.normalize import (
    is_hangul,
    tokenize,
)
from scenario_engine.engines.local.patterns import strip_injections
from scenario_engine.engines.local.phrases import capture_phrases
from scenario_engine.engines.local.slot_choice import SlotChoice
from scenario_engine.engines.local.vocabulary import (
    GENERIC,
    GENERIC_STAFF,
    STRONG,
    Vocabulary,
    load_vocabulary,
)

_OTHERS = frozenset({"his", "her", "their"})
_TITLES = ("선생님", "선생", "쌤")
"""Titles Koreans add to a role ("간호사 선생님"): the role names the partner, not the title."""
HOME = "home"
"""The learner's home is where a story starts, not a role-play's place (unless asked)."""


class SlotExtractor:
    """Extracts the slots a learner stated; see the module docstring for how it decides."""

    def __init__(
        self, vocabulary: Vocabulary | None = None, lexicon: KoreanLexicon | None = None
    ) -> None:
        vocabulary = vocabulary or load_vocabulary()
        self._lexicon = lexicon or load_lexicon()
        warm_up()  # the analyzers load here, at start-up, not on a learner's turn
        self._matcher = AliasMatcher(vocabulary)
        self._staff = vocabulary.staff_by_place()
        self._choice = SlotChoice(vocabulary)

    def extract(self, text: str, awaiting: Slot | None = None) -> SlotValues:
        """Slots stated in ``text``; ``awaiting`` is the slot the service just asked about."""
        tokens = tokenize(strip_injections(text))
        if not tokens:
            return SlotValues()
        found = self._matcher.find(tokens)
        if any(is_hangul(token) for token in tokens):
            found = [m for m in found if not ends_inside_a_word(tokens, m)]
        mentions = self._merge_staff(tokens, found)
        segments = segments_of(tokens)
        refused = {_words_of(tokens, m) for m in mentions if negated(tokens, m)}
        taken = frozenset(i for m in mentions for i in range(m.start, m.end + 1))
        candidates = [  # "my doctor, oh, not doctor, the nurse": a refused word is refused
            candidate
            for mention in mentions
            if _words_of(tokens, mention) not in refused
            for candidate in self._candidates(tokens, mention, segments, awaiting, taken)
        ]
        weak = GENERIC if awaiting is None else -1  # "meeting" alone is not a business meeting
        candidates = [
            c for c in candidates
            if (c.slot is not Slot.GOAL or c.strength == STRONG or awaiting is Slot.GOAL)
            and not (c.slot is Slot.PLACE and c.strength == weak)
        ]
        phrases = capture_phrases(tokens, mentions)
        objects = [range(p.start + 1, p.end + 1) for p in phrases if p.slot is Slot.GOAL]
        candidates = [c for c in candidates if not (  # "looking for an apartment": the object
            c.slot is Slot.PLACE and not c.framed
            and any(c.start in span and goal_object(tokens, span.start, c.start)
                    for span in objects))]
        for phrase in phrases:
            if not negated_at(tokens, phrase.start):
                composed = phrase.slot is Slot.GOAL  # the learner's own verb and object
                candidates.append(
                    Candidate(phrase.slot, phrase.value, segments[phrase.start], composed,
                               phrase.framed, STRONG, phrase.start, 0, None,
                               phrase.slot is Slot.PARTNER and companion(tokens, phrase.start + 1))
                )
        korean = any(is_hangul(token) for token in tokens)
        if korean:
            for phrase in read_korean(tokens, self._lexicon):
                if not negated_korean(tokens, phrase.end):
                    strength, rank = analysed_rank(phrase.slot)
                    framed = phrase.framed and phrase.slot is not Slot.GOAL
                    candidates.append(
                        Candidate(phrase.slot, phrase.value, segments[phrase.start], True,
                                   framed, strength, phrase.start, rank)
                    )
        if awaiting is not Slot.PLACE:  # "when I tried it at home", "집에 와서": background
            candidates = [c for c in candidates if not (c.slot is Slot.PLACE and c.value == HOME)]
        candidates = _one_place_per_compound(candidates, tokens)
        candidates = apply_noun_corrections(candidates, tokens, segments)
        values = self._choice.choose(candidates, tokens, awaiting)
        if max(segments, default=0):
            values = self._drop_superseded(values, candidates, tokens, segments, korean)
        if awaiting is not None and values.is_empty():
            values = values.with_value(awaiting, bare_answer(tokens, awaiting))
        return _english_only(values)

    def _drop_superseded(
        self, values: SlotValues, candidates: list[Candidate], tokens: list[str],
        segments: list[int], korean: bool,
    ) -> SlotValues:
        """A goal or place from before a correction is dropped when the correction states
        that slot in words the extractor cannot read (see ``corrections.superseded``)."""
        requests, places = (stated_positions if korean else english_stated_positions)(tokens)
        for slot, positions in ((Slot.GOAL, requests), (Slot.PLACE, places)):
            own = [c.segment for c in candidates if c.slot is slot]
            if values.get(slot) and own and superseded(max(own), positions, segments):
                values = values.with_value(slot, None)
        return values

    def _merge_staff(self, tokens: list[str], mentions: list[Mention]) -> list[Mention]:
        """A place or partner followed by a generic staff word names one partner, not a place:
        "은행 직원" is a bank teller, "check-in counter staff" a check-in agent; a partner
        followed by a title is that partner ("간호사 선생님")."""
        merged: list[Mention] = []
        for mention in mentions:
            previous = merged[-1] if merged else None
            if previous and previous.end + 1 == mention.start and not previous.rest and (
                tokens[mention.start].startswith(_TITLES)
                and all(e.slot is Slot.PARTNER for e in previous.entries)
            ):  # "간호사 선생님한테": a nurse, addressed with a title
                merged[-1] = Mention(previous.start, mention.end, previous.entries,
                                     mention.rest, previous.size + mention.size)
                continue
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
        self, tokens: list[str], mention: Mention, segments: list[int], awaiting: Slot | None,
        taken: frozenset[int],
    ) -> list[Candidate]:
        frame = frame_of(tokens, mention)
        going = frame == DESTINATION  # a place, but not framed as where the talk happens
        if going:
            frame = Slot.PLACE
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
        before = tokens[mention.start - 1] if mention.start else ""
        if before in GOAL_MODIFIERS or (
            awaiting is not Slot.GOAL and not governed_goal(tokens, mention)
        ) or (Slot.GOAL in slots and is_hangul(tokens[mention.start])
              and not_requested(tokens, mention, taken, self._lexicon)):
            slots.discard(Slot.GOAL)  # "late checkout" asks for more than "check out"
        said = said_words(tokens, mention, taken)
        compound = place_words(tokens, mention)
        if before in _OTHERS:
            slots.discard(Slot.PLACE)  # "the tailor... I'm at his shop": whose, not which
        desk = service_point(tokens, mention) if frame == Slot.PLACE else None
        if desk is not None:  # "I'm at the front desk": where the learner is, not who
            return [Candidate(Slot.PLACE, desk, segments[mention.start], True, True, STRONG,
                               mention.start, 0)]
        return [
            Candidate(entry.slot, entry.canonical, segments[mention.start], True,
                       frame == entry.slot and not going, entry.strength, mention.start,
                       entry.rank, said if entry.slot is Slot.PARTNER else compound,
                       entry.slot is Slot.PARTNER and companion(tokens, mention.start),
                       sum(e.slot is entry.slot for e in mention.entries) > 1)
            for entry in mention.entries
            if entry.slot in slots and not (entry.slot is Slot.PLACE and frame == ANTI)
        ]


def _words_of(tokens: list[str], mention: Mention) -> str:
    """What the learner said for a mention, without the particle glued to it."""
    words = tokens[mention.start : mention.end + 1]
    words[-1] = words[-1][: len(words[-1]) - len(mention.rest)]
    return " ".join(words)


def _one_place_per_compound(candidates: list[Candidate], tokens: list[str]) -> list[Candidate]:
    """ "Immigration office": a place named with the place words before it ("immigration" +
    "office") is one place; the first word is no place of its own."""
    inside: set[int] = set()
    for candidate in candidates:
        if candidate.slot is Slot.PLACE and candidate.said and " " in candidate.said:
            size = len(candidate.said.split())
            words = tokens[candidate.start - size + 1 : candidate.start + 1]
            if size > 1 and " ".join(words) == candidate.said:
                inside.update(range(candidate.start - size + 1, candidate.start))
    return [c for c in candidates if not (c.slot is Slot.PLACE and c.start in inside)]


def _english_only(values: SlotValues) -> SlotValues:
    """The last guard of the rule "every value is English": a value with Hangul is dropped."""
    for slot, value in values.filled().items():
        if any(is_hangul(char) for char in value):
            values = values.with_value(slot, None)
    return values

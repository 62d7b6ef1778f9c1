"""One value per slot from the extractor's candidates, and the partner's final wording.

The order of preference (see the extractor's docstring) lives here; what a place implies
(its typical partners, its staff, the place a partner implies) comes from the vocabulary.
"""

from __future__ import annotations

from scenario_engine.domain.slots import Slot, SlotValues
from scenario_engine.engines.local.candidate import Candidate
from scenario_engine.engines.local.inference import (
    PHONE_CALL,
    callee,
    calls_inside,
    on_the_phone,
)
from scenario_engine.engines.local.vocabulary import GENERIC_STAFF, Vocabulary

RAMBLE_TOKENS = 30
"""Beyond this many tokens an utterance is a story with the request at its end: of values
that tie on everything else, the later wins (in a short one, the earlier)."""


class SlotChoice:
    """Picks the slots' values; built once per extractor from the vocabulary."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self._typical = vocabulary.typical_by_place()
        self._staff = vocabulary.staff_by_place()
        self._implied_places = dict(vocabulary.implied_places)
        self._vague_goals = vocabulary.vague_goals()

    def choose(
        self, candidates: list[Candidate], tokens: list[str], awaiting: Slot | None
    ) -> SlotValues:
        order = 1 if len(tokens) > RAMBLE_TOKENS else -1  # a ramble ends with the request

        def best(slot: Slot, typical: frozenset[str]) -> Candidate | None:
            own = [c for c in candidates if c.slot is slot]
            if not own:
                return None
            chosen = max(
                own,
                key=lambda c: (c.segment, not c.with_learner, c.from_vocabulary, c.framed,
                               c.strength, c.value in typical, c.start * order, -c.rank),
            )
            if (chosen.ambiguous and chosen.said is None and chosen.value not in typical
                    and awaiting is not slot):
                return None  # the place does not say which one: a question asks
            return chosen

        stated = frozenset(c.value for c in candidates if c.slot is not Slot.PLACE)
        places = [c for c in candidates if c.slot is Slot.PLACE]
        fitting = frozenset(c.value for c in places if self._typical_of(c.value) & stated)
        chosen_place = best(Slot.PLACE, fitting)
        place = chosen_place.value if chosen_place else None
        typical = self._typical_of(place) if place else frozenset()
        partner = best(Slot.PARTNER, typical)
        goal = best(Slot.GOAL, typical)
        if goal and goal.value in self._vague_goals and awaiting is not Slot.GOAL:
            goal = None  # "ask for a repair": of what? the follow-up question asks (an
            # answer to that question is kept: asking it again would go round in circles)
        partner_value = self._partner_value(partner, place, awaiting is Slot.PARTNER)
        if chosen_place and chosen_place.said:
            place = chosen_place.said
        if on_the_phone(tokens) and not (chosen_place and (
                callee(tokens, chosen_place.start) or calls_inside(tokens))):
            place = PHONE_CALL  # "calling the hotel" names the hotel; "by phone" only the call
        if place is None and partner is not None and not partner.ambiguous:
            place = self._implied_places.get(partner.value)
        return SlotValues(place, partner_value, goal.value if goal else None)

    def _partner_value(
        self, partner: Candidate | None, place: str | None, asked: bool
    ) -> str | None:
        """The words the learner used for the partner, or the place's own staff for a bare
        "staff"/"직원" at a known place ("카페에서 직원한테" -> barista)."""
        if partner is None:
            return None
        if partner.value == GENERIC_STAFF and partner.said:
            return partner.said  # "staff한테", "the front desk staff": the learner's words
        if partner.value == GENERIC_STAFF and not asked:
            return self._staff_of(place) if place else GENERIC_STAFF  # a bare "직원": staff
        typical = self._typical_of(place) if place else frozenset()
        if partner.said is None or (
            partner.value in typical and partner.value.endswith(" " + partner.said)
        ):
            return partner.value  # "the driver" in a taxi: the place says which driver
        return partner.said

    def _staff_of(self, place: str) -> str:
        """The staff of ``place`` or of the vocabulary place it starts with ("hotel front
        desk" -> receptionist), else plain "staff": graders of a bare "직원" at a place of
        many roles write "staff" more often than "<place> staff" or any one role."""
        words = place.split()
        for size in range(len(words), 0, -1):
            staff = self._staff.get(" ".join(words[:size]))
            if staff:
                return staff
        return GENERIC_STAFF

    def _typical_of(self, place: str) -> frozenset[str]:
        return self._typical.get(place, frozenset())

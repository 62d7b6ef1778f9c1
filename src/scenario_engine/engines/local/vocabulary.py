"""The extractor's vocabulary: places, partners and goals with their aliases, loaded from data.

The data lives in ``vocabulary.json`` so that adding a setting or an alias needs no code change
and can be reviewed by someone who reads Korean but not Python. Validation here catches the
mistakes such an edit can make (a setting that names an unknown partner, a duplicate canonical
value, an alias that normalizes to nothing) at load time instead of as a silent miss at run time.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field, model_validator

from scenario_engine.domain.slots import Slot

VOCABULARY_RESOURCE = "vocabulary.json"
GENERIC_STAFF = "staff"
"""Partner canonical for a bare "staff"/"직원"; the extractor refines it with a place's staff."""


STRONG, OBJECT, GENERIC = 2, 1, 0
"""Alias strengths: naming the action, naming only its object, a bare verb."""


class Term(BaseModel):
    """One canonical value and the ways learners say it.

    ``en``/``ko`` name the value itself; ``objects`` only name what it is about ("laptop" for
    "buy a laptop") and ``generic`` are bare verbs ("order"): when one utterance holds several,
    "my laptop is broken" is a repair and "커피 주문" is ordering coffee.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    canonical: str = Field(min_length=1, max_length=60)
    en: tuple[str, ...] = ()
    ko: tuple[str, ...] = ()
    objects: tuple[str, ...] = ()
    generic: tuple[str, ...] = ()
    vague: bool = False
    """A goal that names a kind of request but not what it is about ("ask for a repair",
    "make a complaint"): learners and graders name the thing ("fix a flat tire"), so the
    extractor leaves such a goal to the follow-up question instead of confirming the kind."""

    @model_validator(mode="after")
    def _check_aliases(self) -> Term:
        if self.canonical != self.canonical.strip().lower():
            raise ValueError(f"canonical value must be trimmed lowercase: {self.canonical!r}")
        for alias in (*self.en, *self.ko, *self.objects, *self.generic):
            if not alias.strip():
                raise ValueError(f"empty alias in {self.canonical!r}")
        return self

    def aliases(self) -> tuple[tuple[str, int], ...]:
        """Every surface form with its strength, the canonical value included (learners say
        it too)."""
        return (
            *((alias, STRONG) for alias in (self.canonical, *self.en, *self.ko)),
            *((alias, OBJECT) for alias in self.objects),
            *((alias, GENERIC) for alias in self.generic),
        )


class PlaceTerm(Term):
    """A place; ``staff`` is the partner meant by "<place> staff" ("은행 직원" -> bank teller)."""

    staff: str | None = None


class Setting(BaseModel):
    """A typical situation: which partners and goals usually go with a place.

    Used only to choose between values the learner said, never to fill a missing slot.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    place: str
    partners: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()


class Vocabulary(BaseModel):
    """The whole data file, cross-checked."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str = ""
    places: tuple[PlaceTerm, ...]
    partners: tuple[Term, ...]
    goals: tuple[Term, ...]
    settings: tuple[Setting, ...]
    implied_places: dict[str, str] = Field(default_factory=dict)
    """Partners whose place goes without saying ("taxi driver" -> taxi), used only when the
    learner named no place; a partner found at several places (a receptionist) is not here."""

    @model_validator(mode="after")
    def _check_references(self) -> Vocabulary:
        for slot in Slot:
            names = [term.canonical for term in self.terms(slot)]
            duplicates = sorted({name for name in names if names.count(name) > 1})
            if duplicates:
                raise ValueError(f"duplicate {slot.value} canonical values: {duplicates}")
        places = {term.canonical for term in self.places}
        partners = {term.canonical for term in self.partners}
        goals = {term.canonical for term in self.goals}
        if GENERIC_STAFF not in partners:
            raise ValueError(f"the partners must include the generic {GENERIC_STAFF!r}")
        for place in self.places:
            if place.staff is not None and place.staff not in partners:
                raise ValueError(f"place {place.canonical!r}: unknown staff {place.staff!r}")
        for who, where in self.implied_places.items():
            if who not in partners or where not in places:
                raise ValueError(f"implied place {who!r} -> {where!r} names unknown values")
        for setting in self.settings:
            unknown = (
                ({setting.place} - places)
                | (set(setting.partners) - partners)
                | (set(setting.goals) - goals)
            )
            if unknown:
                raise ValueError(f"setting {setting.name!r} names unknown values {sorted(unknown)}")
        return self

    def terms(self, slot: Slot) -> tuple[Term, ...]:
        if slot is Slot.PLACE:
            return self.places
        return self.partners if slot is Slot.PARTNER else self.goals

    def typical_by_place(self) -> dict[str, frozenset[str]]:
        """Partners and goals that settings list for each place (their names never collide).

        Built on each call: callers keep the result, hashing this model per lookup is slow.
        """
        index: dict[str, set[str]] = {}
        for setting in self.settings:
            index.setdefault(setting.place, set()).update(setting.partners, setting.goals)
        return {place: frozenset(values) for place, values in index.items()}

    def vague_goals(self) -> frozenset[str]:
        """Goals that name only a kind of request (``Term.vague``)."""
        return frozenset(term.canonical for term in self.goals if term.vague)

    def staff_by_place(self) -> dict[str, str]:
        """The partner meant by "<place> staff", for places that have one."""
        return {term.canonical: term.staff for term in self.places if term.staff}

    def english_phrases(self) -> list[str]:
        """Every English alias and canonical value as spoken words, sorted and unique.

        A speech recognizer builds its domain language model from these, so hyphens become
        spaces ("check-in" is said "check in") and phrases it could not spell from letters
        ("7 eleven", "café", Korean) are left out.
        """
        phrases: set[str] = set()
        for slot in Slot:
            for term in self.terms(slot):
                for phrase in (term.canonical, *term.en, *term.objects, *term.generic):
                    spoken = " ".join(phrase.lower().replace("-", " ").split())
                    if _SPOKEN.fullmatch(spoken):
                        phrases.add(spoken)
        return sorted(phrases)


_SPOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?(?: [a-z]+(?:'[a-z]+)?)*")


@cache
def load_vocabulary() -> Vocabulary:
    """The packaged vocabulary, parsed and validated once per process."""
    raw = resources.files(__package__).joinpath(VOCABULARY_RESOURCE).read_text(encoding="utf-8")
    return Vocabulary.model_validate_json(raw)


def english_phrases() -> list[str]:
    """English phrases of the packaged vocabulary (see ``Vocabulary.english_phrases``)."""
    return load_vocabulary().english_phrases()

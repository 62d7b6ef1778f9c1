"""LocalPracticeLLM: the embedded engine's partner, coach and helper — scripts, rules, templates.

Offline and deterministic: the partner plays the scene script chosen for the scenario
(``scenes.json``), the coach is the domain's feedback rules, and Korean help is the domain's
templates with answers typical of the vocabulary's settings for the place.
"""

from __future__ import annotations

from collections.abc import Sequence

from scenario_engine.domain import feedback_rules, help_ko
from scenario_engine.domain.dialog_state import Line
from scenario_engine.domain.practice import Feedback, Help, HelpRequest, PartnerSpeech
from scenario_engine.domain.slots import Slot, SlotValues
from scenario_engine.engines.local.scenes import SceneBook, load_scenes, next_line, opening
from scenario_engine.engines.local.vocabulary import Vocabulary, load_vocabulary


class LocalPracticeLLM:
    def __init__(self, scenes: SceneBook | None = None, vocabulary: Vocabulary | None = None):
        self._scenes = scenes or load_scenes()
        vocabulary = vocabulary or load_vocabulary()
        self._partners: dict[str, list[str]] = {}
        self._goals: dict[str, list[str]] = {}
        for setting in vocabulary.settings:
            self._partners.setdefault(setting.place, []).extend(setting.partners)
            self._goals.setdefault(setting.place, []).extend(setting.goals)

    async def open_scene(self, scenario: SlotValues) -> PartnerSpeech:
        return PartnerSpeech.whole(opening(self._scenes, scenario))

    async def answer(self, scenario: SlotValues, lines: Sequence[Line]) -> PartnerSpeech:
        return PartnerSpeech.whole(next_line(self._scenes, scenario, lines))

    async def feedback(self, scenario: SlotValues, said: Sequence[str]) -> Feedback:
        return feedback_rules.rule_feedback(said, scenario)

    async def help(self, request: HelpRequest) -> Help:
        return help_ko.template_help(request, self._examples(request.slot, request.known))

    def _examples(self, slot: Slot | None, known: SlotValues) -> tuple[str, ...]:
        """Answers typical of the known place's settings, as a learner would say them."""
        place = known.place or ""
        if slot is Slot.PARTNER:
            return tuple(f"The {partner}." for partner in _first_two(self._partners.get(place, [])))
        if slot is Slot.GOAL:
            return tuple(f"I want to {goal}." for goal in _first_two(self._goals.get(place, [])))
        return ()


def _first_two(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))[:2]

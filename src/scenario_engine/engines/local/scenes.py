"""The local partner's scene scripts (``scenes.json``) and how a scene is played.

A scene is data: an opening, the partner's lines for the typical moves of the scene in order,
answers to questions learners ask in it, and a closing that reaches the goal. Playing needs
no memory: where the scene is comes from the partner's lines already in the transcript, so a
resumed session goes on from the same point.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field

from scenario_engine.domain.dialog_state import Line, Speaker
from scenario_engine.domain.practice import PartnerLine
from scenario_engine.domain.slots import SlotValues

SCENES_RESOURCE = "scenes.json"
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_LATIN = re.compile(r"[A-Za-z]")


class Answer(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    when: tuple[str, ...] = Field(min_length=1)
    say: str


class Scene(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    goals: tuple[str, ...]
    places: tuple[str, ...]
    opening: str
    steps: tuple[str, ...] = Field(min_length=1)
    closing: str
    answers: tuple[Answer, ...] = ()


class SceneBook(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str
    farewells: tuple[str, ...]
    scenes: tuple[Scene, ...]
    generic: Scene

    def choose(self, scenario: SlotValues) -> Scene:
        """The scene for the scenario's goal (its place breaking ties), else one for its place,
        else the generic service encounter."""
        by_goal = [scene for scene in self.scenes if scenario.goal in scene.goals]
        at_place = [scene for scene in by_goal if scenario.place in scene.places]
        if at_place or by_goal:
            return (at_place or by_goal)[0]
        by_place = [scene for scene in self.scenes if scenario.place in scene.places]
        return by_place[0] if by_place else self.generic


@cache
def load_scenes() -> SceneBook:
    text = resources.files(__package__).joinpath(SCENES_RESOURCE).read_text(encoding="utf-8")
    return SceneBook.model_validate_json(text)


def _contains(text: str, keyword: str) -> bool:
    if _HANGUL.search(keyword):
        return keyword in text
    return re.search(rf"(?<![a-z]){re.escape(keyword)}(?![a-z])", text) is not None


def _fill(line: str, scenario: SlotValues) -> str:
    return (
        line.replace("{place}", scenario.place or "here")
        .replace("{partner}", scenario.partner or "staff")
        .replace("{goal}", scenario.goal or "that")
    )


def opening(book: SceneBook, scenario: SlotValues) -> PartnerLine:
    return PartnerLine(_fill(book.choose(scenario).opening, scenario))


def next_line(book: SceneBook, scenario: SlotValues, lines: Sequence[Line]) -> PartnerLine:
    """The partner's answer to the last learner line of ``lines``.

    Korean typed without English gets a gentle nudge (the scene waits); a goodbye, or the end
    of the steps, gets the closing; a question the scene knows gets its answer, then the next
    step.
    """
    scene = book.choose(scenario)
    said = [line.text for line in lines if line.speaker is Speaker.PARTNER]
    learner = next((line.text for line in reversed(lines) if line.speaker is Speaker.LEARNER), "")
    heard = learner.lower()
    step = sum(1 for line in said if any(line.endswith(_fill(s, scenario)) for s in scene.steps))
    if _HANGUL.search(learner) and not _LATIN.search(learner):
        last = said[-1] if said else _fill(scene.opening, scenario)
        return PartnerLine(f"Could you try that in English? {last}")
    if any(_contains(heard, farewell) for farewell in book.farewells) or step >= len(scene.steps):
        return PartnerLine(_fill(scene.closing, scenario), goal_reached=True)
    reply = _fill(scene.steps[step], scenario)
    for answer in scene.answers:
        answered = _fill(answer.say, scenario)
        if any(_contains(heard, word) for word in answer.when) and not any(
            answered in line for line in said
        ):
            return PartnerLine(f"{answered} {reply}")
    return PartnerLine(reply)

"""Korean help for the questions the tutor asks: a translation and answers to tap.

Deterministic, from the slot being asked and what is known, so any engine can fall back to it
(the local engine always uses it). The suggestions are short English answers the learner can
say or tap; "I'm not sure." is always offered, since after "I don't know" a choice helps more
than the same question again.
"""

from __future__ import annotations

from scenario_engine.domain.practice import Help, HelpRequest
from scenario_engine.domain.slots import Slot, SlotValues

NOT_SURE = "I'm not sure."

_EXAMPLES: dict[Slot, tuple[str, str]] = {
    Slot.PLACE: ("I'm at a hotel.", "I'm at a restaurant."),
    Slot.PARTNER: ("The receptionist.", "The waiter."),
    Slot.GOAL: ("I want to check in.", "I want to order food."),
}


def _question_ko(slot: Slot, known: SlotValues) -> str:
    place, partner = known.place, known.partner
    if slot is Slot.PLACE:
        return f"{partner}와(과) 어디에서 이야기하나요?" if partner else "지금 어디에 있나요?"
    if slot is Slot.PARTNER:
        return f"{place}에서 누구와 이야기하나요?" if place else "누구와 이야기하나요?"
    if partner:
        return f"{partner}에게 무엇을 하고 싶나요?"
    return f"{place}에서 무엇을 하고 싶나요?" if place else "무엇을 하고 싶나요?"


def _proposal_ko(known: SlotValues) -> str:
    parts = [
        f"장소: {known.place}" if known.place else "",
        f"상대: {known.partner}" if known.partner else "",
        f"목표: {known.goal}" if known.goal else "",
    ]
    said = ", ".join(part for part in parts if part)
    return f"이렇게 이해했어요 ({said}). 시작할까요?" if said else "시작할까요?"


def template_help(request: HelpRequest, examples: tuple[str, ...] = ()) -> Help:
    """Help built from templates; ``examples`` (answers typical of the setting) come first."""
    if request.slot is None:
        return Help(_proposal_ko(request.known), ("Yes, let's start.", "No, I want to change it."))
    answers = [*examples, *_EXAMPLES[request.slot]][:2]
    return Help(_question_ko(request.slot, request.known), (*answers, NOT_SURE))

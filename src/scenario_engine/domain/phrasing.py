"""Deterministic wording of follow-up questions and final texts.

The local engine speaks these; any engine falls back to them when its model cannot answer,
so the learner always hears a sensible question.
"""

from __future__ import annotations

from scenario_engine.domain.slots import Slot, SlotValues

_ARTICLELESS = ("home", "school", "work", "church", "college", "university")


def _at(place: str) -> str:
    """'at the hotel', 'at school' — a place phrase usable after a verb."""
    if place.split()[0] in ("the", "a", "an", "my", "our", "your") or place in _ARTICLELESS:
        return f"at {place}"
    return f"at the {place}"


def _the(noun: str) -> str:
    if noun.split()[0] in ("the", "a", "an", "my", "our", "your"):
        return noun
    return f"the {noun}"


def _question_variants(slot: Slot, known: SlotValues) -> list[str]:
    place, partner, goal = known.place, known.partner, known.goal
    if slot is Slot.PLACE:
        if partner and goal:
            return [f"Where are you talking to {_the(partner)} to {goal}?"]
        if partner:
            return [
                f"Where are you talking to {_the(partner)}?",
                f"Where do you meet {_the(partner)}?",
            ]
        if goal:
            return [f"Where do you want to {goal}?", f"Where are you when you {goal}?"]
        return ["Where are you?", "Where does the conversation take place?"]
    if slot is Slot.PARTNER:
        if place:
            return [
                f"Who will you talk to {_at(place)}?",
                f"Who are you speaking with {_at(place)}?",
            ]
        if goal:
            return [f"Who will you talk to to {goal}?"]
        return ["Who are you talking to?", "Who is the other person in the conversation?"]
    if partner:
        return [
            f"What do you want to do with {_the(partner)}?",
            f"What do you need from {_the(partner)}?",
        ]
    if place:
        return [
            f"What do you want to do {_at(place)}?",
            f"What would you like to get done {_at(place)}?",
        ]
    return ["What do you want to do?", "What would you like to get done?"]


def follow_up_question(slot: Slot, known: SlotValues, attempt: int) -> str:
    """A short question about ``slot`` that names what is known; ``attempt`` varies the wording."""
    variants = _question_variants(slot, known)
    return variants[attempt % len(variants)]


def final_text(known: SlotValues) -> str:
    """A short spoken confirmation that opens the role-play, built only from known slots."""
    place, partner, goal = known.place, known.partner, known.goal
    setting = " ".join(
        part
        for part in (
            _at(place) if place else "",
            f"talking to {_the(partner)}" if partner else "",
            f"to {goal}" if goal else "",
        )
        if part
    )
    if not setting:
        return "Let's start a free conversation. I'll begin: hello, how can I help you?"
    opener = f"I'll be {_the(partner)}." if partner else "I'll play the other person."
    return f"Great! You are {setting}. {opener} Let's begin: hello, how can I help you?"


_GAP_NAMES = {Slot.PLACE: "where you are", Slot.PARTNER: "who you talk to", Slot.GOAL: "your goal"}


def read_back(known: SlotValues, gaps: tuple[Slot, ...] | list[Slot]) -> str:
    """One sentence that reads a proposed scenario back, naming what is still unknown."""
    place, partner, goal = known.place, known.partner, known.goal
    parts = [
        _at(place) if place else "",
        f"talking to {_the(partner)}" if partner else "",
        f"to {goal}" if goal else "",
    ]
    setting = ", ".join(part for part in parts if part)
    said = f"So you're {setting}." if setting else "I didn't catch the scenario."
    if not gaps:
        return f"{said} Shall we start?"
    names = [_GAP_NAMES[slot] for slot in gaps]
    missing = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    return f"{said} I still don't know {missing}: tell me, or say yes to start anyway."


ASK_WHAT_TO_CHANGE = "OK. What should I change: the place, the person, or the goal?"


def role_play_bridge(partner: str | None) -> str:
    """Said as the tutor, after the scenario is confirmed and before the partner's first line."""
    role = f"I'm {_the(partner)} now." if partner else "I'll play the other person."
    return f"Great! Let's practise. {role}"

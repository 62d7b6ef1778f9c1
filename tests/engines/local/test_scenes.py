"""The local partner's scene scripts: every setting is played, and playing needs no memory."""

from __future__ import annotations

from scenario_engine.domain.dialog_state import Line, Phase, Speaker
from scenario_engine.domain.slots import SlotValues
from scenario_engine.engines.local.scenes import load_scenes, next_line, opening
from scenario_engine.engines.local.vocabulary import load_vocabulary

BOOK = load_scenes()
HOTEL = SlotValues(place="hotel", partner="receptionist", goal="check in")


def _play(scenario: SlotValues, learner: list[str]) -> list[Line]:
    lines = [Line(Speaker.PARTNER, opening(BOOK, scenario).text, Phase.ROLE_PLAY)]
    for text in learner:
        lines.append(Line(Speaker.LEARNER, text, Phase.ROLE_PLAY))
        lines.append(Line(Speaker.PARTNER, next_line(BOOK, scenario, lines).text, Phase.ROLE_PLAY))
    return lines


def test_every_setting_of_the_vocabulary_gets_a_scene_most_a_script_of_their_own() -> None:
    pairs = [(setting.place, goal) for setting in load_vocabulary().settings
             for goal in setting.goals]  # fmt: skip
    scenes = [BOOK.choose(SlotValues(place=place, goal=goal)) for place, goal in pairs]
    own = sum(scene is not BOOK.generic for scene in scenes)
    assert own / len(pairs) >= 0.75, f"{own}/{len(pairs)} (place, goal) pairs have a script"


def test_the_scene_is_chosen_by_goal_then_place() -> None:
    assert BOOK.choose(HOTEL).name == "hotel check-in"
    assert BOOK.choose(SlotValues(place="airport", goal="check in")).name == "airport check-in"
    assert BOOK.choose(SlotValues(place="pharmacy")).name == "pharmacy"
    assert BOOK.choose(SlotValues(place="park", goal="have a picnic")) is BOOK.generic


def test_steps_go_in_order_questions_get_answers_and_the_closing_reaches_the_goal() -> None:
    lines = _play(HOTEL, ["I want to check in.", "Kim. Is there wifi?", "Here.", "Two nights."])
    partner = [line.text for line in lines if line.speaker is Speaker.PARTNER]
    assert partner[1].startswith("Of course. Do you have a reservation?")
    assert partner[2].startswith("The wifi password is on the card in your room. Thank you.")
    last = next_line(BOOK, HOTEL, [*lines, Line(Speaker.LEARNER, "No, thanks.", Phase.ROLE_PLAY)])
    assert last.goal_reached and "key card" in last.text


def test_a_goodbye_ends_the_scene_and_korean_gets_a_nudge_without_moving_on() -> None:
    lines = _play(HOTEL, ["Hello"])
    korean = next_line(BOOK, HOTEL, [*lines, Line(Speaker.LEARNER, "체크인이요", Phase.ROLE_PLAY)])
    assert korean.text.startswith("Could you try that in English?") and not korean.goal_reached
    assert korean.text.endswith(lines[-1].text)
    bye = next_line(BOOK, HOTEL, [*lines, Line(Speaker.LEARNER, "OK, bye!", Phase.ROLE_PLAY)])
    assert bye.goal_reached


def test_the_generic_scene_plays_any_setting() -> None:
    scenario = SlotValues(place="park", partner="stranger", goal="have a picnic")
    lines = _play(scenario, ["Hi", "I want to have a picnic", "OK", "Thanks", "Sure"])
    assert next_line(BOOK, scenario, lines).goal_reached

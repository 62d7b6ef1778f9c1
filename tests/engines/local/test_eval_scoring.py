"""The evaluation scorer's diagnosis of wrong values, and the annotator files it scores."""

from __future__ import annotations

import json

import pytest

from tests.engines.local.eval import HUMAN, SPLITS
from tests.engines.local.eval.scoring import judge, load_items, nested


@pytest.mark.parametrize(
    ("expected", "value"),
    [
        (("HR office", "human resources office"), "office"),
        (("try on sneakers", "try on shoes"), "try on sneakers size 270"),
        (("order an americano",), "order a ice americano"),
    ],
)
def test_a_value_saying_less_or_more_in_the_same_words_is_nested(
    expected: tuple[str, ...], value: str
) -> None:
    assert judge(expected, value) == "wrong"
    assert nested(expected, value)


@pytest.mark.parametrize(
    ("expected", "value"),
    [
        (("get a library card",), "borrow a book"),
        (("check in",), "check out"),  # same length, another scenario
        (("ask for directions to the museum",), "museum directions ask"),  # not in order
    ],
)
def test_another_value_is_not_nested(expected: tuple[str, ...], value: str) -> None:
    assert not nested(expected, value)


@pytest.mark.parametrize("split", sorted(HUMAN))
def test_the_annotator_labelled_every_item_of_the_split_once(split: str) -> None:
    labels = [json.loads(line) for line in HUMAN[split].read_text("utf-8").splitlines()]
    assert sorted(label["id"] for label in labels) == sorted(
        item.id for item in load_items(SPLITS[split])
    )
    assert all(set(label) == {"id", "place", "partner", "goal"} for label in labels)

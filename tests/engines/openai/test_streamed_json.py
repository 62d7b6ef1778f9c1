"""StreamedJSON on the turn answer's two orders: the reply read as it grows, its end known
before the rest of the answer, the rest checked at the end."""

from __future__ import annotations

import json

import pytest

from scenario_engine.domain.slots import Slot, SlotValues
from scenario_engine.engines.openai.streamed_json import BadAnswer, StreamedJSON
from scenario_engine.engines.openai.turn_answer import TurnOrder, judged, turn_shape
from tests.fake_openai.latency import tokens

REPLY = 'Who is "it"? Tell me\u2014please.'  # escaped in JSON: never half given when split
ANSWER = {"reply": REPLY, "asks_about": "partner", "place": "hotel",
          "partner": None, "goal": None}
WHOLE = json.dumps(ANSWER, separators=(",", ":"))


def feed_all(reader: StreamedJSON, pieces: list[str]) -> tuple[str, int | None]:
    """The text handed out, and after how many characters of input it was whole."""
    text, done_at, fed = "", None, 0
    for piece in pieces:
        text += reader.feed(piece)
        fed += len(piece)
        if reader.text_done and done_at is None:
            done_at = fed
    return text + reader.finish(), done_at


@pytest.mark.parametrize("size", [1, 2, 3, 7, len(WHOLE)])
def test_a_reply_first_answer_gives_its_reply_as_it_grows_and_its_end_before_the_rest(
    size: int,
) -> None:
    reader = StreamedJSON(turn_shape(TurnOrder.REPLY_FIRST))
    pieces = [WHOLE[i : i + size] for i in range(0, len(WHOLE), size)]

    text, done_at = feed_all(reader, pieces)

    assert text == ANSWER["reply"]
    assert reader.head == {}  # nothing comes before the reply
    assert done_at is not None
    if size < len(WHOLE):
        assert done_at < WHOLE.index('"place"') + size  # the reply ended before the slots came
    assert reader.whole == ANSWER
    assert judged(reader.whole).slots == SlotValues(place="hotel")
    assert judged(reader.whole).asks_about is Slot.PARTNER


def test_the_reply_grows_token_by_token_and_never_goes_back() -> None:
    reader = StreamedJSON(turn_shape(TurnOrder.REPLY_FIRST))
    seen = []
    for token in tokens(WHOLE):
        if piece := reader.feed(token):
            seen.append(piece)
    reader.finish()
    assert len(seen) > 3 and "".join(seen) == ANSWER["reply"]


def test_a_slots_first_answer_has_its_head_before_the_reply() -> None:
    answer = {"place": "hotel", "partner": None, "goal": None, "asks_about": "partner",
              "reply": "Who is it?"}
    whole = json.dumps(answer, separators=(",", ":"))
    reader = StreamedJSON(turn_shape(TurnOrder.SLOTS_FIRST))
    reader.feed(whole[: whole.index("Who") + 1])
    assert reader.head == {k: answer[k] for k in ("place", "partner", "goal", "asks_about")}
    assert not reader.text_done


@pytest.mark.parametrize(
    "content",
    [
        WHOLE[: WHOLE.index('"place"')],  # cut off after the reply
        json.dumps({**ANSWER, "surprise": 1}),  # a key the schema does not have
        json.dumps({k: v for k, v in ANSWER.items() if k != "goal"}),
    ],
)
def test_an_answer_whose_rest_is_wrong_is_a_bad_answer_at_its_end(content: str) -> None:
    reader = StreamedJSON(turn_shape(TurnOrder.REPLY_FIRST))
    reader.feed(content)
    with pytest.raises(BadAnswer):
        reader.finish()

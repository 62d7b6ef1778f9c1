from hypothesis import given
from hypothesis import strategies as st

from scenario_engine.domain.sentences import SentenceSplitter, split_sentences


def test_sentences_are_cut_at_their_end_and_long_clauses_at_a_comma() -> None:
    assert split_sentences("Great, let's begin. Welcome to our hotel, how can I help you?") == [
        "Great, let's begin.",
        "Welcome to our hotel, how can I help you?",
    ]
    assert split_sentences("You are at the hotel talking to the receptionist, to check in.") == [
        "You are at the hotel talking to the receptionist,",
        "to check in.",
    ]


def test_abbreviations_numbers_and_quotes_do_not_cut_a_sentence() -> None:
    assert split_sentences('Hello Mr. Smith, it costs 3.5 dollars. "Yes." Then—what?') == [
        "Hello Mr. Smith, it costs 3.5 dollars.",
        '"Yes."',
        "Then—what?",
    ]
    assert split_sentences("어디에 계세요? 호텔이에요.") == ["어디에 계세요?", "호텔이에요."]


def test_a_sentence_is_released_as_soon_as_the_next_word_starts() -> None:
    splitter = SentenceSplitter()
    assert splitter.feed("Who are you talking to") == []
    assert splitter.feed("?") == []  # "?" might still be followed by more punctuation
    assert splitter.feed(" I") == ["Who are you talking to?"]
    assert splitter.flush() == "I"
    assert splitter.flush() is None


@given(st.text(alphabet=st.sampled_from(list("ab ,.?!\"'")), max_size=80), st.data())
def test_pieces_lose_nothing_however_the_text_arrives(text: str, data: st.DataObject) -> None:
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=6)))
    splitter = SentenceSplitter()
    pieces: list[str] = []
    for start, end in zip([0, *cuts], [*cuts, len(text)], strict=True):
        pieces += splitter.feed(text[start:end])
    rest = splitter.flush()
    pieces += [rest] if rest else []
    assert pieces == split_sentences(text)
    assert "".join(pieces).replace(" ", "") == text.replace(" ", "")
    assert all(piece and piece == piece.strip() for piece in pieces)

"""Whisper writes like a typist ("Table for 2, at 7:30!"); the extractor and the word error
rate want the words that were spoken. This turns a Whisper transcript into them.

Numbers become words ("2" -> "two", "7:30" -> "seven thirty", "3rd" -> "third", "$5.50" -> "five
dollars fifty", "10%" -> "ten percent"); sentence punctuation (. , ? !) stays, because the extractor
reads it as clause boundaries; quotes, brackets, ellipses and other marks go. Case is kept
(the transcript is shown to the learner); the extractor lower-cases on its own. A phrasal
verb that Whisper wrote as its noun ("I want to check-in") is written as the verb ("check
in") after the words that make it one (to, a modal, a subject pronoun); "the check-in desk"
stays a noun.
"""

from __future__ import annotations

import re
from typing import Final

_ONES: Final = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)  # fmt: skip
_TENS: Final = (
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
)  # fmt: skip
_ORDINAL_ENDINGS: Final = {
    "one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
    "nine": "ninth", "twelve": "twelfth",
}  # fmt: skip
_SCALES: Final = ((1_000_000_000, "billion"), (1_000_000, "million"), (1_000, "thousand"))

_TIME: Final = re.compile(r"\b(\d{1,2}):(\d{2})\b")
_NUMERAL: Final = r"\d+(?:,\d{3})*(?:\.\d+)?"
_MONEY: Final = re.compile(r"\$(\d+(?:,\d{3})*)(?:\.(\d{2}))?")
_PERCENT: Final = re.compile(rf"({_NUMERAL})\s?%")
_ORDINAL: Final = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b", re.IGNORECASE)
_NUMBER: Final = re.compile(_NUMERAL)
_DROPPED: Final = re.compile(r"[\"“”«»()\[\]{}*_#~^<>…]|\.{2,}|(?<!\w)-+|-+(?!\w)")
_PHRASAL_VERB: Final = re.compile(
    r"\b(to|can|could|will|would|should|must|please|let's|i|we|you|they|i'll|we'll)"
    r"(\s+)(check|sign|log|pick|drop|set|work|show|move|stop)-(in|out|up|off|on|over|by)\b",
    re.IGNORECASE,
)
_SPACES: Final = re.compile(r"\s+")
_SPACE_BEFORE_MARK: Final = re.compile(r"\s+([.,?!])")


def integer_words(number: int) -> str:
    """0 <= number < 10**12 in words: 342 -> "three hundred forty two"."""
    if number < 20:
        return _ONES[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return _TENS[tens] + (f" {_ONES[ones]}" if ones else "")
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        return f"{_ONES[hundreds]} hundred" + (f" {integer_words(rest)}" if rest else "")
    for size, name in _SCALES:
        if number >= size:
            high, rest = divmod(number, size)
            return f"{integer_words(high)} {name}" + (f" {integer_words(rest)}" if rest else "")
    raise ValueError(number)  # unreachable: every number >= 1000 has a scale


def _number_words(digits: str) -> str:
    whole, _, fraction = digits.replace(",", "").partition(".")
    if len(whole) > 12:
        return " ".join(_ONES[int(d)] for d in whole)  # a phone or card number: digit by digit
    words = integer_words(int(whole))
    if fraction:
        words += " point " + " ".join(_ONES[int(d)] for d in fraction)
    return words


def _ordinal_words(number: int) -> str:
    words = integer_words(number).split()
    last = words[-1]
    if last in _ORDINAL_ENDINGS:
        words[-1] = _ORDINAL_ENDINGS[last]
    elif last.endswith("y"):
        words[-1] = last[:-1] + "ieth"
    else:
        words[-1] = last + "th"
    return " ".join(words)


def _time_words(match: re.Match[str]) -> str:
    hours, minutes = int(match[1]), int(match[2])
    if minutes == 0:
        return f"{integer_words(hours)} o'clock"
    spoken = integer_words(minutes) if minutes >= 10 else f"oh {integer_words(minutes)}"
    return f"{integer_words(hours)} {spoken}"


def _money_words(match: re.Match[str]) -> str:
    dollars = f"{_number_words(match[1])} dollars"
    cents = int(match[2] or 0)
    return f"{dollars} {integer_words(cents)}" if cents else dollars


def spoken_words(text: str) -> str:
    """The transcript with numbers as words and only sentence punctuation left."""
    text = _TIME.sub(_time_words, text)
    text = _MONEY.sub(_money_words, text)
    text = _PERCENT.sub(lambda m: f"{_number_words(m[1])} percent", text)
    text = _ORDINAL.sub(lambda m: _ordinal_words(int(m[1])), text)
    text = _NUMBER.sub(lambda m: _number_words(m[0]), text)
    text = text.replace("&", " and ")
    text = _PHRASAL_VERB.sub(r"\1\2\3 \4", text)
    text = _DROPPED.sub(" ", text)
    text = _SPACE_BEFORE_MARK.sub(r"\1", _SPACES.sub(" ", text))
    return text.strip()

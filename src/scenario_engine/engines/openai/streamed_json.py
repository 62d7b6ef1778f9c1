"""StreamedJSON: a structured answer read while it streams, one text field spoken as it grows.

Strict structured output writes the keys in the schema's order. An ``AnswerShape`` names the
keys before the text field (the *head*: complete once the text has begun, so a caller can
decide on them while the text still arrives), the text field, and the keys after it (read at
the end). The buffer is parsed again on each delta with jiter's partial mode (the SDK's own
JSON parser), which gives an unfinished trailing string as far as it is certain (a half
escape sequence is left out), so the text only ever grows. ``text_done`` says when the
text's string has closed (it is in even when unfinished strings are left out), so a reader
can end the text there while the tail still arrives. The whole answer is checked once more
when it is complete.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import jiter


class BadAnswer(Exception):
    """The model answered, but not with something usable."""


@dataclass(frozen=True, slots=True)
class AnswerShape:
    head: tuple[str, ...]
    text: str
    tail: tuple[str, ...] = ()
    max_chars: int = 600
    """A spoken line longer than this is a broken answer, not a long one."""

    @property
    def keys(self) -> set[str]:
        return {*self.head, self.text, *self.tail}


class StreamedJSON:
    """Fed the content deltas of one streamed answer; sans I/O."""

    def __init__(self, shape: AnswerShape) -> None:
        self._shape = shape
        self._buffer = ""
        self.head: dict[str, Any] | None = None
        """The head's values, once the text has begun."""
        self.whole: dict[str, Any] | None = None
        """The whole answer, once ``finish`` checked it."""
        self._text = ""
        """The text as far as it was handed out."""
        self.text_done = False
        """The text's string is closed: every piece of it was handed out (the tail may still
        be arriving)."""

    def feed(self, delta: str) -> str:
        """Take a content delta; returns the text it completed (often empty)."""
        self._buffer += delta
        try:
            partial = jiter.from_json(self._buffer.encode(), partial_mode="trailing-strings")
        except ValueError:
            return ""  # e.g. a half-written literal: the next delta completes it
        if not isinstance(partial, dict) or self._shape.text not in partial:
            return ""
        if self.head is None:
            if not all(key in partial for key in self._shape.head):
                return ""  # keys out of order: the whole answer is read at the end
            self.head = {key: partial[key] for key in self._shape.head}
        new = self._grow(partial[self._shape.text])
        if not self.text_done:  # a closed string stays in when unfinished strings are left out
            closed = jiter.from_json(self._buffer.encode(), partial_mode="on")
            self.text_done = isinstance(closed, dict) and self._shape.text in closed
        return new

    def finish(self) -> str:
        """The stream ended: check the whole answer; returns the rest of the text."""
        try:
            data: Any = json.loads(self._buffer)
        except json.JSONDecodeError:
            raise BadAnswer("not JSON (cut off?)") from None
        if not isinstance(data, dict) or set(data) != self._shape.keys:
            raise BadAnswer("not the expected object")
        head = {key: data[key] for key in self._shape.head}
        if self.head is not None and head != self.head:
            raise BadAnswer("the head changed after it was read")
        self.head = head
        rest = self._grow(data[self._shape.text])
        self.text_done = True
        if not self._text.strip():
            raise BadAnswer("empty text")
        self.whole = data
        return rest

    def _grow(self, text: object) -> str:
        if not isinstance(text, str):
            raise BadAnswer("the text is not a string")
        if len(text) > self._shape.max_chars:
            raise BadAnswer("overlong text")
        if not text.startswith(self._text):
            return ""  # cannot happen with jiter's partial strings; never repeat text
        new, self._text = text[len(self._text) :], text
        return new

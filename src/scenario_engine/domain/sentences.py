"""SentenceSplitter: cut a reply arriving in pieces into sentences (or long clauses) to speak.

Speech synthesis of the first sentence can start while the model is still writing the rest,
so the learner's first audio waits for one sentence, not the whole reply. A cut needs the
character after the punctuation to be whitespace (``3.5`` and ``e.g.x`` stay whole), so a
sentence is released when the next word starts, or when the reply ends. A comma, semicolon,
colon or dash also cuts, but only once the piece is long enough to be said on its own:
a TTS voice reads a two-word fragment with odd prosody.
"""

from __future__ import annotations

import re

MIN_CLAUSE_CHARS = 24
"""A clause boundary cuts only a piece at least this long (a sentence end always cuts)."""

_SENTENCE_END = frozenset(".!?…。！？")
_CLAUSE_END = frozenset(",;:—，、")
_CLOSERS = frozenset("\"')]}”’»")
_ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "st", "vs", "e.g", "i.e", "no", "p.m", "a.m"})
_LAST_WORD = re.compile(r"([\w.]+)\.$")


class SentenceSplitter:
    """Feed text as it arrives; take back whole pieces to speak, in order, nothing lost."""

    def __init__(self, min_clause_chars: int = MIN_CLAUSE_CHARS) -> None:
        self._min_clause_chars = min_clause_chars
        self._pending = ""
        self._scanned = 0

    def feed(self, text: str) -> list[str]:
        """Pieces completed by ``text`` (each stripped, never empty)."""
        self._pending += text
        pieces = []
        while (cut := self._next_cut()) is not None:
            piece, self._pending = self._pending[:cut].strip(), self._pending[cut:]
            self._scanned = 0
            if piece:
                pieces.append(piece)
        return pieces

    def flush(self) -> str | None:
        """The rest, once the reply is complete (None if nothing is left)."""
        rest, self._pending, self._scanned = self._pending.strip(), "", 0
        return rest or None

    def _next_cut(self) -> int | None:
        """Index just after the first boundary that is followed by whitespace, if any."""
        text = self._pending
        for index in range(max(1, self._scanned), len(text)):
            if not text[index].isspace():
                continue
            end = index
            while end > 0 and text[end - 1] in _CLOSERS:
                end -= 1
            mark = text[end - 1] if end > 0 else ""
            if mark in _SENTENCE_END and not self._is_abbreviation(text[:end]):
                return index
            if mark in _CLAUSE_END and len(text[:end].strip()) >= self._min_clause_chars:
                return index
        self._scanned = max(1, len(text))
        return None

    @staticmethod
    def _is_abbreviation(text: str) -> bool:
        match = _LAST_WORD.search(text)
        return match is not None and match.group(1).lower() in _ABBREVIATIONS


def split_sentences(text: str, min_clause_chars: int = MIN_CLAUSE_CHARS) -> list[str]:
    """A whole text cut as :class:`SentenceSplitter` would cut it arriving in pieces."""
    splitter = SentenceSplitter(min_clause_chars)
    pieces = splitter.feed(text)
    rest = splitter.flush()
    return [*pieces, rest] if rest else pieces

"""Korean morphology through kiwipiepy: nouns, verbs, particles and endings of a text.

Korean glues particles and endings to words ("은행에서", "만드는"), so slots are read from
morphemes, not from words: 에서 after a noun marks a place, 한테/께/이랑 a partner, a verb and
its object a goal. The analyzer's model ships inside the pinned ``kiwipiepy-model`` wheel; it
takes ~1.7 s to load and its first analysis another ~2 s, so ``warm_up`` does both at start-up
(the engine calls it when it is built) and never on a learner's turn.

Kiwi holds the GIL while it analyses (~0.5 ms a sentence), so the local LLM runs extraction in
a worker thread: the event loop waits at most one analysis, never the load.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from lemminflect import getAllLemmas

_lock = threading.Lock()
_kiwi: Any = None


@dataclass(frozen=True, slots=True)
class Morpheme:
    """One morpheme: its form, its Sejong tag (NNG noun, VV verb, JKB adverbial particle...)
    and the character offset where it starts in the analysed text."""

    form: str
    tag: str
    start: int


def _analyzer() -> Any:
    global _kiwi
    if _kiwi is None:
        with _lock:
            if _kiwi is None:
                from kiwipiepy import Kiwi

                kiwi = Kiwi()
                kiwi.tokenize("은행에서 직원한테 계좌를 만들고 싶어요")  # the first call loads more
                _kiwi = kiwi
    return _kiwi


def warm_up() -> None:
    """Load Kiwi's model and lemminflect's dictionary and run a first analysis with each, so
    that no learner's turn pays for either (~4 s together)."""
    _analyzer()
    getAllLemmas("started")


@lru_cache(maxsize=2048)
def analyse(text: str) -> tuple[Morpheme, ...]:
    """The morphemes of ``text`` (cached: the fallback re-reads every turn of a dialog)."""
    return tuple(
        Morpheme(token.form, str(token.tag), token.start) for token in _analyzer().tokenize(text)
    )

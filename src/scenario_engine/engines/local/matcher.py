"""Finding vocabulary aliases in a token list: the extractor's dictionary lookup.

English aliases are matched word by word (with inflections and determiners tolerated);
Korean aliases are matched character by character from the start of a word, because Korean
glues particles to nouns ("호텔에서") and learners put spaces inconsistently ("프런트직원").
Overlapping matches are resolved longest-first, so "bus driver" is one partner, not a place
and a partner.
"""

from __future__ import annotations

from dataclasses import dataclass

from scenario_engine.domain.slots import Slot
from scenario_engine.engines.local.normalize import (
    CLAUSE,
    SKIP_WORDS,
    alias_tokens,
    english_forms,
    is_hangul,
)
from scenario_engine.engines.local.vocabulary import Vocabulary

KO_PARTICLES = frozenset(
    {"", "에서", "에", "이", "가", "은", "는", "을", "를", "도", "로", "으로", "의", "요", "이요",
     "에서요", "에요", "예요", "이에요", "한테", "에게", "께", "랑", "이랑", "와", "과", "하고",
     "까지", "인데", "인데요", "이야", "야", "입니다", "이고", "고", "말고"}
)
"""Endings allowed after a one-syllable Korean alias: "역에서" is a station, "역시" is not."""

_END = "\0"


@dataclass(frozen=True, slots=True)
class Entry:
    """One meaning of an alias; ``rank`` orders meanings of an ambiguous alias, ``strength``
    says how specifically the alias names it (see ``Term``)."""

    slot: Slot
    canonical: str
    rank: int
    strength: int


@dataclass(frozen=True, slots=True)
class Mention:
    """An alias found in the tokens ``start``..``end`` (inclusive).

    ``rest`` is what follows the alias inside the last token (a Korean particle such as
    "에서"), which tells how the word is used.
    """

    start: int
    end: int
    entries: tuple[Entry, ...]
    rest: str
    size: int

    def slots(self) -> set[Slot]:
        return {entry.slot for entry in self.entries}


Node = dict[str, "Node | tuple[Entry, ...]"]


class AliasMatcher:
    """Built once per vocabulary; ``find`` is pure and allocation-light."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self._words: Node = {}
        self._chars: Node = {}
        self._known_words: set[str] = set()
        meanings: dict[tuple[bool, tuple[str, ...]], list[Entry]] = {}
        for slot in Slot:
            for rank, term in enumerate(vocabulary.terms(slot)):
                for alias, strength in term.aliases():
                    words = alias_tokens(alias)
                    korean = any(is_hangul(word) for word in words)
                    tokens = tuple(w for w in words if korean or w not in SKIP_WORDS)
                    if not tokens:
                        raise ValueError(f"alias {alias!r} normalizes to nothing")
                    entry = Entry(slot, term.canonical, rank, strength)
                    bucket = meanings.setdefault((korean, tokens), [])
                    if entry not in bucket:
                        bucket.append(entry)
        for (korean, tokens), entries in meanings.items():
            if korean:
                _insert(self._chars, list(" ".join(tokens)), tuple(entries))
            else:
                _insert(self._words, list(tokens), tuple(entries))
                self._known_words.update(tokens)

    def find(self, tokens: list[str]) -> list[Mention]:
        """Non-overlapping mentions in text order, longest alias winning an overlap."""
        found: list[Mention] = []
        for start, token in enumerate(tokens):
            if token == CLAUSE or token in SKIP_WORDS:
                continue
            found.extend(self._match_words(tokens, start))
            found.extend(self._match_chars(tokens, start))
        found = _merge_same_span(found)
        found.sort(key=lambda m: (-m.size, m.start))
        taken: set[int] = set()
        chosen: list[Mention] = []
        for mention in found:
            span = range(mention.start, mention.end + 1)
            if taken.isdisjoint(span):
                taken.update(span)
                chosen.append(mention)
        chosen.sort(key=lambda m: m.start)
        return chosen

    def _match_words(self, tokens: list[str], start: int) -> list[Mention]:
        results: list[Mention] = []
        frontier: list[tuple[Node, int, int]] = [(self._words, start, 0)]
        while frontier:
            node, index, size = frontier.pop()
            while index < len(tokens) and tokens[index] in SKIP_WORDS and index > start:
                index += 1
            if index >= len(tokens) or tokens[index] == CLAUSE:
                continue
            for form in english_forms(tokens[index]):
                if form not in self._known_words:
                    continue
                child = node.get(form)
                if not isinstance(child, dict):
                    continue
                entries = child.get(_END)
                if isinstance(entries, tuple):
                    results.append(Mention(start, index, entries, "", size + len(form)))
                frontier.append((child, index + 1, size + len(form) + 1))
        return results

    def _match_chars(self, tokens: list[str], start: int) -> list[Mention]:
        results: list[Mention] = []
        index, node, size = start, self._chars, 0
        while index < len(tokens) and tokens[index] != CLAUSE:
            token = tokens[index]
            position = 0
            while position < len(token):
                child = node.get(token[position])
                if not isinstance(child, dict):
                    spaced = node.get(" ")  # alias has a space the learner left out
                    child = spaced.get(token[position]) if isinstance(spaced, dict) else None
                    if not isinstance(child, dict):
                        return results
                node, position, size = child, position + 1, size + 1
                entries = node.get(_END)
                if isinstance(entries, tuple) and self._accepts(token, position, size):
                    results.append(Mention(start, index, entries, token[position:], size))
            spaced = node.get(" ")
            if not isinstance(spaced, dict):
                return results
            node, index = spaced, index + 1
        return results

    @staticmethod
    def _accepts(token: str, position: int, size: int) -> bool:
        """A Korean alias may end inside a word only before a particle or ending."""
        if position == len(token):
            return True
        if not is_hangul(token[position - 1]):
            return False  # Latin alias inside a longer Latin word: "cgvs"
        return size >= 2 or token[position:] in KO_PARTICLES


def _merge_same_span(mentions: list[Mention]) -> list[Mention]:
    """One mention per span, holding every meaning: "doctors" is a clinic and a doctor, and
    the surrounding grammar picks one ("at the doctor's", "talk to the doctors")."""
    by_span: dict[tuple[int, int, str], Mention] = {}
    for mention in mentions:
        key = (mention.start, mention.end, mention.rest)  # "접수" inside "접수처" is no twin
        known = by_span.get(key)
        if known is None:
            by_span[key] = mention
            continue
        entries = known.entries + tuple(e for e in mention.entries if e not in known.entries)
        longer = known if known.size >= mention.size else mention
        by_span[key] = Mention(known.start, known.end, entries, longer.rest, longer.size)
    return list(by_span.values())


def _insert(root: Node, keys: list[str], entries: tuple[Entry, ...]) -> None:
    node = root
    for key in keys:
        child = node.setdefault(key, {})
        assert isinstance(child, dict)
        node = child
    node[_END] = entries

"""Turning learner text (typed, or an ASR transcript) into tokens the extractor can match.

Text and vocabulary aliases go through the same normalization so that "Check-in", "check in"
and "checkin " meet; clause punctuation survives as a ``|`` token because corrections and
open-ended phrases stop at clause boundaries, while ASR text simply has none.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from lemminflect import getAllLemmas, getAllLemmasOOV

CLAUSE = "|"
"""Token standing for a clause boundary (comma, full stop, question mark...)."""

MAX_INPUT_CHARS = 2000
"""Longer text is cut: a spoken turn is far shorter, and matching cost grows with length."""

SKIP_WORDS = frozenset({"a", "an", "the", "some", "this", "these", "that", "those", "any"})
"""Determiners ignored when matching aliases: "buy some bread" matches "buy bread"."""

POSSESSIVES = frozenset({"my", "our", "your", "his", "her", "their"})

_FILLERS_EN = frozenset(
    {"um", "umm", "ummm", "uh", "uhh", "uhm", "er", "erm", "hmm", "hm", "mm", "mmm", "ah", "ahh"}
)
_FILLERS_KO = frozenset(
    {"음", "어", "그", "저", "아", "뭐", "막", "으음", "음음", "어어",
     "좀", "그냥", "뭐지", "있잖아"}
)
_LIKE_KEEPERS = frozenset(
    {"would", "d", "id", "wed", "youd", "i", "you", "we", "they", "dont", "do", "really", "also"}
)
"""Words before "like" that make it a verb ("I'd like to"), not a filler ("and like the...")."""

_APOSTROPHES = re.compile(r"['’‘`´]")
_JOINERS = re.compile(r"[-‐‑‒_/|]")
"""Joiners become spaces; so does a literal "|", which is reserved for clause boundaries. En and
em dashes separate clauses instead ("Blood donation center — nurse — I want...")."""
_SCRIPT_BOUNDARY = re.compile(r"(?<=[가-힣])(?=[a-z0-9])|(?<=[a-z0-9])(?=[가-힣])")
_CLAUSE_MARKS = re.compile(r"[.,!?;:…\n\r\t()\[\]{}\"<>–—]+")
_NON_WORD = re.compile(r"[^\w|]+")

_COLLOQUIAL = {"wanna": "want", "gonna": "go", "gotta": "get", "lemme": "let"}
"""Spoken contractions no dictionary lemmatizes."""


def clean(raw: str) -> str:
    """Lowercase, NFKC, apostrophes dropped ("i'm" -> "im"), hyphens as spaces, and a space
    between Hangul and Latin so that "receptionist한테" becomes "receptionist 한테"."""
    text = unicodedata.normalize("NFKC", raw[:MAX_INPUT_CHARS]).lower()
    text = _APOSTROPHES.sub("", text)
    text = _JOINERS.sub(" ", text)
    return _SCRIPT_BOUNDARY.sub(" ", text)


def tokenize(raw: str) -> list[str]:
    """Word tokens with ``|`` clause boundaries, filler words removed."""
    text = _CLAUSE_MARKS.sub(f" {CLAUSE} ", clean(raw))
    words = _NON_WORD.sub(" ", text).split()
    tokens: list[str] = []
    for index, word in enumerate(words):
        if word in _FILLERS_EN or word in _FILLERS_KO:
            continue
        if word == "like" and (not tokens or tokens[-1] not in _LIKE_KEEPERS):
            continue
        if word == "know" and tokens and tokens[-1] == "you" and index + 1 < len(words):
            tokens.pop()  # "you know" as a filler, unless it ends the turn
            continue
        if word == CLAUSE and (not tokens or tokens[-1] == CLAUSE):
            continue
        tokens.append(word)
    tokens = _spelled_out(tokens)
    while tokens and tokens[-1] == CLAUSE:
        tokens.pop()
    return tokens


def _spelled_out(tokens: list[str]) -> list[str]:
    """Letters a recognizer wrote one by one are one word again: "the d m v" -> "dmv"."""
    joined: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if len(token) == 1 and token.isascii() and token.isalpha() and token not in "ai":
            run.append(token)
            continue
        joined.extend(["".join(run)] if len(run) >= 2 else run)
        run = []
        if token:
            joined.append(token)
    return joined


def alias_tokens(alias: str) -> list[str]:
    """Tokens of a vocabulary alias: normalized like learner text, without clause marks."""
    return _NON_WORD.sub(" ", clean(alias).replace(CLAUSE, " ")).split()


def is_hangul(token: str) -> bool:
    return bool(token) and "\uac00" <= token[0] <= "\ud7a3"


@lru_cache(maxsize=8192)
def lemmas_of(token: str) -> dict[str, tuple[str, ...]]:
    """lemminflect's base forms of an English word by part of speech ({"VERB": ("buy",)}),
    cached: the rules ask about the same few hundred words all the time."""
    if not (token.isascii() and token.isalpha()):
        return {}
    return dict(getAllLemmas(token))


@lru_cache(maxsize=8192)
def english_forms(token: str) -> tuple[str, ...]:
    """The token and every base form it may be an inflection of ("bought" -> "buy").

    The lemmas come from lemminflect's dictionary (its rules for unknown words only guess
    regular inflections). Over-generating is safe: the matcher keeps only forms that occur in
    an alias, so "left" -> "leave" costs nothing where no alias has "leave".
    """
    forms = [token]
    if token in _COLLOQUIAL:
        forms.append(_COLLOQUIAL[token])
    elif token.isascii() and token.isalpha():
        for lemmas in lemmas_of(token).values():
            forms.extend(lemmas)
        if len(forms) == 1 and len(token) > 3:
            for upos in ("NOUN", "VERB"):
                forms.extend(getAllLemmasOOV(token, upos).get(upos, ()))
    return tuple(dict.fromkeys(forms))

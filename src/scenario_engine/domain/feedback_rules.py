"""Role-play feedback from rules for the mistakes Korean learners of English make most.

Each rule finds one kind of mistake in a sentence and rewrites it: a missing article, a
missing "to" after want/need/would like, a present verb with "yesterday" or a past one with
"tomorrow", a singular noun after a number, "I am agree", and Konglish ("eye shopping").
They favour precision over recall: a learner shown a wrong correction learns the wrong thing,
so each rule fires only on words it knows (tests/domain/feedback_eval/ measures both).
The local engine's coach is these rules; any engine falls back to them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from scenario_engine.domain import learner_words as words
from scenario_engine.domain.konglish import KONGLISH
from scenario_engine.domain.practice import Correction, Feedback
from scenario_engine.domain.slots import SlotValues

MAX_CORRECTIONS = 3


def _past_of(verb: str) -> str:
    if verb in words.IRREGULAR_PAST:
        return words.IRREGULAR_PAST[verb]
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y") and verb[-2] not in "aeiou":
        return verb[:-1] + "ied"
    return verb + "ed"


def _third_person(verb: str) -> str:
    if verb in ("have", "do", "go"):
        return {"have": "has", "do": "does", "go": "goes"}[verb]
    if verb.endswith(("s", "sh", "ch", "x")):
        return verb + "es"
    return verb[:-1] + "ies" if verb.endswith("y") and verb[-2] not in "aeiou" else verb + "s"


def _plural_of(noun: str) -> str:
    if noun in words.IRREGULAR_PLURAL:
        return words.IRREGULAR_PLURAL[noun]
    head, _, last = noun.rpartition(" ")
    return f"{head} {_third_person(last)}".strip() if last != "ATM" else f"{head} ATMs".strip()


def _ing_of(verb: str) -> str:
    if verb.endswith("e") and verb != "see":
        return verb[:-1] + "ing"
    if verb in ("sit", "stop", "run", "get", "put"):
        return verb + verb[-1] + "ing"
    return verb + "ing"


def _indefinite(word: str) -> str:
    """'a' or 'an' by how ``word`` sounds."""
    if word.isupper():
        return "an" if word[0] in "AEFHILMNORSX" else "a"
    if word.startswith(("uni", "use", "eu", "one")):
        return "a"
    return "an" if word[0] in "aeiou" or word.startswith(("hour", "honest")) else "a"


_BASE_OF_PAST = {_past_of(verb): verb for verb in words.VERBS}
_BASE_OF_THIRD = {_third_person(verb): verb for verb in words.VERBS}
_THIRD_SUBJECTS = ("he", "she", "it", "my", "the", "his", "her", "this", "that", "our")


def _alt(options: Iterable[str]) -> str:
    return "|".join(sorted((re.escape(word) for word in options), key=len, reverse=True))


_NOUN = rf"(?:{_alt(words.COMPOUND_NOUNS)}|{_alt(words.COUNTABLE)})"
_SUBJECT = (
    r"\b(I|we|you|they|he|she|it|(?:the|my|our|his|her|this|that|your)(?: [a-z]+){1,2}?)"
    r"((?: (?:already|just|also|really|actually|only|still|finally))?)"
)
_VERB_NOT_NOUN = (
    rf"(?:{_alt(words.VERBS - words.NOUN_LIKE_VERBS)})\b"
    rf"|(?:{_alt(words.NOUN_LIKE_VERBS)})\b(?=\s+(?:{_alt(words.OBJECT_STARTS)})\b)"
)
"""A verb, or a verb that is also a noun when an object or particle follows it."""
_TO_VERB = re.compile(
    r"\b(want|wants|wanted|need|needs|needed|would like|'d like|plan|plans|planned|try|tries|"
    rf"tried|hope|hoped|decide|decided|forgot)\s+({_VERB_NOT_NOUN})",
    re.I,
)
_HAVE_VERB = re.compile(
    rf"\b(have|has|had)\s+({_alt(words.VERBS - words.NOUN_LIKE_VERBS - {'have'})})\b", re.I
)
_THE_CONTEXT = r"where is|where's|take me to|how much is|go to|get to|way to"
_PREPOSITION = r"on|in|at|to"
_A_CONTEXT = (
    r"have|has|want|need|get|give me|buy|book|reserve|order|call|find|is there|there is|"
    r"looking for|'d like|would like|rent|open|make|bring me|show me|recommend me|recommend"
)
_ADJECTIVE = rf"((?:{_alt(words.SUPERLATIVES | words.ADJECTIVES)})\s+)?"
_NOT_COMPOUND = rf"\b(?!\s+(?:{_alt(words.NOUN_FOLLOWERS)}|\d))"
_ARTICLE = re.compile(
    rf"\b({_THE_CONTEXT}|{_A_CONTEXT})\s+{_ADJECTIVE}({_NOUN}){_NOT_COMPOUND}"
    rf"|\b({_PREPOSITION})\s+{_ADJECTIVE}({_alt(words.PLACE_NOUNS)}){_NOT_COMPOUND}",
    re.I,
)
_PAST_MARK = re.compile(r"\b(yesterday|last (?:night|week|month|year|weekend|time)|ago)\b", re.I)
_FUTURE_MARK = re.compile(r"\b(tomorrow|next (?:week|month|year|weekend|time))\b", re.I)
_CLAUSES = re.compile(r"(,|;|\bbut\b|\band\b|\bso\b|\bbecause\b)", re.I)
_PRESENT_VERB = re.compile(rf"{_SUBJECT}\s+({_alt(words.VERBS | set(_BASE_OF_THIRD))})\b", re.I)
_PAST_VERB = re.compile(rf"{_SUBJECT}\s+({_alt(_BASE_OF_PAST)})\b", re.I)
_NUMBER_NOUN = re.compile(
    rf"\b({_alt(words.NUMBERS)}|a few|a couple of|a lot of|lots of|[2-9]|\d\d+)\s+"
    rf"((?:{_alt(words.ADJECTIVES)})\s+)?({_NOUN}|{_alt(words.COUNTED_IN_ORDERS)})"
    rf"\b(?!\s+(?:{_alt(words.NOUN_FOLLOWERS)}))",
    re.I,
)
_BE_VERB = re.compile(
    r"\b(I|we|you|they|he|she|it|(?:the|my|our|his|her)(?: [a-z]+){1,2}?)"
    r"(?: (am|is|are|was|were)|('m|'re|'s))( not)?"
    r"((?: (?:totally|really|completely|also|just|still|so))?)"
    rf" ({_alt(words.STATIVE | words.DYNAMIC_AFTER_BE)})\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Fix:
    rule: str
    better: str
    why_ko: str


def _want_to(text: str) -> Fix | None:
    better = _HAVE_VERB.sub(r"\1 to \2", _TO_VERB.sub(r"\1 to \2", text))
    why = "want/need/would like/have 뒤에 동사가 오면 to를 붙여요: want to + 동사, have to + 동사."
    return Fix("want_to", better, why)


def _article(text: str) -> Fix | None:
    def fix(match: re.Match[str]) -> str:
        if match[1]:
            context, adjective, noun = match[1], (match[2] or ""), match[3]
        else:
            context, adjective, noun = match[4], (match[5] or ""), match[6]
        first = (adjective or noun).strip()
        definite = (
            context.lower() in _THE_CONTEXT.split("|")
            or first.lower() in words.SUPERLATIVES
            or noun.lower() in ("menu", "bill", "restroom", "toilet", "front desk")
            or (match[4] is not None and first.lower() not in words.ADJECTIVES)
        )  # a plain adjective after a preposition: "on higher floor" -> "on a higher floor"
        article = "the" if definite else _indefinite(first)
        return f"{context} {article} {adjective}{noun}"

    better = _ARTICLE.sub(fix, text)
    return Fix("article", better, "셀 수 있는 명사 하나에는 a/an 또는 the가 필요해요.")


def _in_clauses(text: str, mark: re.Pattern[str], fix: Callable[[str], str]) -> str:
    """Apply ``fix`` only to the clauses of ``text`` that hold a time word ``mark``."""
    parts = _CLAUSES.split(text)
    return "".join(fix(part) if mark.search(part) else part for part in parts)


def _tense_past(text: str) -> Fix | None:
    def fix(clause: str) -> str:
        def verb(match: re.Match[str]) -> str:
            word = match[3].lower()
            base = _BASE_OF_THIRD.get(word, word)
            return f"{match[1]}{match[2]} {_keep_case(match[3], _past_of(base))}"

        return _PRESENT_VERB.sub(verb, clause)

    better = _in_clauses(text, _PAST_MARK, fix)
    return Fix("tense_past", better, "yesterday, last night, ~ago가 있으면 동사를 과거형으로 써요.")


def _tense_future(text: str) -> Fix | None:
    def fix(clause: str) -> str:
        return _PAST_VERB.sub(lambda m: f"{m[1]}{m[2]} will {_BASE_OF_PAST[m[3].lower()]}", clause)

    better = _in_clauses(text, _FUTURE_MARK, fix)
    return Fix("tense_future", better, "tomorrow, next week는 미래예요: will + 동사원형을 써요.")


def _plural(text: str) -> Fix | None:
    def fix(match: re.Match[str]) -> str:
        return f"{match[1]} {match[2] or ''}{_plural_of(match[3].lower())}"

    better = _NUMBER_NOUN.sub(fix, text)
    return Fix("plural", better, "둘 이상이면 명사를 복수형으로 써요 (two nights, four people).")


def _be_verb(text: str) -> Fix | None:
    def fix(match: re.Match[str]) -> str:
        subject, be = match[1], (match[2] or match[3]).lower().lstrip("'")
        negated, adverb, verb = bool(match[4]), match[5], match[6].lower()
        third = subject.split()[0].lower() in _THIRD_SUBJECTS
        past = be in ("was", "were")
        if verb in words.DYNAMIC_AFTER_BE:
            full_be = {"m": "am", "re": "are", "s": "is"}.get(be, be)
            return f"{subject} {full_be}{match[4] or ''}{adverb} {_ing_of(verb)}"
        if negated:
            auxiliary = "didn't" if past else ("doesn't" if third else "don't")
            return f"{subject}{adverb} {auxiliary} {verb}"
        if past:
            return f"{subject}{adverb} {_past_of(verb)}"
        return f"{subject}{adverb} {_third_person(verb) if third else verb}"

    better = _BE_VERB.sub(fix, text)
    why = "agree, understand, know는 동사예요: 'I am agree'가 아니라 'I agree'."
    return Fix("be_verb", better, why)


def _konglish(text: str) -> Fix | None:
    better, why = text, []
    for pattern, replacement, reason in KONGLISH:
        better, count = pattern.subn(replacement, better)
        if count:
            why.append(reason)
    return Fix("konglish", better, " ".join(why))


_RULES: list[Callable[[str], Fix | None]] = [
    _want_to, _article, _tense_past, _tense_future, _plural, _be_verb, _konglish,
]  # fmt: skip


def find_fixes(sentence: str) -> list[Fix]:
    """The rules that change ``sentence``, each applied to the result of the ones before."""
    fixes, text = [], sentence
    for rule in _RULES:
        fix = rule(text)
        if fix is not None and fix.better != text:
            fixes.append(fix)
            text = fix.better
    return fixes


def correct(sentence: str) -> Correction | None:
    """One correction for ``sentence`` with every rule's fix, or None when no rule fires."""
    fixes = find_fixes(sentence)
    if not fixes:
        return None
    return Correction(sentence, fixes[-1].better, " ".join(fix.why_ko for fix in fixes))


def rule_feedback(said: Sequence[str], scenario: SlotValues | None = None) -> Feedback:
    """Feedback on the learner's turns: up to ``MAX_CORRECTIONS`` corrections, the best clean
    sentence as what went well, and a one-line summary."""
    corrections = [found for sentence in said if (found := correct(sentence))]
    clean = [sentence for sentence in said if correct(sentence) is None and " " in sentence]
    if clean:
        well_done = f'You said "{max(clean, key=len)}" — clear and natural.'
    elif said:
        well_done = "You kept the conversation going in English."
    else:
        well_done = "You started the role-play."
    where = f" at the {scenario.place}" if scenario and scenario.place else ""
    fixes = len(corrections)
    work = f"{fixes} sentence{'s' if fixes != 1 else ''} to polish" if fixes else "no mistakes"
    summary = f"You took {len(said)} turn{'s' if len(said) != 1 else ''}{where}, with {work}."
    if not said:
        summary = "The role-play ended before your first turn: next time, answer the partner."
    return Feedback(tuple(corrections[:MAX_CORRECTIONS]), well_done, summary)


def _keep_case(original: str, replacement: str) -> str:
    return replacement.capitalize() if original[:1].isupper() else replacement

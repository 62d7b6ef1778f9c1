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

from scenario_engine.domain.practice import Correction, Feedback
from scenario_engine.domain.slots import SlotValues

MAX_CORRECTIONS = 3


def _split(words: str) -> list[str]:
    return words.split()


_PAST = {
    "go": "went", "buy": "bought", "lose": "lost", "eat": "ate", "see": "saw", "have": "had",
    "come": "came", "leave": "left", "take": "took", "get": "got", "make": "made",
    "pay": "paid", "find": "found", "send": "sent", "sit": "sat", "sleep": "slept",
    "meet": "met", "tell": "told", "give": "gave", "bring": "brought", "keep": "kept",
    "put": "put", "forget": "forgot", "drink": "drank", "speak": "spoke",
    "write": "wrote", "read": "read", "wear": "wore", "do": "did", "sell": "sold",
}  # fmt: skip
_REGULAR = _split(
    "check book order ask change cancel return exchange open rent use talk stay visit call "
    "reserve borrow look move work travel show help start finish arrive pick fill withdraw "
    "declare apply watch play listen live join park clean fix repair wait want need try"
)
_VERBS = {*_PAST, *_REGULAR}


def _past_of(verb: str) -> str:
    if verb in _PAST:
        return _PAST[verb]
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y") and verb[-2] not in "aeiou":
        return verb[:-1] + "ied"
    return verb + "ed"


_BASE_OF_PAST = {_past_of(verb): verb for verb in _VERBS}
_ARTICLES = {
    "reservation": "a", "room": "a", "table": "a", "ticket": "a", "taxi": "a", "receipt": "a",
    "appointment": "an", "question": "a", "problem": "a", "bank": "a", "pharmacy": "a",
    "hospital": "a", "restaurant": "a", "hotel": "a", "refund": "a", "discount": "a",
    "menu": "the", "bill": "the", "subway station": "the", "bus stop": "a",
    "restroom": "the", "toilet": "the",
}  # fmt: skip
_PLURALS = {
    "night": "nights", "day": "days", "ticket": "tickets", "bag": "bags", "room": "rooms",
    "person": "people", "coffee": "coffees", "bed": "beds", "week": "weeks", "hour": "hours",
    "minute": "minutes", "key": "keys", "bottle": "bottles", "cup": "cups", "seat": "seats",
    "dollar": "dollars", "adult": "adults", "child": "children", "kid": "kids", "box": "boxes",
    "shirt": "shirts", "book": "books", "item": "items", "glass": "glasses", "month": "months",
    "year": "years", "table": "tables", "burger": "burgers", "sandwich": "sandwiches",
}  # fmt: skip
_STATIVE = _split("agree disagree understand know want need like think believe remember")


def _words(options: Iterable[str]) -> str:
    return "|".join(sorted((re.escape(word) for word in options), key=len, reverse=True))


_SUBJECT = r"\b(I|we|you|they|he|she|it|my \w+|(?:my|our) (?:friend|wife|husband|son|daughter))"
_WANT_TO = re.compile(
    rf"\b(want|wants|wanted|need|needs|needed|would like|'d like)\s+({_words(_VERBS)})\b", re.I
)
_ARTICLE = re.compile(
    rf"\b(have|want|need|book|reserve|get|order|call|make|find|is there|there is|looking for|"
    rf"where is|rent|buy)\s+({_words(_ARTICLES)})\b(?!\s+(?:service|key|number|card))",
    re.I,
)
_PAST_MARK = re.compile(r"\b(yesterday|last (?:night|week|month|year|weekend|time)|ago)\b", re.I)
_FUTURE_MARK = re.compile(r"\b(tomorrow|next (?:week|month|year|weekend|time))\b", re.I)
_PRESENT_VERB = re.compile(rf"{_SUBJECT}\s+({_words(_VERBS)})\b", re.I)
_PAST_VERB = re.compile(rf"{_SUBJECT}\s+({_words(_BASE_OF_PAST)})\b", re.I)
_NUMBER_NOUN = re.compile(
    rf"\b(two|three|four|five|six|seven|eight|nine|ten|[2-9]|\d\d+|several|many|a few)\s+"
    rf"({_words(_PLURALS)})\b",
    re.I,
)
_BE_STATIVE = re.compile(
    rf"\b(I am|I'm|you are|we are|they are|he is|she is)\s+({_words(_STATIVE)})\b", re.I
)
_KONGLISH: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"\beye[ -]?shopping\b", re.I), "window shopping",
     "'eye shopping'은 콩글리시예요. 구경만 하는 쇼핑은 'window shopping'이라고 해요."),
    (re.compile(r"\bhand[ -]?phone\b", re.I), "cell phone",
     "'hand phone'은 콩글리시예요. 'cell phone' 또는 'phone'이라고 해요."),
    (re.compile(r"\bmorning call\b", re.I), "wake-up call",
     "호텔의 모닝콜은 영어로 'wake-up call'이에요."),
    (re.compile(r"^take[ -]?out(?=[\s,.!?]*(?:please)?[\s.!?]*$)", re.I), "To go",
     "포장은 'take out'보다 'to go'라고 해요: 'To go, please.'"),
    (re.compile(r"\b(is) (this|it) service\b", re.I), r"\1 \2 free",
     "'서비스'(무료)는 영어로 'free' 또는 'on the house'라고 해요."),
    (re.compile(r"\brunning machine\b", re.I), "treadmill",
     "'러닝머신'은 영어로 'treadmill'이에요."),
    (re.compile(r"\b(?:A/S|after[ -]service)\b", re.I), "repair service",
     "'A/S'는 콩글리시예요. 'repair service' 또는 'warranty service'라고 해요."),
    (re.compile(r"\bcheck card\b", re.I), "debit card",
     "'체크카드'는 영어로 'debit card'예요."),
    (re.compile(r"\bnotebook\b(?=.*\b(?:broken|repair|fix|charger|battery|screen)\b)", re.I),
     "laptop", "컴퓨터 '노트북'은 영어로 'laptop'이에요. 'notebook'은 공책이에요."),
    (re.compile(r"\bskinship\b", re.I), "physical affection",
     "'skinship'은 콩글리시예요. 'physical affection'이라고 해요."),
    (re.compile(r"\bselca\b", re.I), "selfie", "'셀카'는 영어로 'selfie'예요."),
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Fix:
    rule: str
    better: str
    why_ko: str


def _want_to(text: str) -> Fix | None:
    better = _WANT_TO.sub(r"\1 to \2", text)
    why = "want/need/would like 뒤에 동사가 오면 to를 붙여요: want to + 동사."
    return Fix("want_to", better, why)


def _article(text: str) -> Fix | None:
    def fix(match: re.Match[str]) -> str:
        return f"{match[1]} {_ARTICLES[match[2].lower()]} {match[2]}"

    better = _ARTICLE.sub(fix, text)
    return Fix("article", better, "셀 수 있는 명사 하나에는 a/an 또는 the가 필요해요.")


def _tense_past(text: str) -> Fix | None:
    if not _PAST_MARK.search(text):
        return None
    better = _PRESENT_VERB.sub(lambda m: f"{m[1]} {_keep_case(m[2], _past_of(m[2].lower()))}", text)
    return Fix("tense_past", better, "yesterday, last night, ~ago가 있으면 동사를 과거형으로 써요.")


def _tense_future(text: str) -> Fix | None:
    if not _FUTURE_MARK.search(text):
        return None
    better = _PAST_VERB.sub(lambda m: f"{m[1]} will {_BASE_OF_PAST[m[2].lower()]}", text)
    return Fix("tense_future", better, "tomorrow, next week는 미래예요: will + 동사원형을 써요.")


def _plural(text: str) -> Fix | None:
    better = _NUMBER_NOUN.sub(lambda m: f"{m[1]} {_PLURALS[m[2].lower()]}", text)
    return Fix("plural", better, "둘 이상이면 명사를 복수형으로 써요 (two nights, four people).")


def _be_verb(text: str) -> Fix | None:
    def fix(match: re.Match[str]) -> str:
        subject = match[1].split()[0].removesuffix("'m")
        verb = match[2]
        return f"{subject} {verb}s" if subject.lower() in ("he", "she") else f"{subject} {verb}"

    better = _BE_STATIVE.sub(fix, text)
    why = "agree, understand, know는 동사예요: 'I am agree'가 아니라 'I agree'."
    return Fix("be_verb", better, why)


def _konglish(text: str) -> Fix | None:
    better, why = text, []
    for pattern, replacement, reason in _KONGLISH:
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
    return Feedback(tuple(corrections[:MAX_CORRECTIONS]), well_done, summary)


def _keep_case(original: str, replacement: str) -> str:
    return replacement.capitalize() if original[:1].isupper() else replacement

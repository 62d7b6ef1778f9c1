"""When a Korean goal word from the vocabulary is not the learner's request.

The vocabulary's Korean goal aliases ("추천", "접수", "예약", "체크인") name an action. Two kinds
of context make such a word something other than what the learner wants to do, read from the
morphemes around it:

- it already happened or only describes a thing: "체크인은 했고" (past), "예약한 거 확인하려고"
  (the booking made is what is talked about; the request is confirming it);
- the learner named what the action is about, and the vocabulary's value drops it: "메뉴 추천"
  is a menu recommendation, "고양이 건강검진" a check-up for a cat, "타이어 고쳐" fixing a tire.
  The category ("ask for a recommendation") would be a wrong value; the question asks instead.
"""

from __future__ import annotations

from scenario_engine.engines.local.lexicon import KoreanLexicon
from scenario_engine.engines.local.matcher import Mention
from scenario_engine.engines.local.morphology import Morpheme, analyse

_OBJECT_NOUNS = frozenset({"NNG", "NNP"})
_ADNOMINAL_PAST = frozenset({"ᆫ", "은"})
_THING = frozenset({"거", "것", "걸", "게"})


def not_requested(
    tokens: list[str], mention: Mention, taken: frozenset[int], lexicon: KoreanLexicon
) -> bool:
    """Whether the Korean goal alias ``mention`` is background or drops its object; ``taken``
    holds the indices of tokens that are part of any vocabulary mention. An object the value
    already says ("옷 입어보" is trying on clothes, "돈 인출" withdrawing money) is kept."""
    morphemes = analyse(" ".join(tokens))
    if not morphemes:
        return False
    starts: list[int] = []
    position = 0
    for token in tokens:
        starts.append(position)
        position += len(token) + 1
    begin = starts[mention.start]
    end = starts[mention.end] + len(tokens[mention.end]) - len(mention.rest)
    after = [m for m in morphemes if m.start >= end][:3]
    before = [m for m in morphemes if m.start < begin]
    if _happened(after):
        return True
    noun = _object_dropped(before, starts, taken)
    if noun is None:
        return False
    english = lexicon.object(noun) or ""
    said = {word for entry in mention.entries for word in entry.canonical.split()}
    return not (set(english.split()) & said)


def _happened(after: list[Morpheme]) -> bool:
    """ "했고", "한 거": a past verb ending, or a past adnominal ending before a thing."""
    forms = [(m.form, m.tag) for m in after]
    for index, (form, tag) in enumerate(forms):
        if tag == "EP" and form in ("었", "았", "였", "ㅆ"):
            return True
        if tag == "ETM" and form in _ADNOMINAL_PAST:
            following = forms[index + 1][0] if index + 1 < len(forms) else ""
            return following in _THING
        if not tag.startswith(("XSV", "VV", "VX", "JX")):
            return False  # "체크인은 했고": the topic particle may come between
    return False


def _object_dropped(
    before: list[Morpheme], starts: list[int], taken: frozenset[int]
) -> str | None:
    """The noun just before the alias (with or without 을/를) when no vocabulary word covers
    it: the object the learner named."""
    if before and before[-1].tag == "JKO":
        before = before[:-1]
    if not before or before[-1].tag not in _OBJECT_NOUNS:
        return None
    token = max(index for index, start in enumerate(starts) if start <= before[-1].start)
    return None if token in taken else before[-1].form

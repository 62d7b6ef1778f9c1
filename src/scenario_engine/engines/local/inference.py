"""What a learner plainly implies without naming it: a call is a phone call, a taxi driver
is in a taxi.

Only where there is no doubt: a place inferred from a partner fills the place only when the
learner named none, and only for partners that work in one kind of place.
"""

from __future__ import annotations

from scenario_engine.engines.local.normalize import lemmas_of

PHONE_CALL = "phone call"
_PHONE_AFTER = frozenset({"by", "over", "on", "via"})
_KO_CALL = ("전화", "call", "연락")
_CALL_WORDS = frozenset({"call", "calling", "called", "phone", "phoning", "ring", "ringing"})
_DETERMINERS = frozenset({"the", "a", "an", "my", "our", "this", "that"})
_CALL_BEFORE = frozenset({"im", "am", "ill", "will", "to", "gonna", "want", "need", "i", "we"})


def _modifies_a_noun(following: str) -> bool:
    """ "the phone shop", "the phone screen": "phone" describes the next noun, no call."""
    lemmas = lemmas_of(following)
    return "NOUN" in lemmas and following not in ("to", "with", "for", "about")


def callee(tokens: list[str], start: int) -> bool:
    """Whether the place named at ``start`` is the one called: "calling the hotel",
    "레스토랑에 전화해서", "front desk에 call할 거예요"."""
    index = start - 1
    while index >= 0 and tokens[index] in _DETERMINERS:
        index -= 1
    if index >= 0 and tokens[index] in _CALL_WORDS:
        return True
    end = start
    while end + 1 < len(tokens) and tokens[end + 1].isascii() and tokens[end].isascii():
        end += 1  # the English words of a place in Korean text
    after = tokens[end + 1 : end + 3]
    if tokens[end].endswith("에") and after:
        return after[0].startswith(_KO_CALL)
    return len(after) == 2 and after[0] == "에" and after[1].startswith(_KO_CALL)


_INSIDE = ("front desk", "frontdesk", "reception", "프런트", "프론트", "리셉션")
"""Who a guest calls from inside the place: the call is no place of its own."""


def calls_inside(tokens: list[str]) -> bool:
    """ "hotel room에 air conditioner가 안 돼요, front desk에 전화했어요": the learner calls
    the front desk of the place they are in, so that place stays the scene's place."""
    text = " ".join(tokens)
    return any(inside in text for inside in _INSIDE)


def on_the_phone(tokens: list[str]) -> bool:
    """The conversation happens on the phone: "I'm calling the airline", "by phone",
    "레스토랑에 전화해서", "front desk에 call할 거예요"."""
    for index, token in enumerate(tokens):
        before = tokens[index - 1] if index else ""
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if token == "calling" or (token == "phone" and (before in _PHONE_AFTER or
                                                        before == "the")
                                  and not _modifies_a_noun(following)):
            return True
        if token == "call" and (before in _CALL_BEFORE or following.startswith(("할", "해"))):
            return True
        if token.startswith("전화") and token not in ("전화번호", "전화기"):
            return True
    return False

"""What a learner plainly implies without naming it: a call is a phone call, a taxi driver
is in a taxi.

Only where there is no doubt: a place inferred from a partner fills the place only when the
learner named none, and only for partners that work in one kind of place.
"""

from __future__ import annotations

PHONE_CALL = "phone call"
_PHONE_AFTER = frozenset({"by", "over", "on", "via"})
_CALL_BEFORE = frozenset({"im", "am", "ill", "will", "to", "gonna", "want", "need", "i", "we"})


def on_the_phone(tokens: list[str]) -> bool:
    """The conversation happens on the phone: "I'm calling the airline", "by phone",
    "레스토랑에 전화해서", "front desk에 call할 거예요"."""
    for index, token in enumerate(tokens):
        before = tokens[index - 1] if index else ""
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if token == "calling" or (token == "phone" and (before in _PHONE_AFTER or
                                                        before == "the")):
            return True
        if token == "call" and (before in _CALL_BEFORE or following.startswith(("할", "해"))):
            return True
        if token.startswith("전화") and token not in ("전화번호", "전화기"):
            return True
    return False

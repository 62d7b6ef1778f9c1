"""Word lists behind the feedback rules: verbs, countable nouns, adjectives, Konglish.

Data only (``feedback_rules`` holds the logic). Lists are what learners of English say in
everyday service scenes; a rule fires only on words listed here, which keeps it precise.
"""

from __future__ import annotations


def _split(words: str) -> frozenset[str]:
    return frozenset(words.split())


IRREGULAR_PAST = {
    "go": "went", "buy": "bought", "lose": "lost", "eat": "ate", "see": "saw", "have": "had",
    "come": "came", "leave": "left", "take": "took", "get": "got", "make": "made",
    "pay": "paid", "find": "found", "send": "sent", "sit": "sat", "sleep": "slept",
    "meet": "met", "tell": "told", "give": "gave", "bring": "brought", "keep": "kept",
    "forget": "forgot", "drink": "drank", "speak": "spoke", "write": "wrote", "wear": "wore",
    "do": "did", "sell": "sold", "understand": "understood", "know": "knew", "think": "thought",
    "feel": "felt", "lend": "lent", "spend": "spent", "win": "won", "ride": "rode",
    "drive": "drove", "fly": "flew", "break": "broke", "choose": "chose", "say": "said",
}  # fmt: skip
REGULAR_VERBS = _split(
    "check book order ask change cancel return exchange open rent use talk stay visit call "
    "reserve borrow look move work travel show help start finish arrive pick fill withdraw "
    "declare apply watch play listen live join park clean fix repair wait want need try "
    "learn study agree like love hate enjoy plan decide hope remember believe"
)
VERBS = frozenset(IRREGULAR_PAST) | REGULAR_VERBS

NOUN_LIKE_VERBS = _split(
    "help change work use call rent talk visit play fill look park fix wait try book check "
    "order return love plan hope drink sleep"
)
"""Verbs that are also everyday nouns ("I need help"): no "to" is inserted before them after
want/need, and none after "have"."""

STATIVE = _split("agree disagree understand know want need like love hate think believe "
                 "remember live mean")  # fmt: skip
"""Verbs learners put after "am/is/are" ("I am agree"): the fix drops the "be"."""
DYNAMIC_AFTER_BE = _split("stay go wait work study travel come leave look sit")
"""Verbs after "be" that want "-ing" ("We are stay" -> "We are staying")."""

COUNTABLE = _split(
    "reservation room table ticket taxi receipt appointment question problem bank pharmacy "
    "hospital restaurant hotel refund discount menu bill restroom toilet airport ATM floor "
    "seat napkin gift fee account bag car copy minute pill thing temple cookie bottle cup "
    "glass plate fork spoon knife straw bed blanket pillow towel key passport visa form pen "
    "map bus train flight gate plane station hour day night week month year dollar person "
    "child kid adult shirt jacket dress shoe book item box package letter stamp burger "
    "sandwich pizza salad beer cake apple umbrella charger phone laptop computer doctor "
    "nurse friend size price mistake reason trip tour guide locker elevator store shop mall "
    "museum park church school suitcase wallet coupon card photo picture ride meal dish "
    "dessert souvenir tablet pair bedroom bathroom shower sink window door"
)
COUNTED_IN_ORDERS = _split("coffee latte americano tea juice water beer coke")
"""Drinks: counted when ordered ("three coffees"), but "I'd like coffee" needs no article."""
COMPOUND_NOUNS = frozenset(
    [
        "fitting room",
        "window seat",
        "aisle seat",
        "front desk",
        "bus stop",
        "subway station",
        "train station",
        "gas station",
        "parking lot",
        "credit card",
        "room key",
        "boarding pass",
        "rental car",
        "studio apartment",
    ]
)
"""Two-word nouns, matched before their second word alone."""
NOUN_FOLLOWERS = _split("service key number card charge station stop fee pass counter desk")
PLACE_NOUNS = (
    _split(
        "airport hotel bank station restaurant pharmacy hospital floor counter ATM mall museum "
        "park gate elevator restroom toilet store shop market church"
    )
    | COMPOUND_NOUNS
)
"""Nouns that take "the" after a preposition ("take me to airport"); others ("at night")
are left alone there."""
OBJECT_STARTS = _split("out in up off on my the this that a an it me your his her our one some "
                       "two three many more")  # fmt: skip
"""Words after a noun-like verb that show it is a verb ("I need change my room")."""
"""A listed noun followed by one of these is the first half of a compound: no article added."""

IRREGULAR_PLURAL = {
    "person": "people", "child": "children", "man": "men", "woman": "women", "foot": "feet",
    "tooth": "teeth", "knife": "knives", "shelf": "shelves",
}  # fmt: skip

ADJECTIVES = _split(
    "early late big small cheap quiet new nice good window aisle single double twin extra "
    "different clean large medium hot cold iced separate round-trip one-way short long "
    "higher lower bigger smaller cheaper quieter better later earlier newer"
)
SUPERLATIVES = _split("nearest closest best cheapest biggest next last first fastest quietest")
"""Adjectives that take "the" ("where is nearest bus stop" -> "the nearest")."""

NUMBERS = _split(
    "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "twenty thirty forty fifty sixty hundred several many few both"
)

"""Slots from Korean grammar: noun phrases with their particles, and verbs with their objects.

The text is analysed into morphemes (``morphology``). A noun phrase followed by 에서 (or 에
before 가다/오다/있다, or a bare 가다) is a place; one followed by 한테/에게/께/이랑/랑/하고 is
a partner; a verb with its object ("계좌를 만들", "택배 부치") or a verbal noun + 하다
("환불하") is a goal candidate, the last one the learner states that is not "talk", "go" or
"practise". Every value comes from the Korean -> English lexicon; a phrase it does not know
gives no value at all, so a Korean fragment never reaches a slot.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from scenario_engine.domain.slots import Slot
from scenario_engine.engines.local.lexicon import KoreanLexicon
from scenario_engine.engines.local.matcher import Mention
from scenario_engine.engines.local.morphology import Morpheme, analyse
from scenario_engine.engines.local.normalize import is_hangul
from scenario_engine.engines.local.phrases import Phrase

_NOUNS = frozenset({"NNG", "NNP", "SL", "SH", "NR"})
_HONORIFICS = frozenset({"님", "분", "쌤", "씨", "들"})
_PLACE_PARTICLES = frozenset({"에서", "에서는", "에서요"})
_PARTNER_PARTICLES = frozenset(
    {"한테", "에게", "께", "한테서", "에게서", "이랑", "랑", "하고", "와", "과", "더러"}
)
_ARRIVAL_VERBS = frozenset({"가", "오", "있", "도착하", "들르", "들어가", "와"})
_NOT_GOALS = frozenset(
    {"하", "되", "있", "없", "가", "오", "보", "주", "싶", "얘기하", "이야기하", "말하", "대화하",
     "연습하", "만나", "통화하", "전화하", "말씀드리", "드리", "여쭈", "여쭤보", "물어보", "묻",
     "부탁하", "부탁드리", "상담하", "도착하", "모르", "알", "생각하", "같", "들", "나", "내리",
     "타", "해보", "그렇", "이러", "저러", "살", "다니", "자"}
)
_SPLITS = frozenset({"SF", "SW", "SS", "SP", "SE"})


@dataclass(frozen=True, slots=True)
class _Unit:
    """A noun phrase (``korean`` is its Korean nouns, ``english`` its Latin words) or a verb."""

    kind: str  # "noun" or "verb"
    korean: str
    english: str
    first: int  # morpheme index range
    last: int


def read_korean(tokens: list[str], lexicon: KoreanLexicon) -> list[Phrase]:
    """Place, partner and goal phrases (in English) stated in the Korean of ``tokens``."""
    text = " ".join(tokens)
    starts: list[int] = []
    position = 0
    for token in tokens:
        starts.append(position)
        position += len(token) + 1
    morphemes = analyse(text)

    def token_at(index: int) -> int:
        return bisect.bisect_right(starts, morphemes[index].start) - 1

    phrases: list[Phrase] = []
    units = _units(morphemes)
    goals: list[Phrase] = []
    for number, unit in enumerate(units):
        start, end = token_at(unit.first), token_at(unit.last)
        after = morphemes[unit.last + 1 :]
        if unit.kind == "noun":
            slot = _noun_slot(after)
            value = _translate(lexicon, slot, unit) if slot else None
            if slot and value:
                phrases.append(Phrase(slot, value, start, end))
            elif slot is Slot.PARTNER and not unit.english and " " in unit.korean:
                phrases.extend(_place_and_partner(lexicon, unit, start, end))
            elif slot is None and unit.korean.count(" ") >= 1 and not unit.english:
                place = lexicon.noun(Slot.PLACE, unit.korean)  # "여객선 터미널": one place
                if place:
                    phrases.append(Phrase(Slot.PLACE, place, start, end, framed=False))
            continue
        obj = _object_of(units, number, morphemes)
        verb = unit.korean
        destination = _destination(lexicon, units, number, morphemes)
        if destination:  # the place before the verb: "서울역까지 가 달라고"
            goals.append(Phrase(Slot.GOAL, f"go to {destination}",
                                token_at(units[number - 1].first), end))
            continue
        if verb in _NOT_GOALS or _past(after):
            continue  # "가방을 샀는데": what already happened is background, not the goal
        goal = lexicon.goal(verb, obj.korean if obj and obj.korean else None)
        if goal is None and obj is not None and obj.english and not obj.korean:
            sense = lexicon.verbs.get(verb)
            if sense and sense.with_object:
                goal = sense.with_object.format(object=obj.english)
        if goal:
            first = token_at(obj.first) if obj else start
            goals.append(Phrase(Slot.GOAL, goal, first, end))
    return phrases + goals[-1:]


def stated_positions(tokens: list[str]) -> tuple[list[int], list[int]]:
    """Where the Korean of ``tokens`` states a request (a verb that may be a goal, read or
    not) and a place (a noun before 에서, known or not), as token indices: a correction that
    states either supersedes what came before it even when its words cannot be read."""
    starts: list[int] = []
    position = 0
    for token in tokens:
        starts.append(position)
        position += len(token) + 1
    morphemes = analyse(" ".join(tokens))
    requests: list[int] = []
    places: list[int] = []
    for unit in _units(morphemes):
        after = morphemes[unit.last + 1 :]
        at = bisect.bisect_right(starts, morphemes[unit.first].start) - 1
        if unit.kind == "verb" and unit.korean not in _NOT_GOALS and not _past(after):
            requests.append(at)
        elif unit.kind == "noun" and after and after[0].form in _PLACE_PARTICLES:
            places.append(at)
    return requests, places


def ends_inside_a_word(tokens: list[str], mention: Mention) -> bool:
    """A Korean alias that ends inside one morpheme names another word: "카페" in "카페인"
    (caffeine), "병원" in "병원비" (the hospital bill), "추천" in "추천서" (a letter)."""
    if not mention.rest or not any(is_hangul(char) for char in mention.rest[:1]):
        return False
    text = " ".join(tokens)
    offset = sum(len(token) + 1 for token in tokens[: mention.end])
    end = offset + len(tokens[mention.end]) - len(mention.rest)
    morphemes = analyse(text)
    if not morphemes:
        return False  # no analysis: the matcher's own rule stands
    return all(m.start != end for m in morphemes) and any(
        m.start < end for m in morphemes
    )


def _units(morphemes: tuple[Morpheme, ...]) -> list[_Unit]:
    """Noun phrases and verbs in order; a verbal noun + 하다 ("예약하") is one verb."""
    units: list[_Unit] = []
    index = 0
    while index < len(morphemes):
        morpheme = morphemes[index]
        if morpheme.tag in _NOUNS and not _word_like(morpheme):
            index += 1  # "ㅋㅋ" (laughter, bare jamo) is no noun
            continue
        if morpheme.tag in _NOUNS:
            korean: list[str] = []
            english: list[str] = []
            first = index
            while index < len(morphemes) and (
                (morphemes[index].tag in _NOUNS and _word_like(morphemes[index]))
                or (morphemes[index].form in _HONORIFICS and morphemes[index].tag in
                    ("XSN", "NNB", "NNG"))
            ):
                current = morphemes[index]
                if current.form not in _HONORIFICS or current.tag not in ("XSN", "NNB"):
                    (english if current.tag == "SL" else korean).append(current.form)
                index += 1
            following = morphemes[index] if index < len(morphemes) else None
            if following is not None and following.tag == "XSV" and korean:
                verb = korean.pop() + "하"
                if korean or english:
                    units.append(_Unit("noun", " ".join(korean), " ".join(english), first,
                                       index - 2))
                units.append(_Unit("verb", verb, "", index - 1, index))
                index += 1
                continue
            units.append(_Unit("noun", " ".join(korean), " ".join(english), first, index - 1))
            continue
        if morpheme.tag in ("VV", "VV-R", "VV-I", "VX"):  # "계좌 만들": Kiwi may tag it VX
            units.append(_Unit("verb", morpheme.form, "", index, index))
        elif morpheme.tag in _SPLITS:
            units.append(_Unit("split", "", "", index, index))
        index += 1
    return units


def _word_like(morpheme: Morpheme) -> bool:
    """A Latin word or one with a Hangul syllable, not bare jamo ("ㅋㅋ") or a symbol."""
    return morpheme.tag == "SL" or any(is_hangul(char) for char in morpheme.form)


def _noun_slot(after: tuple[Morpheme, ...]) -> Slot | None:
    """Which slot the particle after a noun phrase marks, if any."""
    if not after:
        return None
    first = after[0]
    if first.tag.startswith("J") and first.form in _PLACE_PARTICLES:
        return Slot.PLACE
    if first.tag in ("JKB", "JC") and first.form in _PARTNER_PARTICLES:
        return Slot.PARTNER
    if first.tag == "JKB" and first.form == "에" and len(after) > 1:
        following = after[1]
        if following.tag.startswith("VV") and following.form in _ARRIVAL_VERBS:
            return Slot.PLACE
    if first.tag.startswith("VV") and first.form == "가" and not _asked(after[1:3]):
        return Slot.PLACE  # "병원 가서": where the learner goes; "공항 가 달라고": a ride
    return None


def _object_of(units: list[_Unit], number: int, morphemes: tuple[Morpheme, ...]) -> _Unit | None:
    """The noun phrase right before a verb, when it is the object (을/를 or no particle)."""
    unit = units[number]
    if unit.first > 0 and number and units[number - 1].kind == "noun":
        previous = units[number - 1]
        between = morphemes[previous.last + 1 : unit.first]
        if all(m.tag in ("JKO", "JX") for m in between):
            return previous
    return None


_TOWARD = frozenset({"까지", "으로", "로"})
_PLEASE = frozenset({"달", "주"})


def _destination(lexicon: KoreanLexicon, units: list[_Unit], number: int,
                 morphemes: tuple[Morpheme, ...]) -> str | None:
    """ "서울역까지 가 달라고", "공항으로 가 주세요": where the learner asks to be taken (in
    English, when the lexicon knows the place)."""
    unit = units[number]
    if unit.korean != "가" or not number or units[number - 1].kind != "noun":
        return None
    previous = units[number - 1]
    between = morphemes[previous.last + 1 : unit.first]
    after = morphemes[unit.last + 1 : unit.last + 3]
    if not (len(between) == 1 and between[0].form in _TOWARD and previous.korean):
        return None
    if not _asked(after):
        return None
    for nouns in (previous.korean, previous.korean.rsplit(" ", 1)[-1]):  # "기사님 시청으로"
        place = lexicon.noun(Slot.PLACE, nouns) or lexicon.object(nouns)
        if place:
            return place
    return None


def _asked(after: tuple[Morpheme, ...]) -> bool:
    """The verb before ``after`` is asked of someone: "가 달라고", "가 주세요"."""
    return any(m.form in _PLEASE and m.tag.startswith("V") for m in after)


def _past(after: tuple[Morpheme, ...]) -> bool:
    """The verb is in the past tense (었/았 right after it)."""
    return bool(after) and after[0].tag == "EP" and after[0].form in ("었", "았", "였", "ㅆ")


def _translate(lexicon: KoreanLexicon, slot: Slot, unit: _Unit) -> str | None:
    if not unit.korean:
        return unit.english or None
    value = lexicon.noun(slot, unit.korean)
    if unit.english:
        # "restaurant 사장님" is an owner; "check-in counter 직원" is left to the English rules
        return value if value and value != "staff" else None
    return value


def _place_and_partner(lexicon: KoreanLexicon, unit: _Unit, start: int, end: int) -> list[Phrase]:
    """ "세탁소 사장님께": the person of a place, named with it; a bare 직원 there is that
    place's staff ("이삿짐센터 직원"). The place itself is not taken for where the learner is:
    they may be calling it."""
    modifier, head = unit.korean.rsplit(" ", 1)
    place = lexicon.noun(Slot.PLACE, modifier)
    partner = lexicon.noun(Slot.PARTNER, head)
    if place is None or partner is None:
        return []
    if partner == "staff":
        partner = f"{place} staff"
    return [Phrase(Slot.PARTNER, partner, start, end)]

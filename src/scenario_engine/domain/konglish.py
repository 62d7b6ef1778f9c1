"""Konglish: English-looking words and phrases that mean something else, or nothing, to
English speakers ("eye shopping", "hand phone"), with the word to use and why, in Korean.

Each entry: a pattern, its replacement, the explanation. Patterns that are also real English
in other senses ("service", "band", "notebook") match only in the context that makes them
Konglish.
"""

from __future__ import annotations

import re

KONGLISH: list[tuple[re.Pattern[str], str, str]] = [
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
    (re.compile(r"\bofficetel\b", re.I), "studio apartment",
     "'오피스텔'은 영어로 'studio apartment'라고 해요."),
    (re.compile(r"\bhotchkiss\b", re.I), "stapler", "'호치키스'는 영어로 'stapler'예요."),
    (re.compile(r"\brent[ -]?a?[ -]?car\b(?=\s+(?:counter|office|company|shop))", re.I),
     "rental car", "'렌터카'는 영어로 'rental car'예요."),
    (re.compile(r"\b(a|the) band\b(?=.*\b(?:cut|finger|hurt|bleed|wound)\b)", re.I),
     r"\1 Band-Aid", "상처에 붙이는 '밴드'는 영어로 'Band-Aid' 또는 'bandage'예요."),
    (re.compile(r"\b(?:in )?one shot\b", re.I), "in one go",
     "'원샷'은 콩글리시예요. 'in one go' 또는 'Bottoms up!'이라고 해요."),
    (re.compile(r"\b(?:as|for) (?:a )?service\b", re.I), "for free",
     "'서비스'(무료)는 영어로 'for free' 또는 'on the house'라고 해요."),
    (re.compile(r"\barbeit\b", re.I), "part-time job",
     "'아르바이트'는 영어로 'part-time job'이에요."),
    (re.compile(r"\bremocon\b", re.I), "remote control",
     "'리모컨'은 영어로 'remote control'이에요."),
    (re.compile(r"\bcunning\b(?=.*\b(?:test|exam|quiz)\b)", re.I), "cheating",
     "시험 '커닝'은 영어로 'cheating'이에요."),
    (re.compile(r"\bfighting!", re.I), "You can do it!",
     "응원하는 '파이팅!'은 영어로 'You can do it!' 또는 'Good luck!'이라고 해요."),
    (re.compile(r"\bopen car\b", re.I), "convertible", "'오픈카'는 영어로 'convertible'이에요."),
    (re.compile(r"\by-shirt\b", re.I), "dress shirt", "'와이셔츠'는 영어로 'dress shirt'예요."),
    (re.compile(r"\bsharp pencil\b", re.I), "mechanical pencil",
     "'샤프'는 영어로 'mechanical pencil'이에요."),
    (re.compile(r"\bmy condition is (?:not good|bad|not so good)\b", re.I), "I don't feel well",
     "몸 상태가 나쁘다는 'I don't feel well'이라고 해요."),
    (re.compile(r"\bice americano\b", re.I), "iced americano",
     "차가운 커피는 'ice'가 아니라 'iced americano'예요."),
]  # fmt: skip

"""English goals from their grammar: a verb, its object and at most one complement.

"I need order pizza for delivery by phone" is the goal "order pizza for delivery", and
"Practice: returning a shirt" is "return a shirt": learners (and the people who grade them)
name the goal with the words of the utterance, so a goal made of those words is right more
often than a vocabulary category ("order food", "return an item"). The verb is turned into
its base form by lemminflect; a phrase without a verb of a goal, or a verb alone, is no goal.
"""

from __future__ import annotations

from scenario_engine.engines.local.normalize import lemmas_of
from scenario_engine.engines.local.patterns import GOAL_VERBS, NOT_GOAL_VERBS

_DEMONSTRATIVES = frozenset({"this", "that", "these", "those", "some", "any"})
_COMPLEMENTS = frozenset({"to", "for", "with", "about", "into", "from", "on"})
"""Prepositions that start a complement ("of" joins nouns: "a bottle of water")."""
_ENDS = frozenset({"at", "in", "by", "because", "cause", "cuz", "since", "before", "after",
                   "and", "or", "but", "so", "if", "when", "then", "please", "today", "tomorrow",
                   "now", "here"})
_PARTICLES = frozenset({"up", "out", "in", "off", "back", "down", "over", "on"})
_COMPLEMENT_WORDS = 3
_CHANGING = frozenset({"change", "switch", "mail", "ship", "move", "upgrade", "extend"})
"""Verbs whose "to" names what the object becomes or where it goes, which a goal keeps."""
_CONTROL_VERBS = frozenset({"try", "want", "need", "plan", "hope", "like", "love", "go", "have"})
"""Verbs before "to" whose goal is the verb after: "trying to order a beer"."""
_ASKING = frozenset({"ask", "tell", "check", "find"})
"""Verbs whose goal is the question after them: without it, "ask someone" says nothing."""
_REHEARSING = frozenset({"rehearse", "practice", "practise", "start", "keep"})
"""Verbs before a gerund whose goal is the gerund: "practise ordering food"."""
_OBJECT_PRONOUNS = frozenset({"it", "him", "her", "them", "me", "us", "one"})
_WH = frozenset({"how", "where", "what", "which", "when", "why", "if", "whether", "who"})
_TRAILING = frozenset({"a", "an", "the", "my", "our", "your", "his", "her", "their", "some"})
_NOT_GERUND_AFTER = frozenset({"is", "are", "was", "been", "keep", "stop", "the", "a", "my",
                               "for", "of", "without", "before", "after", "when", "while",
                               "shes", "hes", "theyre", "its"})
"""A "-ing" after these is no goal: "the bus is leaving", "the shopping", "after checking",
"she's visiting my brother" (someone else's doing)."""
_CLAUSE_WORDS = frozenset({"is", "are", "was", "were", "be", "been", "am", "will", "would",
                           "can", "could", "has", "had", "does", "did", "that", "which", "who"})
"""Words that start a clause inside an object: "renew books [that are due tomorrow]"."""


def joins_nouns(words: list[str], index: int) -> bool:
    """Whether ``words[index]`` is an "and" between two things of one goal ("declare kimchi
    and ginseng", "ask about the pay and the accommodation"), not between two actions ("pay
    and leave") or two clauses ("and I ...")."""
    if words[index] != "and":
        return False
    following = index + 1
    while following < len(words) and words[following] in _TRAILING:
        following += 1
    if following >= len(words) or words[following] in _NOT_NOUNS:
        return False
    lemmas = lemmas_of(words[following])
    if not lemmas:
        return words[following].isalpha()  # "ginseng", "kimchi": things the dictionary lacks
    if following > index + 1:
        return "NOUN" in lemmas  # "and the accommodation": a determiner starts a noun
    return "VERB" not in lemmas  # "and pay": without a determiner, a verb is an action


_NOT_NOUNS = frozenset({"i", "im", "we", "you", "he", "she", "they", "it", "then", "so",
                        "also", "not", "um", "uh", "like", "ask", "if"})


def verb_lemma(word: str) -> str | None:
    lemmas = lemmas_of(word).get("VERB")
    return lemmas[0] if lemmas else None


def gerund_goal_start(tokens: list[str], index: int) -> bool:
    """ "Buying a train ticket...", "Practice: returning a shirt", "I'm paying with card"."""
    token = tokens[index]
    if not token.endswith("ing") or (index and tokens[index - 1] in _NOT_GERUND_AFTER):
        return False
    before = tokens[index - 1] if index else ""
    if len(before) > 2 and set(lemmas_of(before)) == {"NOUN"}:
        return False  # "a vendor selling honey": the "-ing" describes the noun before it
    return verb_lemma(token) in GOAL_VERBS


def shape_goal(words: list[str]) -> list[str] | None:
    """The goal in ``words`` (which start where a goal may start), or ``None``."""
    if not words:
        return None
    verb = verb_lemma(words[0])
    if verb in _CONTROL_VERBS and len(words) > 2 and words[1] == "to":
        return shape_goal(words[2:])
    if verb == "ask" and len(words) > 2 and words[1] == "to" and verb_lemma(words[2]):
        return shape_goal(words[2:])  # "ask [the attendant] to fill up the tank": the errand
    if verb in _REHEARSING and len(words) > 1 and words[1].endswith("ing"):
        return shape_goal(words[1:])  # "rehearse mailing a package": the goal is mailing it
    if verb is None or verb in NOT_GOAL_VERBS:
        return None
    shaped = [verb]
    rest = list(words[1:])
    if rest and rest[0] == "that":
        return None  # "complain that my package never arrived": a clause, no phrase to keep
    clause = next((i for i, word in enumerate(rest) if i and word in _CLAUSE_WORDS), None)
    rest = [word for word in rest[:clause] if word not in _DEMONSTRATIVES]
    if rest and _describes_nothing(rest):
        return None  # "go alone", "come early": no object, nothing to practise
    if rest and _bare_verb(rest[0]):
        return None  # "asking the concierge recommend...": no object to keep
    wh = next((i for i, word in enumerate(rest) if word in _WH), None)
    if wh is not None and not (wh + 1 < len(rest) and rest[wh + 1] == "to"):
        rest = rest[:wh]  # "ask if this bus goes...": the question itself is no phrase to keep
        if verb in _ASKING:
            return None  # "ask someone [how the machine works]": what is asked is not kept
    if rest and rest[0] in _PARTICLES and not _is_object_start(rest):
        shaped.append(rest.pop(0))  # "sign up", "pick up", "check out"
    if rest and rest[0] in _OBJECT_PRONOUNS:
        if verb not in _ASKING:
            return None  # "close it": what "it" is was said elsewhere
        rest.pop(0)  # "ask him for a discount" is asking for a discount
    has_object = bool(rest) and rest[0] not in _COMPLEMENTS and rest[0] not in _WH
    complement = 0
    destination = False
    for position, word in enumerate(rest):
        becomes = word == "to" and verb in _CHANGING and has_object and not destination
        if becomes:
            destination = True  # "change my plan [to unlimited data]": what it becomes
            complement = 1
        elif complement > 1 and word == "to" and not has_object and not destination:
            destination = True  # "ask for directions [to the museum]": where they lead
            complement = 1
        elif (word in _ENDS and not (joins_nouns(rest, position) and (has_object or complement))
              ) or (complement and word in _COMPLEMENTS):
            break
        following = rest[position + 1] if position + 1 < len(rest) else ""
        if has_object and word in _COMPLEMENTS and not _counted(word, following) and not becomes:
            break  # "send money [to my mom in korea]": the verb and its object are the goal
        if word in _COMPLEMENTS:
            complement = 1
        elif complement and word not in _TRAILING:
            complement += 1
            if complement > _COMPLEMENT_WORDS + 1:
                if "NOUN" in lemmas_of(word):
                    return None  # "change to a female only dorm [room]": a cut name
                break
        shaped.append(word)
    while shaped and (shaped[-1] in _COMPLEMENTS or shaped[-1] in _TRAILING):
        shaped.pop()
    return shaped if len(shaped) >= 2 else None


_PREPOSITIONS = frozenset({"at", "in", "into", "of", "to", "on", "from", "for", "with", "about"})
_PLACE_AFTER = frozenset({"at", "in", "into", "of", "to", "on", "from"})


def goal_object(tokens: list[str], start: int, index: int) -> bool:
    """Whether ``tokens[index]`` is what a goal starting at ``start`` acts on ("looking for an
    apartment", "buy a bus pass"), not where it happens ("checking out of the hotel")."""
    for position in range(index - 1, start - 1, -1):
        if tokens[position] in _PREPOSITIONS:
            return tokens[position] not in _PLACE_AFTER
    return True


_NUMBERS = frozenset({"one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                      "ten", "tonight", "tomorrow"})


def _counted(preposition: str, word: str) -> bool:
    """ "for six", "for two nights", "for tomorrow": how many or when, which a booking keeps."""
    return preposition == "for" and (word.isdigit() or word in _NUMBERS)


def _describes_nothing(rest: list[str]) -> bool:
    """The verb is followed by an adverb or adjective that no noun follows: "go alone"."""
    first = rest[0]
    if first in _COMPLEMENTS or first in _PARTICLES or first in _WH or first in _ENDS or (
        first == "as"
    ):
        return False
    lemmas = set(lemmas_of(first))
    if not lemmas or not lemmas <= {"ADV", "ADJ"}:
        return False
    return len(rest) == 1 or "NOUN" not in lemmas_of(rest[1])


def _bare_verb(word: str) -> bool:
    lemmas = lemmas_of(word)
    return set(lemmas) == {"VERB"} and word not in _PARTICLES


def _is_object_start(rest: list[str]) -> bool:
    """ "check in" is a particle; "sign up for" too; "on the phone" is not a particle."""
    return rest[0] == "on" and len(rest) > 1 and rest[1] in ("the", "my", "a")

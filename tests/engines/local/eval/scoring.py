"""The one scorer of the extraction evaluation set, used by the accuracy test and the report.

An item states some slots, each with a list of acceptable English values, and leaves the rest
null (not stated). Each stated slot the extractor fills with an acceptable value is ``right``,
with another value ``wrong`` (the costly error: the service then confirms a role-play the
learner did not ask for), and left empty ``empty`` (it costs one follow-up question). A slot
not stated but filled is ``invented``. Comparison is after ``normalize`` and nothing more
lenient: no fuzzy matching, no synonyms beyond the item's own list.

Only as a diagnosis, never counted as right: a wrong value whose words lie in order inside an
acceptable value, or the other way round ("office" for "HR office", "try on sneakers size 270"
for "try on sneakers"), is ``nested`` -- a disagreement on how much to say rather than another
scenario.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from scenario_engine.domain.slots import Slot, SlotValues

EVAL_DIR = Path(__file__).parent
DEV = EVAL_DIR / "dev.jsonl"
TEST = EVAL_DIR / "test.jsonl"

_DROPPED = frozenset({"a", "an", "the", "my", "our", "your", "his", "her", "their", "some"})


def normalize(value: str) -> str:
    """NFKC, lower case, hyphens and punctuation to spaces, articles and possessives dropped."""
    text = unicodedata.normalize("NFKC", value).lower()
    text = "".join(" " if unicodedata.category(char).startswith("P") else char for char in text)
    return " ".join(word for word in text.split() if word not in _DROPPED)


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    lang: str
    category: str
    awaiting: Slot | None
    expected: dict[Slot, tuple[str, ...] | None]


def load_items(path: Path) -> list[Item]:
    items = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            continue
        data = json.loads(raw)
        expected = data["expected"]
        items.append(
            Item(
                id=data["id"],
                text=data["text"],
                lang=data["lang"],
                category=data["category"],
                awaiting=Slot(data["awaiting"]) if data["awaiting"] else None,
                expected={
                    slot: tuple(expected[slot.value]) if expected.get(slot.value) else None
                    for slot in Slot
                },
            )
        )
    return items


def judge(expected: tuple[str, ...] | None, value: str | None) -> str:
    """``right``, ``wrong``, ``empty`` for a stated slot; ``fine`` or ``invented`` otherwise."""
    if expected is None:
        return "fine" if value is None else "invented"
    if value is None:
        return "empty"
    wanted = {normalize(option) for option in expected}
    return "right" if normalize(value) in wanted else "wrong"


def nested(expected: tuple[str, ...], value: str) -> bool:
    """Whether a wrong ``value`` says less or more than some acceptable value, in its words."""
    said = normalize(value).split()
    return any(_in_order(said, option) or _in_order(option, said)
               for option in (normalize(option).split() for option in expected))


def _in_order(shorter: list[str], longer: list[str]) -> bool:
    rest = iter(longer)
    return len(shorter) < len(longer) and all(word in rest for word in shorter)


@dataclass
class Tally:
    """Outcome counts of one group of slots."""

    right: int = 0
    wrong: int = 0
    empty: int = 0
    invented: int = 0
    unstated: int = 0
    nested: int = 0
    """Of the wrong values, those ``nested`` in an acceptable one (a diagnosis only)."""

    def add(self, outcome: str, is_nested: bool = False) -> None:
        self.nested += is_nested
        if outcome == "fine":
            self.unstated += 1
        else:
            setattr(self, outcome, getattr(self, outcome) + 1)
            if outcome == "invented":
                self.unstated += 1

    @property
    def stated(self) -> int:
        return self.right + self.wrong + self.empty

    def share(self, count: int) -> float:
        return count / self.stated if self.stated else 0.0

    @property
    def precision(self) -> float:
        filled = self.right + self.wrong + self.invented
        return self.right / filled if filled else 1.0


@dataclass(frozen=True)
class Miss:
    """One slot that was not right: for tuning on dev (never printed for test)."""

    item: Item
    slot: Slot
    outcome: str
    value: str | None


@dataclass
class Report:
    total: Tally = field(default_factory=Tally)
    groups: dict[str, dict[str, Tally]] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)

    def tally(self, kind: str, name: str) -> Tally:
        return self.groups.setdefault(kind, {}).setdefault(name, Tally())


Extract = Callable[[str, Slot | None], SlotValues]


def score(extract: Extract, items: Iterable[Item]) -> Report:
    return score_values(lambda item: extract(item.text, item.awaiting), items)


def score_values(values_of: Callable[[Item], SlotValues], items: Iterable[Item]) -> Report:
    """The report of whatever gave each item its values (the extractor, or an annotator's
    labels by item id)."""
    report = Report()
    for item in items:
        got = values_of(item)
        for slot in Slot:
            value = got.get(slot)
            wanted = item.expected[slot]
            outcome = judge(wanted, value)
            is_nested = outcome == "wrong" and nested(wanted or (), value or "")
            for kind, name in (("slot", slot.value), ("lang", item.lang),
                               ("category", item.category)):
                report.tally(kind, name).add(outcome, is_nested)
            report.total.add(outcome, is_nested)
            if outcome not in ("right", "fine"):
                report.misses.append(Miss(item, slot, outcome, value))
    return report


def load_labels(path: Path) -> dict[str, SlotValues]:
    """An annotator's labels: one ``{"id", "place", "partner", "goal"}`` line per item."""
    labels = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        label = json.loads(raw)
        labels[label["id"]] = SlotValues(label["place"], label["partner"], label["goal"])
    return labels


def table(report: Report) -> str:
    """The report as a Markdown table: one row per slot, language and category, then all."""
    head = ("| group | stated | right (recall) | wrong | of which nested | empty | invented "
            "| precision |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    rows = [head]
    named = [(f"{kind} {name}", tally) for kind, by_name in report.groups.items()
             for name, tally in sorted(by_name.items())]
    for label, tally in [*named, ("**all**", report.total)]:
        rows.append(
            f"| {label} | {tally.stated} | {tally.right} ({tally.share(tally.right):.1%}) "
            f"| {tally.wrong} ({tally.share(tally.wrong):.1%}) | {tally.nested} "
            f"| {tally.empty} ({tally.share(tally.empty):.1%}) | {tally.invented} "
            f"| {tally.precision:.1%} |"
        )
    return "\n".join(rows)

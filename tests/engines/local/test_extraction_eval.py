"""The local extractor on the blind evaluation set (tests/engines/local/eval/README.md).

Values and replies must be English on the whole set (the tuning splits dev, dev2, dev3, dev4
and the held-out test, test3, test4): this checks no figure, so it may read the held-out splits;
its failure message names their items only by count. The accuracy figures are asserted on the
tuning splits only, as a guard against regressions below the last measurement; the issue's
targets are asserted on the held-out splits at the end (docs/benchmarks.md counts those looks).
"""

from __future__ import annotations

import pytest

from scenario_engine.domain.builder import ScenarioBuilder
from scenario_engine.domain.state import ScenarioState
from scenario_engine.engines.local.extractor import SlotExtractor
from scenario_engine.engines.local.llm import LocalScenarioLLM
from scenario_engine.engines.local.normalize import is_hangul
from tests.engines.local.eval import DEV2, DEV3, DEV4, HELD_OUT, TUNING
from tests.engines.local.eval.scoring import DEV, load_items, score, table

DEV_FLOORS = {
    "dev": (DEV, 0.045, 0, 0.70),
    "dev2": (DEV2, 0.075, 19, 0.66),
    "dev3": (DEV3, 0.08, 6, 0.615),
    "dev4": (DEV4, 0.152, 11, 0.583),
}
"""Per tuning split: the largest wrong share, the most invented values and the smallest right
share, at the last measurement (docs/benchmarks.md): a change may only improve them."""


def _has_hangul(text: str | None) -> bool:
    return bool(text) and any(is_hangul(char) for char in text or "")


@pytest.fixture(scope="module")
def extractor() -> SlotExtractor:
    return SlotExtractor()


async def test_no_value_and_no_english_reply_holds_hangul(extractor: SlotExtractor) -> None:
    llm = LocalScenarioLLM(extractor)
    leaks: dict[str, list[str]] = {"dev": [], "test": []}
    splits = [("dev", path) for path in TUNING.values()]
    for split, path in [*splits, *(("test", path) for path in HELD_OUT.values())]:
        for item in load_items(path):
            state = ScenarioState(awaiting=item.awaiting)
            builder = ScenarioBuilder(llm, max_attempts=1, state=state)
            first = await builder.respond(item.text)
            last = await builder.respond(item.text) if first.is_question else first
            texts = [reply.text for reply in (first, last) if reply.language == "en"]
            values = [*builder.state.slots.filled().values(),
                      *(v for v in (last.scenario or {}).values() if v)]
            if any(_has_hangul(text) for text in [*texts, *values]):
                leaks[split].append(f"{item.id}: {values} {texts}")
    assert not leaks["dev"] and not leaks["test"], (
        "\n".join(leaks["dev"]) + f"\n{len(leaks['test'])} test items leak Hangul"
    )


@pytest.mark.parametrize("split", sorted(DEV_FLOORS))
def test_dev_accuracy_does_not_fall_below_the_last_measurement(
    extractor: SlotExtractor, split: str
) -> None:
    path, max_wrong, max_invented, min_right = DEV_FLOORS[split]
    report = score(extractor.extract, load_items(path))
    total = report.total
    print("\n" + table(report))
    assert total.invented <= max_invented, table(report)
    assert total.share(total.wrong) <= max_wrong, table(report)
    assert total.share(total.right) >= min_right, table(report)


TARGET_MAX_WRONG_SHARE = 0.03
TARGET_MIN_RIGHT_SHARE = 0.90
TARGET_MAX_INVENTED = 0


@pytest.mark.xfail(
    strict=True,
    reason="below the issue's targets on every held-out split (test look 3 and test3 look 1, "
    "2026-12-02 03:32 UTC, fe64919): test right 61.6 %, wrong 9.3 %, empty 29.1 %, "
    "invented 6 of 450 stated slots, precision 85.2 %; test3 right 55.4 %, wrong 11.6 %, "
    "empty 33.0 %, invented 9 of 345, precision 79.6 % (test look 2, 00:26 UTC: 61.1 / 9.6 %, "
    "invented 6; look 1, 22:06 UTC: 60.7 / 14.2 %, invented 6); test4 look 1 (06:28 UTC, the "
    "same rules): right 60.5 %, wrong 16.0 %, invented 6 of 362, precision 77.4 %. An "
    "independent annotator reaches 81-88 % right and 12-14 % wrong under the same scorer "
    "(docs/benchmarks.md): the targets lie above the metric's own agreement ceiling",
)
@pytest.mark.parametrize("split", sorted(HELD_OUT))
def test_test_split_meets_the_issue_targets(extractor: SlotExtractor, split: str) -> None:
    """Issue 11's targets on each held-out split; prints only the aggregate table, never
    items."""
    report = score(extractor.extract, load_items(HELD_OUT[split]))
    total = report.total
    assert total.invented <= TARGET_MAX_INVENTED, table(report)
    assert total.share(total.wrong) <= TARGET_MAX_WRONG_SHARE, table(report)
    assert total.share(total.right) >= TARGET_MIN_RIGHT_SHARE, table(report)

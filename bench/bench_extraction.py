"""Speed and accuracy of the local slot extractor.

Speed: ``.venv/bin/python bench/bench_extraction.py`` (``--smoke`` for a one-second run in CI)
prints the time per utterance over the evaluation set's dev split (median of several repeats
after a warm-up; the morphology cache is cleared before each utterance, as a learner's turn is
new text), per language, and the same for the tokenizer alone as the baseline of the same run,
so the ratio is comparable across machines.

Accuracy: ``--accuracy dev`` prints the table of right / wrong / empty / invented by slot,
language and category (the scorer of ``tests/engines/local/eval/scoring.py``) for each tuning
split (``dev.jsonl``; ``dev2.jsonl`` and ``dev3.jsonl``, written later by more blind writers) and
for all of them together, and with ``--misses`` every slot that was not right; ``--accuracy
dev3`` (or ``dev2``) only that split. ``--accuracy test`` and ``--accuracy test3`` print only the
table: the held-out splits are looked at a counted number of times (docs/benchmarks.md) and
never item by item.

Human agreement: ``--human dev3`` (or ``dev``, ``dev4``, ``test4``) scores, with the same
scorer, one value per slot written for the split's texts by an annotator who saw neither the
extractor nor the writers' lists (``tests/engines/local/eval/human/``): what a careful reader
gets under this scorer, the ceiling any extractor is measured against.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the scorer lives beside the evaluation data, in tests/

from tests.engines.local.eval import HELD_OUT, HUMAN, SPLITS, TUNING  # noqa: E402
from tests.engines.local.eval.scoring import (  # noqa: E402
    DEV,
    Item,
    load_items,
    load_labels,
    score,
    score_values,
    table,
)

from scenario_engine.domain.slots import Slot  # noqa: E402
from scenario_engine.engines.local.extractor import SlotExtractor  # noqa: E402
from scenario_engine.engines.local.morphology import clear_cache  # noqa: E402
from scenario_engine.engines.local.normalize import tokenize  # noqa: E402

Utterance = tuple[str, Slot | None]


def run_once(work: Callable[[str, Slot | None], object], utterances: list[Utterance],
             passes: int) -> float:
    """Seconds for ``passes`` passes over all utterances."""
    started = time.perf_counter()
    for _ in range(passes):
        for text, awaiting in utterances:
            work(text, awaiting)
    return time.perf_counter() - started


def rate(work: Callable[[str, Slot | None], object], utterances: list[Utterance],
         passes: int, repeats: int) -> float:
    run_once(work, utterances, 1)  # warm-up: caches, first-call costs
    rates = [len(utterances) * passes / run_once(work, utterances, passes)
             for _ in range(repeats)]
    return statistics.median(rates)


def speed(extractor: SlotExtractor, smoke: bool, repeats: int | None) -> None:
    items = load_items(DEV)
    repeats = repeats or (3 if smoke else 7)
    passes = 1 if smoke else 10
    by_lang: dict[str, list[Utterance]] = {}
    for item in items:
        by_lang.setdefault(item.lang, []).append((item.text, item.awaiting))
    everything = [u for group in by_lang.values() for u in group]
    baseline = rate(lambda text, _: tokenize(text), everything, passes, repeats)
    print(f"utterances: {len(everything)} (dev split) x {passes} passes x {repeats} repeats")
    print(f"baseline tokenize only: {1e6 / baseline:.1f} us per utterance")
    def uncached(text: str, awaiting: Slot | None) -> object:
        clear_cache()  # a learner's turn is new text: no analysis comes from the cache
        return extractor.extract(text, awaiting)

    for lang, group in [("all", everything), *sorted(by_lang.items())]:
        per_second = rate(uncached, group, passes, repeats)
        print(f"extract {lang:>5}: {1e6 / per_second:7.1f} us per utterance "
              f"({per_second:,.0f}/s), {baseline / per_second:5.1f}x the tokenizer")
    loop_stall(extractor, everything)


async def _max_stall(extract: Callable[[str, Slot | None], object],
                     utterances: list[Utterance]) -> float:
    """The longest the event loop went without running a 1 ms ticker while every utterance
    was extracted by ``extract`` (a coroutine function or a plain one run on the loop)."""
    worst = 0.0
    done = False

    async def ticker() -> None:
        nonlocal worst
        last = time.perf_counter()
        while not done:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            worst = max(worst, now - last - 0.001)
            last = now

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)
    for text, awaiting in utterances:
        clear_cache()
        result = extract(text, awaiting)
        if asyncio.iscoroutine(result):
            await result
        await asyncio.sleep(0)
    done = True
    await task
    return worst * 1000


def loop_stall(extractor: SlotExtractor, utterances: list[Utterance]) -> None:
    """How long one learner's extraction can hold up every other session's event loop."""

    async def in_thread(text: str, awaiting: Slot | None) -> object:
        return await asyncio.to_thread(extractor.extract, text, awaiting)

    on_loop = asyncio.run(_max_stall(extractor.extract, utterances))
    threaded = asyncio.run(_max_stall(in_thread, utterances))
    print(f"event-loop stall, max over the split: {on_loop:.2f} ms extracting on the loop, "
          f"{threaded:.2f} ms extracting in a worker thread (as LocalScenarioLLM does)")


def accuracy(extractor: SlotExtractor, split: str, misses: bool) -> None:
    if split in HELD_OUT:
        path = HELD_OUT[split]
        _report(extractor, f"{split} split", load_items(path), path, misses=False)
        return
    chosen = TUNING if split == "dev" else {split: TUNING[split]}
    everything: list[Item] = []
    for name, path in chosen.items():
        items = load_items(path)
        everything += items
        _report(extractor, f"{name} split", items, path, misses)
    if len(chosen) > 1:
        _report(extractor, " + ".join(chosen), everything, None, misses=False)


def _report(extractor: SlotExtractor, name: str, items: list[Item], path: Path | None,
            misses: bool) -> None:
    report = score(extractor.extract, items)
    where = f", {path.relative_to(ROOT)}" if path else ""
    print(f"{name}: {len(items)} utterances{where}\n")
    print(table(report))
    print()
    if misses:
        for miss in report.misses:
            wanted = miss.item.expected[miss.slot]
            print(f"{miss.item.id} {miss.slot.value:7} {miss.outcome:8} got {miss.value!r} "
                  f"want {list(wanted) if wanted else None}  <- {miss.item.text!r}")
        print()


def human_agreement(split: str) -> None:
    """The annotator's labels of ``split`` scored like the extractor (module docstring)."""
    items = load_items(SPLITS[split])
    labels = load_labels(HUMAN[split])
    report = score_values(lambda item: labels[item.id], items)
    print(f"human annotator on the {split} split: {len(items)} utterances, "
          f"{HUMAN[split].relative_to(ROOT)}\n")
    print(table(report))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="a short run (about a second)")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--accuracy", choices=(*TUNING, *HELD_OUT),
                        help="print the accuracy table (dev: every tuning split)")
    parser.add_argument("--human", choices=sorted(HUMAN),
                        help="score the annotator's labels of a split instead")
    parser.add_argument("--misses", action="store_true",
                        help="with a tuning split: every miss")
    args = parser.parse_args()
    if args.human:
        human_agreement(args.human)
        return

    started = time.perf_counter()
    extractor = SlotExtractor()
    print(f"extractor build (vocabulary, lexicon, analyzers): "
          f"{(time.perf_counter() - started) * 1000:.0f} ms")
    if args.accuracy:
        accuracy(extractor, args.accuracy, args.misses)
    else:
        speed(extractor, args.smoke, args.repeats)


if __name__ == "__main__":
    main()

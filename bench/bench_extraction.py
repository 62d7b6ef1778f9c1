"""Throughput of the local slot extractor over the learner utterances of the test data.

Run: ``.venv/bin/python bench/bench_extraction.py`` (``--smoke`` for a one-second run in CI).
Prints utterances per second (median of several repeats after a warm-up) and the median time
per utterance; it sets no threshold, the numbers are for comparing revisions on one machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from scenario_engine.domain.slots import Slot
from scenario_engine.engines.local.extractor import SlotExtractor

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "engines" / "local" / "extractor_cases.jsonl"
Utterance = tuple[str, Slot | None]


def load_utterances() -> list[Utterance]:
    utterances = []
    for raw in CASES.read_text(encoding="utf-8").splitlines():
        item = json.loads(raw)
        utterances.append((item["text"], Slot(item["awaiting"]) if item["awaiting"] else None))
    return utterances


def run_once(extractor: SlotExtractor, utterances: list[Utterance], passes: int) -> float:
    """Seconds for ``passes`` passes over all utterances."""
    started = time.perf_counter()
    for _ in range(passes):
        for text, awaiting in utterances:
            extractor.extract(text, awaiting)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="a short run (about a second)")
    parser.add_argument("--repeats", type=int, default=None)
    args = parser.parse_args()
    repeats = args.repeats or (3 if args.smoke else 7)
    passes = 2 if args.smoke else 20

    started = time.perf_counter()
    extractor = SlotExtractor()
    build_ms = (time.perf_counter() - started) * 1000
    utterances = load_utterances()
    run_once(extractor, utterances, 1)  # warm-up: caches, first-call costs

    rates = []
    for _ in range(repeats):
        seconds = run_once(extractor, utterances, passes)
        rates.append(len(utterances) * passes / seconds)
    rate = statistics.median(rates)
    print(f"utterances: {len(utterances)} x {passes} passes x {repeats} repeats")
    print(f"extractor build (vocabulary load + index): {build_ms:.1f} ms")
    print(f"extraction throughput: {rate:,.0f} utterances/s (median), "
          f"{1e6 / rate:.1f} us per utterance; range {min(rates):,.0f}-{max(rates):,.0f}")


if __name__ == "__main__":
    main()

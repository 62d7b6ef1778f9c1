"""The blind evaluation set of the local extractor (README.md here); the scorer is scoring.py."""

from pathlib import Path

from tests.engines.local.eval.scoring import DEV, TEST

EVAL_DIR = Path(__file__).parent
DEV2 = EVAL_DIR / "dev2.jsonl"
"""The second tuning split: round 2 of blind writing (README.md; its unseen-data baseline is in
docs/benchmarks.md)."""
DEV3 = EVAL_DIR / "dev3.jsonl"
TEST3 = EVAL_DIR / "test3.jsonl"
"""Round 3 of blind writing, split into a third tuning split and a second held-out split (its
looks are counted in docs/benchmarks.md like those of ``TEST``)."""
DEV4 = EVAL_DIR / "dev4.jsonl"
TEST4 = EVAL_DIR / "test4.jsonl"
"""Round 4, split the same way; no rule was tuned on either half (README.md)."""

HUMAN_DIR = EVAL_DIR / "human"
HUMAN = {name: HUMAN_DIR / f"{name}.jsonl" for name in ("dev", "dev3", "dev4", "test4")}
"""One annotator's labels of a split's texts, scored like the extractor: the agreement
a person reaches under the scorer (bench/bench_extraction.py --human)."""

TUNING = {"dev": DEV, "dev2": DEV2, "dev3": DEV3, "dev4": DEV4}
"""Every split the rules may be tuned on, by name."""
HELD_OUT = {"test": TEST, "test3": TEST3, "test4": TEST4}
"""The splits measured only at the end, a counted number of times."""
SPLITS = {**TUNING, **HELD_OUT}

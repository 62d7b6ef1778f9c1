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

HUMAN_DIR = EVAL_DIR / "human"
HUMAN = {"dev": HUMAN_DIR / "dev.jsonl", "dev3": HUMAN_DIR / "dev3.jsonl"}
"""One annotator's labels of a tuning split's texts, scored like the extractor: the agreement
a person reaches under the scorer (bench/bench_extraction.py --human)."""

TUNING = {"dev": DEV, "dev2": DEV2, "dev3": DEV3}
"""Every split the rules may be tuned on, by name."""
HELD_OUT = {"test": TEST, "test3": TEST3}
"""The splits measured only at the end, a counted number of times."""

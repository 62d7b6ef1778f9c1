"""The blind evaluation set of the local extractor (README.md here); the scorer is scoring.py."""

from pathlib import Path

DEV2 = Path(__file__).parent / "dev2.jsonl"
"""The second tuning split: round 2 of blind writing (README.md; its unseen-data baseline is in
docs/benchmarks.md)."""

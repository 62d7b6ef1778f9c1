"""Measures used by bench_speech.py: word errors, slot tallies, worker CPU time and memory."""

from __future__ import annotations

import asyncio
import os
import re
from dataclasses import dataclass, fields

from scenario_engine.domain.slots import SlotValues
from scenario_engine.engines.local.recognizer import LocalRecognizer
from scenario_engine.engines.local.sphinx_models import DecoderRecipe

_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> list[str]:
    """Lower case, apostrophes dropped ("I'm" == "im"), hyphens split ("check-in")."""
    return _WORD.findall(text.lower().replace("'", "").replace("’", ""))


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(substitutions + deletions + insertions, words in the reference)."""
    ref, hyp = _words(reference), _words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, ref_word in enumerate(ref, 1):
        previous, row[0] = row[:], i
        for j, hyp_word in enumerate(hyp, 1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ref_word != hyp_word))
    return row[len(hyp)], len(ref)


@dataclass
class SlotTally:
    """Per-slot agreement with the expected values (None == None counts as right)."""

    right: int = 0
    total: int = 0
    all_right: int = 0
    utterances: int = 0

    def add(self, expected: SlotValues, found: SlotValues) -> None:
        correct = [getattr(expected, f.name) == getattr(found, f.name) for f in fields(expected)]
        self.right += sum(correct)
        self.total += len(correct)
        self.all_right += all(correct)
        self.utterances += 1

    def accuracy(self) -> float:
        return self.right / self.total if self.total else float("nan")

    def all_correct(self) -> float:
        return self.all_right / self.utterances if self.utterances else float("nan")


def worker_cpu_seconds(recognizer: LocalRecognizer) -> float:
    """User + system CPU time the recognizer's worker processes have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in recognizer.worker_pids():
        with open(f"/proc/{pid}/stat") as stat:
            parts = stat.read().rsplit(")", 1)[1].split()
        total += (int(parts[11]) + int(parts[12])) / ticks
    return total


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


async def decoder_memory(recipe: DecoderRecipe, decoders: int) -> tuple[float, float]:
    """(worker RSS with one decoder, extra RSS per further decoder in use), in MB."""
    recognizer = LocalRecognizer(recipe, workers=1, decoders_per_worker=max(decoders, 1))
    await recognizer.start()
    (pid,) = recognizer.worker_pids()
    one = await recognizer.begin()
    await one.feed(bytes(16_000 * 2))
    await one.finish()
    base = _rss_mb(pid)
    if decoders < 2:
        await recognizer.aclose()
        return base, float("nan")
    open_turns = [await recognizer.begin() for _ in range(decoders)]
    for turn in open_turns:
        await turn.feed(bytes(16_000 * 2))
    await asyncio.gather(*(turn.finish() for turn in open_turns))
    grown = _rss_mb(pid)
    await recognizer.aclose()
    return base, (grown - base) / (decoders - 1)

"""What bench_speech.py measures with: its utterances, word errors, slot tallies, worker cost.

Utterances are the learner turns of the extractor's test data (written before the extractor
and the recognizers): ``extractor_cases.jsonl`` is the dev split, the held-out and blind sets
the test split. Word errors compare spoken words: both sides go through the recognizer's own
``spoken_words`` ("10" == "ten"), lower case, apostrophes dropped, hyphens split.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, fields
from pathlib import Path

from scenario_engine.domain.slots import SlotValues
from scenario_engine.engines.base import AudioChunk, InputFault, TranscriptReady
from scenario_engine.engines.local.recognition import TurnRecognizer
from scenario_engine.engines.local.speech_input import LocalSpeechInput
from scenario_engine.engines.local.speech_output import LocalSpeechOutput
from scenario_engine.engines.local.transcript_text import spoken_words

DATA = Path(__file__).resolve().parent.parent / "tests" / "engines" / "local"
DEV, TESTS = "extractor_cases.jsonl", ("extractor_heldout.jsonl", "extractor_blind.jsonl")
RATE = 24_000
CHUNK_MS = 20
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Sample:
    text: str
    expected: SlotValues | None
    split: str
    """``dev`` or ``test``."""
    voice: str
    pcm: bytes
    rate: int = RATE

    @property
    def seconds(self) -> float:
        return len(self.pcm) / 2 / self.rate


def _items(language: str) -> list[tuple[dict[str, object], str]]:
    """First turns of one language (not mixed), with their split."""
    found = []
    for name in (DEV, *TESTS):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            tags = set(item["tags"])
            other = {"en": {"ko", "mixed"}, "ko": {"en", "mixed"}}[language]
            if language in tags and not tags & other and item["awaiting"] is None:
                found.append((item, "dev" if name == DEV else "test"))
    return found


def english_cases(per_split: int | None) -> list[tuple[str, SlotValues | None, str]]:
    """English first turns with at least one slot to find, ``per_split`` of each split."""
    cases = []
    for item, split in _items("en"):
        expected = SlotValues(**item["expected"])  # type: ignore[arg-type]
        if not expected.is_empty():
            cases.append((str(item["text"]), expected, split))
    return _limit(cases, per_split)


def korean_texts(per_split: int | None) -> list[tuple[str, SlotValues | None, str]]:
    return _limit([(str(item["text"]), None, split) for item, split in _items("ko")], per_split)


def _limit(
    cases: list[tuple[str, SlotValues | None, str]], per_split: int | None
) -> list[tuple[str, SlotValues | None, str]]:
    if per_split is None:
        return cases
    return [c for c in cases if c[2] == "dev"][:per_split] + [
        c for c in cases if c[2] == "test"
    ][:per_split]


async def synthesize(
    cases: list[tuple[str, SlotValues | None, str]], voices: tuple[tuple[str, int], ...]
) -> list[Sample]:
    """Every text in every voice (``ko`` voices speak with the Korean language tag)."""
    samples = []
    for voice, wpm in voices:
        tts = LocalSpeechOutput(RATE, voices={"en": voice, "ko": voice}, words_per_minute=wpm)
        language = "ko" if voice == "ko" else "en"
        for text, expected, split in cases:
            pcm = b"".join([chunk async for chunk in tts.stream(text, language)])
            samples.append(Sample(text, expected, split, voice, pcm))
        tts.close()
    return samples


def pieces(pcm: bytes, rate: int) -> list[bytes]:
    size = rate * CHUNK_MS // 1000 * 2
    return [pcm[i : i + size] for i in range(0, len(pcm), size)]


async def transcribe(
    recognizer: TurnRecognizer, sample: Sample, attempts: int = 3
) -> tuple[str | None, str | None]:
    """(transcript, None), or (None, fault code) when the turn failed or was refused."""
    code = None
    for _ in range(attempts):
        speech = LocalSpeechInput(recognizer, server_vad=False)
        await speech.start()
        try:
            for piece in pieces(sample.pcm, sample.rate):
                await speech.append_audio(AudioChunk(pcm=piece, base64="", sample_rate=sample.rate))
            await speech.commit()
            async for event in speech.events():
                if isinstance(event, TranscriptReady):
                    return event.text, None
                if isinstance(event, InputFault):
                    code = event.code
                    break
        finally:
            await speech.aclose()
        if code != "transcription_failed":
            return None, code  # a verdict, not a failure: asking again gives the same
    return None, code


def _words(text: str) -> list[str]:
    text = spoken_words(text).lower().replace("'", "").replace("’", "")
    return _WORD.findall(text)


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

    def add(self, expected: SlotValues, found: SlotValues) -> None:
        correct = [getattr(expected, f.name) == getattr(found, f.name) for f in fields(expected)]
        self.right += sum(correct)
        self.total += len(correct)

    def accuracy(self) -> float:
        return self.right / self.total if self.total else float("nan")


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def workers_cpu_s(recognizer: TurnRecognizer) -> float:
    """User + system CPU time the recognizer's worker processes have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in recognizer.worker_pids():
        with open(f"/proc/{pid}/stat") as stat:
            parts = stat.read().rsplit(")", 1)[1].split()
        total += (int(parts[11]) + int(parts[12])) / ticks
    return total


def workers_rss_mb(recognizer: TurnRecognizer) -> float:
    """Resident memory of all the recognizer's worker processes together."""
    total = 0
    for pid in recognizer.worker_pids():
        with open(f"/proc/{pid}/status") as status:
            total += next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    return total / 1024

"""Local speech, both recognizers side by side: WER, slots, Korean refused, cost, latency, memory.

Run: ``.venv/bin/python bench/bench_speech.py`` (~10 min; ``--smoke`` takes under a minute).

The same run measures Whisper tiny.en (the default, 10 s window), optionally Whisper in the
30 s window it used before (``--recognizers whisper whisper-30s fast``), and pocketsphinx
(``fast``, blended domain model) on the same audio:

- human read speech: the eleven test recordings of pocketsphinx's sources (human_speech.py);
- eSpeak NG: the English learner turns of the extractor's test data (the 137 with a slot to
  find), each text in every voice of ``VOICES``, at 24 kHz, the protocol's default rate.
  ``extractor_cases.jsonl`` is the dev split (choices such as Whisper's prompt and the
  not-English thresholds were made on it), the held-out and blind sets are the test split;
- Korean eSpeak (``ko``) of the Korean learner turns, and the English above: how often a
  turn is called "not English" (the Whisper ``speech_not_english`` answer).

Each utterance goes the service's way: ``LocalSpeechInput`` (resampling, recognition;
committed like a client with VAD off) -> ``SlotExtractor``. CPU is the recognizer's worker
processes' CPU time per second of audio; RSS is theirs after the run. Latency streams
utterances at real-time pace through server VAD and times the end of the turn
(``SpeechStopped``) -> transcript -> first TTS chunk of the reply, and the end of speech ->
first TTS chunk; for Whisper once with the early decode at the pause (the default) and once
without, in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from dataclasses import dataclass, replace
from typing import Any

from human_speech import recordings
from scenario_engine.config import AppConfig
from scenario_engine.engines.local.engine import build_recognizer
from scenario_engine.engines.local.extractor import SlotExtractor
from scenario_engine.engines.local.recognition import TurnRecognizer
from scenario_engine.engines.local.vad import VadSettings
from scenario_engine.engines.local.whisper_recognizer import WhisperRecognizer
from speech_latency import latency_ms
from speech_metrics import (
    Sample,
    SlotTally,
    english_cases,
    korean_texts,
    percentile,
    synthesize,
    transcribe,
    word_errors,
    workers_cpu_s,
    workers_rss_mb,
)

RECOGNIZERS: dict[str, dict[str, Any]] = {
    "whisper": {"local_recognizer": "whisper"},
    "whisper-30s": {"local_recognizer": "whisper", "local_whisper_window_s": 30.0},
    "fast": {"local_recognizer": "fast"},
}
"""What ``--recognizers`` can name: the default Whisper, Whisper in faster-whisper's own 30 s
window (the way it decoded before the window was trimmed), pocketsphinx."""

VOICES = (("en-us+klatt", 165), ("en-us", 165))
"""The target voice (``+klatt``, the service's own), and eSpeak's default voice."""


@dataclass
class Tally:
    errors: int = 0
    words: int = 0

    def add(self, reference: str, hypothesis: str) -> None:
        wrong, count = word_errors(reference, hypothesis)
        self.errors, self.words = self.errors + wrong, self.words + count

    def __str__(self) -> str:
        return f"{self.errors / self.words:.1%}" if self.words else "n/a"


Heard = tuple[str | None, str | None]
"""(transcript, fault code) of one utterance."""


async def outcomes(recognizer: TurnRecognizer, samples: list[Sample]) -> list[Heard]:
    """Four turns at once, like a few learners."""
    limit = asyncio.Semaphore(4)

    async def one(sample: Sample) -> Heard:
        async with limit:
            return await transcribe(recognizer, sample)

    return await asyncio.gather(*(one(sample) for sample in samples))


def accuracy(
    english: list[Sample], human: list[Sample], korean: list[Sample], heard: dict[int, Heard]
) -> dict[str, str]:
    """WER (and slot accuracy) per set and split; how often "not English" was answered."""
    row: dict[str, str] = {}
    human_wer = Tally()
    for sample in human:
        human_wer.add(sample.text, heard[id(sample)][0] or "")
    row[f"WER human ({len(human)} recordings)"] = str(human_wer)
    extractor = SlotExtractor()
    for voice, _ in VOICES:
        for split in ("dev", "test"):
            wer, slots = Tally(), SlotTally()
            for sample in (s for s in english if s.voice == voice and s.split == split):
                text = heard[id(sample)][0] or ""
                wer.add(sample.text, text)
                if sample.expected is not None:
                    slots.add(sample.expected, extractor.extract(text))
            row[f"WER / slots, eSpeak {voice}, {split}"] = f"{wer} / {slots.accuracy():.1%}"
    for split in ("dev", "test"):
        said = {
            "Korean": [s for s in korean if s.split == split],
            "English": [s for s in english if s.split == split],
        }
        refused = {
            language: sum(heard[id(s)][1] == "speech_not_english" for s in samples)
            for language, samples in said.items()
        }
        row[f"'not English', {split}"] = ", ".join(
            f"{language} {refused[language]}/{len(samples)}" for language, samples in said.items()
        )
    return row


async def measure(
    config: AppConfig, english: list[Sample], human: list[Sample], korean: list[Sample],
    args: argparse.Namespace,
) -> dict[str, str]:  # fmt: skip
    built = time.perf_counter()
    recognizer = await asyncio.to_thread(build_recognizer, config)
    if isinstance(recognizer, WhisperRecognizer) and (args.beam or args.no_prompt):
        settings = recognizer.settings
        recognizer = WhisperRecognizer(
            replace(
                settings,
                beam_size=args.beam or settings.beam_size,
                initial_prompt="" if args.no_prompt else settings.initial_prompt,
            )
        )
    await recognizer.start()
    name = recognizer.name
    if isinstance(recognizer, WhisperRecognizer):
        name += f", {recognizer.settings.min_window_s:.0f} s window"
    row = {"recognizer": name, "ready after": f"{time.perf_counter() - built:.1f} s"}
    everything = english + human + korean
    cpu_before = workers_cpu_s(recognizer)
    heard = dict(zip(map(id, everything), await outcomes(recognizer, everything), strict=True))
    cpu = workers_cpu_s(recognizer) - cpu_before
    row["CPU s per audio s"] = f"{cpu / sum(s.seconds for s in everything):.3f}"
    processes = config.local_asr_workers
    row["workers' RSS"] = f"{workers_rss_mb(recognizer):.0f} MB ({processes} processes)"
    row.update(accuracy(english, human, korean, heard))
    show_misses(english + human, heard, args.show)

    latency_set = [s for s in english if s.voice == VOICES[0][0]][: args.latency_utterances]
    row.update(await latency_rows(recognizer, latency_set, config, args))
    if isinstance(recognizer, WhisperRecognizer):
        counts = recognizer.counts
        row["early decodes kept / dropped"] = f"{counts.early_kept} / {counts.early_dropped}"
    await recognizer.aclose()
    return row


async def latency_rows(
    recognizer: TurnRecognizer, samples: list[Sample], config: AppConfig,
    args: argparse.Namespace,
) -> dict[str, str]:  # fmt: skip
    pace = 4.0 if args.smoke else 1.0
    variants = [("", config.vad_pause_ms or None)]
    if isinstance(recognizer, WhisperRecognizer):
        variants.append((", no early decode", None))
    rows = {}
    for label, pause_ms in variants:
        vad = VadSettings(end_silence_ms=config.vad_silence_ms, pause_ms=pause_ms)
        times = await latency_ms(recognizer, samples, vad, pace)
        for name, values in (
            ("end of turn -> transcript", [t.to_text for t in times]),
            ("end of turn -> first reply audio", [t.to_audio for t in times]),
            ("end of speech -> first reply audio", [t.speech_to_audio for t in times]),
        ):
            rows[f"{name} p50 / p95{label}"] = (
                f"{percentile(values, 0.5):.0f} / {percentile(values, 0.95):.0f} ms"
            )
    return rows


def show_misses(samples: list[Sample], heard: dict[int, Heard], show: int) -> None:
    shown = 0
    for sample in samples:
        text, code = heard[id(sample)]
        if shown < show and (code or word_errors(sample.text, text or "")[0]):
            print(f"  [{sample.voice}] {sample.text!r} -> {text!r} {code or ''}")
            shown += 1


async def run(args: argparse.Namespace) -> None:
    per_split = 2 if args.smoke else args.texts
    english = await synthesize(english_cases(per_split), VOICES)
    korean = await synthesize(korean_texts(per_split), (("ko", 165),))
    human = [
        Sample(r.text, None, "test", "human", r.pcm, 16_000)
        for r in recordings()[: 2 if args.smoke else None]
    ]
    audio_s = sum(s.seconds for s in english + human + korean)
    print(f"{len(english)} eSpeak English utterances ({', '.join(v for v, _ in VOICES)}), "
          f"{len(human)} human recordings, {len(korean)} eSpeak Korean; {audio_s:.0f} s of "
          f"audio; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    rows = []
    for name in args.recognizers:
        config = AppConfig(engine="local", **RECOGNIZERS[name])
        rows.append(await measure(config, english, human, korean, args))
        print(f"  {name} measured; load average {os.getloadavg()[0]:.1f}", flush=True)
    print()
    for key in rows[0]:
        print(f"| {key} | " + " | ".join(row.get(key, "") for row in rows) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="a few utterances, 4x pace")
    parser.add_argument("--texts", type=int, default=None, help="only N texts per split")
    parser.add_argument("--recognizers", nargs="+", default=["whisper", "fast"],
                        choices=list(RECOGNIZERS))  # fmt: skip
    parser.add_argument("--latency-utterances", type=int, default=30)
    parser.add_argument("--show", type=int, default=0, help="print N misrecognized utterances")
    parser.add_argument("--beam", type=int, default=0, help="Whisper beam size (default: 5)")
    parser.add_argument("--no-prompt", action="store_true", help="Whisper without its prompt")
    args = parser.parse_args()
    if args.smoke:
        args.latency_utterances = 2
    asyncio.run(run(args))


if __name__ == "__main__":
    main()

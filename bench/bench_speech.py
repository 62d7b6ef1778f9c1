"""Local speech: WER and slot accuracy from audio, recognition cost, first-audio latency, memory.

Run: ``.venv/bin/python bench/bench_speech.py`` (a few minutes; ``--smoke`` takes seconds).

Utterances are the English learner turns of the extractor's test data (written before the
extractor and the recognizer), synthesized with eSpeak NG at several voices and speeds at
24 kHz, the protocol's default rate. Each goes the service's way: ``LocalSpeechInput``
(resampling, recognition; committed like a client with VAD off) -> ``SlotExtractor``.
Latency streams audio at real-time pace through server VAD (and through commits), and times
the end of speech (SpeechStopped, or the commit) -> transcript -> reply -> first TTS chunk.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from scenario_engine.domain.builder import ScenarioBuilder
from scenario_engine.domain.slots import SlotValues
from scenario_engine.engines.base import AudioChunk, InputFault, SpeechStopped, TranscriptReady
from scenario_engine.engines.local.domain_lm import DomainPhrases
from scenario_engine.engines.local.extractor import SlotExtractor
from scenario_engine.engines.local.llm import LocalScenarioLLM
from scenario_engine.engines.local.recognizer import LocalRecognizer, RecognizerSettings
from scenario_engine.engines.local.speech_input import LocalSpeechInput
from scenario_engine.engines.local.speech_output import LocalSpeechOutput
from scenario_engine.engines.local.sphinx_models import Biasing
from scenario_engine.engines.local.vocabulary import load_vocabulary
from speech_metrics import SlotTally, decoder_memory, word_errors, worker_cpu_seconds

DATA = Path(__file__).resolve().parent.parent / "tests" / "engines" / "local"
SETS = ("extractor_cases.jsonl", "extractor_heldout.jsonl", "extractor_blind.jsonl")
VOICES = (("en-us+klatt", 165), ("en-us+klatt2", 140), ("en-us+klatt4", 190))
RATE = 24_000
CHUNK_MS = 20


@dataclass(frozen=True)
class Sample:
    text: str
    expected: SlotValues
    held_out: bool
    voice: str
    pcm: bytes

    @property
    def seconds(self) -> float:
        return len(self.pcm) / 2 / RATE


def load_cases(limit: int | None) -> list[tuple[str, SlotValues, bool]]:
    """English first turns with at least one slot to find (Korean is not recognized)."""
    cases = []
    for name in SETS:
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            expected = SlotValues(**item["expected"])
            tags = set(item["tags"])
            english = "en" in tags and not tags & {"ko", "mixed"}
            if english and item["awaiting"] is None and not expected.is_empty():
                cases.append((item["text"], expected, name != SETS[0]))
    return cases[:limit]


async def synthesize(cases: list[tuple[str, SlotValues, bool]], all_voices: bool) -> list[Sample]:
    """Each text in one voice, taking the voices in turn (or in every voice)."""
    speakers = [
        (LocalSpeechOutput(RATE, voices={"en": voice}, words_per_minute=wpm), f"{voice}@{wpm}")
        for voice, wpm in VOICES
    ]
    samples = []
    for index, (text, expected, held_out) in enumerate(cases):
        chosen = speakers if all_voices else [speakers[index % len(speakers)]]
        for tts, name in chosen:
            pcm = b"".join([chunk async for chunk in tts.stream(text, "en")])
            samples.append(Sample(text, expected, held_out, name, pcm))
    for tts, _ in speakers:
        tts.close()
    return samples


def chunk(pcm: bytes) -> AudioChunk:
    return AudioChunk(pcm=pcm, base64="", sample_rate=RATE)


def pieces(pcm: bytes) -> list[bytes]:
    size = RATE * CHUNK_MS // 1000 * 2
    return [pcm[i : i + size] for i in range(0, len(pcm), size)]


async def transcribe(recognizer: LocalRecognizer, sample: Sample) -> str | None:
    """The transcript, or None when the turn failed (a worker was killed, say)."""
    speech = LocalSpeechInput(recognizer, server_vad=False)
    await speech.start()
    try:
        for piece in pieces(sample.pcm):
            await speech.append_audio(chunk(piece))
        await speech.commit()
        async for event in speech.events():
            if isinstance(event, TranscriptReady):
                return event.text
            if isinstance(event, InputFault):
                return None
        return None
    finally:
        await speech.aclose()


async def accuracy(recognizer: LocalRecognizer, samples: list[Sample]) -> dict[str, object]:
    extractor = SlotExtractor()
    limit = asyncio.Semaphore(4)  # faster than real time: more would only queue in workers

    failures = 0

    async def one(sample: Sample) -> str:
        nonlocal failures
        async with limit:
            for _ in range(3):
                text = await transcribe(recognizer, sample)
                if text is not None:
                    return text
                failures += 1
            return ""

    cpu_before = worker_cpu_seconds(recognizer)
    hypotheses = await asyncio.gather(*(one(sample) for sample in samples))
    cpu = worker_cpu_seconds(recognizer) - cpu_before
    errors = words = 0
    from_audio, held_out, from_text = SlotTally(), SlotTally(), SlotTally()
    for sample, hypothesis in zip(samples, hypotheses, strict=True):
        wrong, count = word_errors(sample.text, hypothesis)
        errors, words = errors + wrong, words + count
        found = extractor.extract(hypothesis)
        from_audio.add(sample.expected, found)
        if sample.held_out:
            held_out.add(sample.expected, found)
        from_text.add(sample.expected, extractor.extract(sample.text))
    return {
        "wer": errors / words,
        "slots_audio": from_audio.accuracy(),
        "slots_audio_all3": from_audio.all_correct(),
        "slots_audio_held_out": held_out.accuracy(),
        "slots_text": from_text.accuracy(),
        "rtf": cpu / sum(s.seconds for s in samples),
        "failures": failures,
    }


async def first_audio_ms(
    recognizer: LocalRecognizer,
    tts: LocalSpeechOutput,
    sample: Sample,
    server_vad: bool,
    pace: float,
) -> float:
    """End of speech -> first reply chunk, streaming ``sample`` at ``pace`` x real time."""
    speech = LocalSpeechInput(recognizer, server_vad=server_vad)
    builder = ScenarioBuilder(LocalScenarioLLM(), max_attempts=3)
    await speech.start()
    ended: list[float] = []

    async def reply() -> float:
        async for event in speech.events():
            if isinstance(event, SpeechStopped):
                ended.append(time.perf_counter())
            elif isinstance(event, TranscriptReady):
                answer = await builder.respond(event.text or "hm")
                async for _ in tts.stream(answer.text, answer.language):
                    return (time.perf_counter() - ended[0]) * 1000
        raise RuntimeError("no transcript")

    replying = asyncio.create_task(reply())
    try:
        audio = sample.pcm + bytes(RATE * 2) if server_vad else sample.pcm
        started = time.perf_counter()
        for index, piece in enumerate(pieces(audio)):
            if replying.done():
                break
            await speech.append_audio(chunk(piece))
            due = started + (index + 1) * CHUNK_MS / 1000 / pace
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
        if not server_vad:
            ended.append(time.perf_counter())
            await speech.commit()
        return await asyncio.wait_for(replying, 10)
    finally:
        replying.cancel()
        await speech.aclose()


async def latency(
    recognizer: LocalRecognizer, samples: list[Sample], sessions: int, pace: float
) -> dict[str, float]:
    tts = LocalSpeechOutput()
    results: dict[str, float] = {}
    for server_vad in (True, False):
        times: list[float] = []
        for start in range(0, len(samples), sessions):
            batch = samples[start : start + sessions]
            times += await asyncio.gather(
                *(first_audio_ms(recognizer, tts, s, server_vad, pace) for s in batch)
            )
        times.sort()
        mode = "vad" if server_vad else "commit"
        results[f"{mode}_p50"] = statistics.median(times)
        results[f"{mode}_p95"] = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    tts.close()
    return results


async def run(args: argparse.Namespace) -> None:
    cases = load_cases(3 if args.smoke else None)
    samples = await synthesize(cases, args.all_voices)
    audio_s = sum(s.seconds for s in samples)
    voices = ", ".join(f"{v}@{wpm} wpm" for v, wpm in VOICES)
    print(f"{len(samples)} utterances from {len(cases)} texts ({voices}), {audio_s:.0f} s of "
          f"audio, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    phrases = DomainPhrases.from_vocabulary(load_vocabulary())
    for biasing in (Biasing.GENERAL, Biasing.BLEND):
        settings = RecognizerSettings(biasing=biasing, phrases=phrases, workers=2)
        built = time.perf_counter()
        recognizer = await asyncio.to_thread(LocalRecognizer.build, settings)
        await recognizer.start()
        ready_s = time.perf_counter() - built
        scores = await accuracy(recognizer, samples)
        print(f"\n## biasing={biasing.value} (model ready in {ready_s:.1f} s)")
        print(f"WER {scores['wer']:.1%}  RTF {scores['rtf']:.3f}  failed turns (retried) "
              f"{scores['failures']}")  # fmt: skip
        print(f"slot accuracy from audio {scores['slots_audio']:.1%} "
              f"(held-out sets {scores['slots_audio_held_out']:.1%}; all three right "
              f"{scores['slots_audio_all3']:.1%}); "
              f"from the reference text {scores['slots_text']:.1%}")  # fmt: skip
        if biasing is Biasing.BLEND:
            sessions = 1 if args.smoke else args.sessions
            subset = samples[: 1 if args.smoke else args.latency_utterances]
            timing = await latency(recognizer, subset, sessions, 4.0 if args.smoke else 1.0)
            print(f"end of speech -> first TTS chunk, {len(subset)} utterances, {sessions} "
                  f"sessions at once: VAD end p50 {timing['vad_p50']:.0f} ms / p95 "
                  f"{timing['vad_p95']:.0f} ms; commit p50 {timing['commit_p50']:.0f} ms / "
                  f"p95 {timing['commit_p95']:.0f} ms")  # fmt: skip
        await recognizer.aclose()
        base, per_decoder = await decoder_memory(recognizer.recipe, 2 if args.smoke else 4)
        print(f"worker RSS {base:.0f} MB with one decoder, +{per_decoder:.1f} MB per extra decoder")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--smoke", action="store_true", help="three utterances, 4x real-time pace for latency"
    )
    parser.add_argument("--all-voices", action="store_true", help="every text in every voice")
    parser.add_argument("--sessions", type=int, default=4, help="concurrent sessions (latency)")
    parser.add_argument("--latency-utterances", type=int, default=40)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()

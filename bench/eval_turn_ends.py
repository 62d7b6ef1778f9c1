"""False turn ends against the VAD silence: how often a shorter silence cuts a sentence.

Run: ``.venv/bin/python bench/eval_turn_ends.py`` (seconds; ``--smoke``: two silences).
Every utterance is fed whole, then 1.5 s of silence, to the local engine's turn detector
(webrtcvad, ``engines/local/vad.py``) at each ``SCENARIO_ENGINE_VAD_SILENCE_MS``; a sentence
that comes out as more than one turn was cut at a pause inside it (the rest would have
become a turn of its own, answered mid-sentence). Two sets: the eleven human recordings of
bench/human_speech.py (read speech, 16 kHz) and the English first turns of the extractor's
test data spoken by eSpeak NG. Both are fluent: learners of a foreign language hesitate
more, so these counts are a floor on what a shorter silence costs. The OpenAI engine's
server VAD is another model; this measures the local one. Each silence's cost in latency is
the silence itself (the learner waits that long after their last sound).
"""

from __future__ import annotations

import argparse
import asyncio

from bench_turn_latency import english_first_turns, synthesize
from human_speech import recordings
from scenario_engine.engines.local.vad import VAD_SAMPLE_RATE, TurnDetector, VadSettings, VoiceEnded

SILENCES_MS = (200, 300, 400, 500, 700)
TAIL_S = 1.5


def turns(pcm: bytes, silence_ms: int) -> int:
    detector = TurnDetector(VadSettings(end_silence_ms=silence_ms))
    events = detector.feed(pcm + bytes(int(VAD_SAMPLE_RATE * TAIL_S) * 2))
    return sum(isinstance(e, VoiceEnded) for e in events) + detector.in_turn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="two silences, five sentences")
    args = parser.parse_args()
    silences = (300, 500) if args.smoke else SILENCES_MS
    human = [r.pcm for r in recordings()]
    texts = english_first_turns(5 if args.smoke else 40)
    synthetic = asyncio.run(synthesize(texts, VAD_SAMPLE_RATE))
    for name, utterances in (("human (read)", human), ("eSpeak NG", synthetic)):
        seconds = sum(len(u) for u in utterances) / (2 * VAD_SAMPLE_RATE)
        print(f"{name}: {len(utterances)} utterances, {seconds:.0f} s of speech")
        for silence in silences:
            counts = [turns(u, silence) for u in utterances]
            cut = sum(c > 1 for c in counts)
            print(f"  silence {silence:4d} ms: {cut:2d} of {len(counts)} cut inside "
                  f"({sum(c - 1 for c in counts if c > 1)} false turn ends), "
                  f"{sum(c == 0 for c in counts)} heard as no turn", flush=True)


if __name__ == "__main__":
    main()

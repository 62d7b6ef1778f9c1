"""TurnDetector: fed real synthesized speech and silence, byte by byte where it matters."""

from __future__ import annotations

import pytest

from scenario_engine.engines.local.vad import (
    TurnDetector,
    VadSettings,
    VoiceAudio,
    VoiceEnded,
    VoiceEvent,
    VoiceStarted,
)
from tests.engines.local.audio import chunks, silence

RATE = 16_000


def feed_all(detector: TurnDetector, pcm: bytes, ms: int = 20) -> list[VoiceEvent]:
    return [event for chunk in chunks(pcm, RATE, ms) for event in detector.feed(chunk)]


def kinds(events: list[VoiceEvent]) -> list[str]:
    """Event names, with runs of VoiceAudio collapsed: the audio split is not the point."""
    names: list[str] = []
    for event in events:
        name = type(event).__name__
        if not (name == "VoiceAudio" and names and names[-1] == name):
            names.append(name)
    return names


def turn_bytes(events: list[VoiceEvent]) -> int:
    return sum(len(e.audio) for e in events if isinstance(e, VoiceStarted | VoiceAudio))


def test_one_utterance_is_one_turn_with_its_audio(check_in_16k: bytes) -> None:
    detector = TurnDetector()
    events = feed_all(detector, silence(1.0, RATE) + check_in_16k + silence(1.0, RATE))

    assert kinds(events) == ["VoiceStarted", "VoiceAudio", "VoiceEnded"]
    assert len(check_in_16k) * 0.8 < turn_bytes(events) < len(check_in_16k + silence(0.9, RATE))
    assert not detector.in_turn


def test_turn_ends_after_the_configured_silence(check_in_16k: bytes) -> None:
    for end_ms in (200, 500):
        detector = TurnDetector(VadSettings(end_silence_ms=end_ms))
        feed_all(detector, check_in_16k)
        fed_ms = 0
        while not any(isinstance(e, VoiceEnded) for e in detector.feed(silence(0.01, RATE))):
            fed_ms += 10
            assert fed_ms < 2000
        # eSpeak's trailing silence counts too (earlier), webrtcvad's hangover delays (later).
        assert end_ms - 150 <= fed_ms <= end_ms + 150


def test_prefix_padding_keeps_audio_from_before_the_onset(check_in_16k: bytes) -> None:
    detector = TurnDetector(VadSettings(prefix_padding_ms=300))
    events = feed_all(detector, silence(1.0, RATE) + check_in_16k)
    started = next(e for e in events if isinstance(e, VoiceStarted))
    assert len(started.audio) >= len(silence(0.3, RATE))


def test_a_short_pause_does_not_split_a_turn(check_in_16k: bytes) -> None:
    detector = TurnDetector()
    pause = silence(0.2, RATE)
    events = feed_all(detector, check_in_16k + pause + check_in_16k + silence(1.0, RATE))
    assert kinds(events).count("VoiceStarted") == 1

    events = feed_all(detector, check_in_16k + silence(1.0, RATE) + check_in_16k + pause * 5)
    assert kinds(events).count("VoiceStarted") == 2


@pytest.mark.parametrize("chunk_bytes", [1, 7, 333, 4096])
def test_chunking_does_not_change_the_result(check_in_16k: bytes, chunk_bytes: int) -> None:
    pcm = silence(0.5, RATE) + check_in_16k + silence(0.7, RATE)
    whole = TurnDetector().feed(pcm)
    detector = TurnDetector()
    pieces = [pcm[i : i + chunk_bytes] for i in range(0, len(pcm), chunk_bytes)]
    split = [event for piece in pieces for event in detector.feed(piece)]

    assert kinds(split) == kinds(whole)
    assert turn_bytes(split) == turn_bytes(whole)


def test_silence_alone_never_opens_a_turn_and_keeps_memory_bounded() -> None:
    detector = TurnDetector()
    assert feed_all(detector, silence(5.0, RATE)) == []
    assert detector.end_turn() == []


def test_end_turn_closes_an_open_turn(check_in_16k: bytes) -> None:
    detector = TurnDetector()
    feed_all(detector, check_in_16k[: len(check_in_16k) // 2] + b"\x00")
    assert detector.in_turn
    assert kinds(detector.end_turn()) == ["VoiceAudio", "VoiceEnded"]
    assert not detector.in_turn


def test_reset_drops_the_open_turn(check_in_16k: bytes) -> None:
    detector = TurnDetector()
    feed_all(detector, check_in_16k[: len(check_in_16k) // 2])
    detector.reset()
    assert not detector.in_turn
    assert feed_all(detector, silence(1.0, RATE)) == []


def test_long_speech_is_cut_at_max_turn(check_in_16k: bytes) -> None:
    detector = TurnDetector(VadSettings(max_turn_ms=1000))
    events = feed_all(detector, check_in_16k * 3)
    ends = [e for e in events if isinstance(e, VoiceEnded)]
    assert ends and ends[0].by_timeout


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        VadSettings(frame_ms=25)
    with pytest.raises(ValueError):
        VadSettings(aggressiveness=4)

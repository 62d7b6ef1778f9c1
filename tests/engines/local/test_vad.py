"""TurnDetector: fed real synthesized speech and silence, byte by byte where it matters."""

from __future__ import annotations

import pytest

from scenario_engine.engines.local.vad import (
    TurnDetector,
    VadSettings,
    VoiceAudio,
    VoiceEnded,
    VoiceEvent,
    VoicePaused,
    VoiceResumed,
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


def test_a_pause_is_reported_before_the_turn_ends_and_its_audio_comes_first(
    check_in_16k: bytes,
) -> None:
    detector = TurnDetector(VadSettings(pause_ms=200, end_silence_ms=500))
    events = feed_all(detector, silence(0.5, RATE) + check_in_16k + silence(1.0, RATE))

    names = kinds(events)
    assert names[-3:] == ["VoicePaused", "VoiceAudio", "VoiceEnded"]
    paused_at = next(i for i, e in enumerate(events) if isinstance(e, VoicePaused))
    # Nearly all of the speech was handed over before the pause was reported.
    assert turn_bytes(events[:paused_at]) >= len(check_in_16k) * 0.8
    # Every pause that speech interrupted was resumed, in order.
    pauses = [n for n in names if n in ("VoicePaused", "VoiceResumed")]
    assert pauses == ["VoicePaused", "VoiceResumed"] * (len(pauses) // 2) + ["VoicePaused"]


def test_speech_after_a_pause_resumes_the_same_turn(check_in_16k: bytes) -> None:
    detector = TurnDetector(VadSettings(pause_ms=200, end_silence_ms=600))
    events = feed_all(detector, check_in_16k + silence(0.35, RATE) + check_in_16k)
    events += feed_all(detector, silence(1.0, RATE))

    names = kinds(events)
    assert names.count("VoiceStarted") == 1 and names.count("VoiceEnded") == 1
    assert "VoiceResumed" in names
    assert names[-2] == "VoiceAudio" and "VoicePaused" in names[-3:]


def test_no_pause_events_unless_asked_or_when_not_shorter_than_the_end(
    check_in_16k: bytes,
) -> None:
    for settings in (VadSettings(), VadSettings(pause_ms=500, end_silence_ms=500)):
        events = feed_all(TurnDetector(settings), check_in_16k + silence(1.0, RATE))
        assert not any(isinstance(e, VoicePaused | VoiceResumed) for e in events)

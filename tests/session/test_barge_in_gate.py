import numpy as np

from scenario_engine.session.barge_in import MAX_GAP_MS, SpeechGate

RATE = 16_000


def loud(ms: int) -> bytes:
    t = np.arange(RATE * ms // 1000) / RATE
    return (np.sin(2 * np.pi * 200 * t) * 8000).astype("<i2").tobytes()


def quiet(ms: int) -> bytes:
    return bytes(RATE * ms // 1000 * 2)


def test_speech_counts_only_after_the_vad_says_it_started() -> None:
    gate = SpeechGate(300)
    assert not gate.heard(loud(500), RATE)
    gate.started()
    assert not gate.heard(loud(290), RATE)
    assert gate.heard(loud(20), RATE)


def test_short_gaps_are_speech_and_a_pause_starts_the_count_again() -> None:
    gate = SpeechGate(300)
    gate.started()
    assert not gate.heard(loud(150) + quiet(MAX_GAP_MS - 50) + loud(40), RATE)
    assert gate.heard(loud(20), RATE)  # 150 + 100 + 40 + 20 = 310 ms of speech
    gate.started()
    assert not gate.heard(loud(250) + quiet(MAX_GAP_MS), RATE)  # "mhm", then a pause
    assert not gate.heard(loud(250), RATE)
    gate.stopped()
    assert not gate.heard(loud(1000), RATE)

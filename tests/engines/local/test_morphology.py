"""The Korean analyzer's process: answers, survives bad text, and is replaced when it dies."""

from __future__ import annotations

from scenario_engine.engines.local import morphology
from scenario_engine.engines.local.morphology import Morpheme, analyse


def test_particles_and_verbs_come_back_as_morphemes() -> None:
    morphemes = analyse("은행에서 계좌를 만들고 싶어요")
    assert Morpheme("은행", "NNG", 0) in morphemes
    assert ("에서", "JKB") in {(m.form, m.tag) for m in morphemes}


def test_text_the_analyzer_cannot_read_gives_nothing_and_the_worker_lives_on() -> None:
    process = morphology._WORKER._process
    analyse("\ud800 은행")  # a lone surrogate: whatever Kiwi makes of it, no crash
    assert analyse("우체국에서요")[0].form == "우체국"
    assert morphology._WORKER._process is process


def test_a_dead_worker_is_replaced_before_the_next_text() -> None:
    morphology.warm_up()
    process = morphology._WORKER._process
    assert process is not None
    process.kill()
    process.wait()
    morphology.clear_cache()
    assert analyse("약국에서요")[0].form == "약국"
    assert morphology._WORKER._process is not process

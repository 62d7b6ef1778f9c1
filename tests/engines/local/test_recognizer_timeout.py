"""A turn whose final pass times out fails alone and quietly: no asyncio error in the log.

The soak found "Future exception was never retrieved" logged at error level each time a slow
worker was replaced: the transcript future that ``finish`` had stopped waiting for got the
worker's exit as its exception, and nobody ever looked at it. (Since then a timeout no longer
kills the worker, but a worker can still die after a turn was given up on.)
"""

from __future__ import annotations

import asyncio
import gc
import logging

import pytest

from scenario_engine.engines.local import recognizer as recognizer_module
from scenario_engine.engines.local.domain_lm import DomainPhrases
from scenario_engine.engines.local.recognizer import (
    LocalRecognizer,
    RecognitionError,
    RecognizerSettings,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_timed_out_turn_fails_without_an_unretrieved_future(
    check_in_16k: bytes, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    settings = RecognizerSettings(
        phrases=DomainPhrases(places=("hotel",)), workers=1, decoders_per_worker=1
    )
    recognizer = await asyncio.to_thread(LocalRecognizer.build, settings)
    try:
        utterance = await recognizer.begin()
        await utterance.feed(check_in_16k)
        monkeypatch.setattr(recognizer_module, "_FINISH_TIMEOUT_S", 0.0)  # the worker "hangs"
        with pytest.raises(RecognitionError, match="timed out"):
            await utterance.finish()
        monkeypatch.undo()
        worker = recognizer.pool.slots[0]
        assert worker is not None
        worker.process.kill()  # it dies before the late transcript: the future gets the exit
        await asyncio.wait_for(worker.process.wait(), 5)
        for _ in range(20):
            await asyncio.sleep(0.01)
        with caplog.at_level(logging.ERROR, logger="asyncio"):
            del utterance
            gc.collect()
            await asyncio.sleep(0)
        assert "never retrieved" not in caplog.text
        next_turn = await asyncio.wait_for(recognizer.begin(), 10)  # the worker was replaced
        next_turn.abandon()
    finally:
        await recognizer.aclose()

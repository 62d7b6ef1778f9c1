"""Synthesized speech shared by the local engine tests (made once per session)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from scenario_engine.engines.local.domain_lm import DomainPhrases
from scenario_engine.engines.local.recognizer import LocalRecognizer, RecognizerSettings
from scenario_engine.engines.local.vocabulary import load_vocabulary
from tests.engines.local.audio import CHECK_IN, synthesize


@pytest.fixture(scope="session")
def check_in_16k() -> bytes:
    """'I'm at a hotel talking to the receptionist to check in' at 16 kHz."""
    return asyncio.run(synthesize(CHECK_IN, 16_000))


@pytest.fixture(scope="session")
def check_in_48k() -> bytes:
    return asyncio.run(synthesize(CHECK_IN, 48_000))


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def recognizer() -> AsyncIterator[LocalRecognizer]:
    """One blended recognizer (one worker, two decoders) for every test that needs one."""
    phrases = DomainPhrases.from_vocabulary(load_vocabulary())
    settings = RecognizerSettings(phrases=phrases, workers=1, decoders_per_worker=2)
    built = await asyncio.to_thread(LocalRecognizer.build, settings)
    await built.start()
    yield built
    await built.aclose()

"""Synthesized speech shared by the local engine tests (made once per session)."""

from __future__ import annotations

import asyncio

import pytest

from tests.engines.local.audio import CHECK_IN, synthesize


@pytest.fixture(scope="session")
def check_in_16k() -> bytes:
    """'I'm at a hotel talking to the receptionist to check in' at 16 kHz."""
    return asyncio.run(synthesize(CHECK_IN, 16_000))


@pytest.fixture(scope="session")
def check_in_48k() -> bytes:
    return asyncio.run(synthesize(CHECK_IN, 48_000))

"""Events that arrive once the scenario is complete: one `session_completed`, then the close.

Over a socket this is a race (the service closes right after `scenario.completed`), so the
session is driven directly here: a real LocalEngine, a real Outbox whose writer drains into a
list the way the transport's writer drains into the socket. The event is owed only while the
close has not gone out; once it has, the close (1000) is the answer.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from scenario_engine.config import AppConfig
from scenario_engine.engines.local.engine import LocalEngine
from scenario_engine.observability.metrics import Metrics
from scenario_engine.protocol import InputAudioCommit, TextTurn
from scenario_engine.session.outbox import Close, Outbox
from scenario_engine.session.persistence import SessionPersistence
from scenario_engine.session.session import ScenarioSession
from scenario_engine.store import open_store

CONFIG = AppConfig(engine="local", local_asr_workers=1, local_asr_decoders_per_worker=2)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def engine() -> AsyncIterator[LocalEngine]:
    built = await asyncio.to_thread(LocalEngine, CONFIG)
    yield built
    await built.aclose()


class _Client:
    """What the writer sent, frame by frame, and how it closed."""

    def __init__(self) -> None:
        self.frames: list[dict[str, Any]] = []
        self.closed: tuple[int, str] | None = None

    async def send(self, frame: str) -> None:
        self.frames.append(json.loads(frame))

    async def close(self, code: int, reason: str) -> None:
        self.closed = (code, reason)


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("late", ["text", "commit"])
async def test_event_after_completion_gets_session_completed_then_close_1000(
    engine: LocalEngine, late: str
) -> None:
    outbox = Outbox(1024)
    metrics = Metrics()
    persistence = SessionPersistence(open_store(CONFIG), CONFIG)
    session = ScenarioSession(
        session_id="sess_test",
        engine=engine,
        config=CONFIG,
        outbox=outbox,
        metrics=metrics,
        persistence=persistence,
    )
    client = _Client()
    try:
        assert await session.start()
        runner = asyncio.create_task(session.run())
        await session.handle(TextTurn(type="text", text="I'm at a hotel to check in"))
        await session.handle(TextTurn(type="text", text="with the receptionist"))
        await asyncio.wait_for(runner, 10)
        assert session.completed
        event = (
            TextTurn(type="text", text="I'm at the airport actually")
            if late == "text"
            else InputAudioCommit(type="input_audio_commit")
        )
        for _ in range(3):  # a flood after completion is answered once
            await session.handle(event)
        # The writer was behind (a client on a slow network): the close is not out yet.
        closed = await asyncio.wait_for(outbox.drain(client.send, client.close), 5)
    finally:
        await session.aclose()
    kinds = [frame["type"] for frame in client.frames]
    assert kinds[-2:] == ["scenario.completed", "error"], kinds
    assert client.frames[-1]["code"] == "session_completed"
    assert client.frames[-2]["json"]["place"] == "hotel"  # the late turn changed nothing
    assert closed == Close(1000, "scenario completed") and client.closed == (1000, closed.reason)
    assert session.builder.state.turns == ["I'm at a hotel to check in", "with the receptionist"]


async def test_before_close_frame_goes_after_the_backlog_and_only_once() -> None:
    outbox = Outbox(8)
    await outbox.put("a")
    outbox.close(1000, "done")
    await outbox.put("dropped: the outbox is closing")
    outbox.put_before_close("why")
    outbox.put_before_close("not twice")
    client = _Client()
    sent: list[str] = []

    async def send(frame: str) -> None:
        sent.append(frame)

    await outbox.drain(send, client.close)
    outbox.put_before_close("after the close: dropped")
    assert sent == ["a", "why"] and client.closed == (1000, "done")

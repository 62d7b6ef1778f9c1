"""Serve one WebSocket connection: a reader, a writer and the session, owned together.

Whichever ends first (the client leaves, the dialog completes, the client is too slow)
ends the others: every task is cancelled and the speech input closed before returning.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from scenario_engine.config import AppConfig
from scenario_engine.engines.base import Engine
from scenario_engine.observability.logs import session_id_var
from scenario_engine.observability.metrics import Metrics
from scenario_engine.protocol import ErrorCode, ProtocolError, ProtocolLimits, parse_client_frame
from scenario_engine.session.outbox import (
    CLOSE_INTERNAL_ERROR,
    CLOSE_POLICY,
    Outbox,
    SlowClientError,
)
from scenario_engine.session.session import ScenarioSession

logger = logging.getLogger(__name__)

CLOSE_TIMEOUT_S = 5.0


def new_session_id() -> str:
    return f"sess_{secrets.token_hex(8)}"


async def serve_connection(
    websocket: WebSocket, engine: Engine, config: AppConfig, metrics: Metrics
) -> None:
    await websocket.accept()
    session_id = new_session_id()
    session_id_var.set(session_id)
    outbox = Outbox(config.send_queue_size)
    session = ScenarioSession(
        session_id=session_id,
        engine=engine,
        max_attempts=config.max_attempts,
        outbox=outbox,
        metrics=metrics,
    )
    metrics.active_sessions.inc()
    logger.info("session started", extra={"engine": engine.info.name})
    limits = ProtocolLimits(
        max_frame_bytes=config.max_frame_bytes, max_text_chars=config.max_text_chars
    )
    close = _closer(websocket)
    writer = asyncio.create_task(outbox.drain(websocket.send_text, close))
    tasks: list[asyncio.Task[Any]] = [writer]
    try:
        if await session.start():
            runner = asyncio.create_task(session.run())
            reader = asyncio.create_task(_read(websocket, session, limits))
            tasks += [runner, reader]
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            if runner.done() and runner.exception() is not None:
                raise runner.exception()  # type: ignore[misc]
            client_gone = reader.done()
        else:
            client_gone = False
        if not client_gone:
            # The session ended the dialog and queued a close: let the queued frames go out.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(writer), CLOSE_TIMEOUT_S)
    except SlowClientError:
        logger.warning("client too slow, dropping it")
        await close(CLOSE_POLICY, "client too slow")
    except Exception:
        logger.exception("session failed")
        await close(CLOSE_INTERNAL_ERROR, ErrorCode.INTERNAL_ERROR.value)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await session.aclose()
        outcome = session.outcome or "client_gone"
        metrics.active_sessions.dec()
        metrics.sessions.labels(outcome).inc()
        logger.info(
            "session ended: %s (%d events in, %d out)",
            outcome,
            session.events_in,
            session.events_out,
            extra={
                "engine": engine.info.name,
                "outcome": outcome,
                "events_in": session.events_in,
                "events_out": session.events_out,
            },
        )


async def _read(websocket: WebSocket, session: ScenarioSession, limits: ProtocolLimits) -> None:
    """Parse each frame; a bad one gets its error event and the session goes on."""
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        frame = message.get("text")
        if frame is None:
            frame = message.get("bytes") or b""
        event = parse_client_frame(frame, limits)
        if isinstance(event, ProtocolError):
            await session.reject(event)
        else:
            await session.handle(event)


def _closer(websocket: WebSocket) -> Callable[[int, str], Awaitable[None]]:
    async def close(code: int, reason: str) -> None:
        with contextlib.suppress(RuntimeError, WebSocketDisconnect, TimeoutError, OSError):
            await asyncio.wait_for(websocket.close(code, reason), CLOSE_TIMEOUT_S)

    return close

"""Serve one WebSocket connection: a reader, a writer and the session, owned together.

Whichever ends first ends the others. When the client leaves, everything is cancelled at
once; when the service ends the dialog (completed, failed, a limit, shutdown) the frames
already queued go out, within a bound, before the socket closes. Either way every task is
cancelled and the speech input closed before this returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from scenario_engine.config import AppConfig
from scenario_engine.engines.base import Engine
from scenario_engine.observability.logs import session_id_var
from scenario_engine.observability.metrics import Metrics
from scenario_engine.protocol import (
    ErrorCode,
    ErrorEvent,
    ProtocolError,
    ProtocolLimits,
    encode_server_event,
    parse_client_frame,
)
from scenario_engine.session.outbox import (
    CLOSE_INTERNAL_ERROR,
    CLOSE_POLICY,
    Outbox,
    SlowClientError,
)
from scenario_engine.session.persistence import SessionPersistence
from scenario_engine.session.rate_limit import TokenBucket
from scenario_engine.session.session import ScenarioSession
from scenario_engine.store import StoreGuard
from scenario_engine.transport.access import accepted_subprotocol, access_problem
from scenario_engine.transport.lifecycle import CLOSE_SERVICE_RESTART, Lifecycle

logger = logging.getLogger(__name__)

CLOSE_TIMEOUT_S = 5.0
Close = Callable[[int, str], Awaitable[None]]


def new_session_id() -> str:
    return f"sess_{secrets.token_hex(8)}"


async def serve_connection(
    websocket: WebSocket,
    engine: Engine,
    config: AppConfig,
    metrics: Metrics,
    lifecycle: Lifecycle,
    store: StoreGuard,
) -> None:
    await websocket.accept(subprotocol=accepted_subprotocol(websocket))
    close = _closer(websocket)
    refusal = _refusal(websocket, config, lifecycle)
    if refusal is not None:
        error, code = refusal
        metrics.errors.labels(error.code.value).inc()
        with contextlib.suppress(Exception):
            await websocket.send_text(
                encode_server_event(ErrorEvent(code=error.code, message=error.message))
            )
        await close(code, error.code.value)
        return
    lifecycle.enter()
    metrics.active_sessions.inc()
    try:
        persistence = SessionPersistence(store, config)
        await _serve_session(websocket, engine, config, metrics, lifecycle, persistence, close)
    finally:
        lifecycle.leave()
        metrics.active_sessions.dec()


def _refusal(
    websocket: WebSocket, config: AppConfig, lifecycle: Lifecycle
) -> tuple[ProtocolError, int] | None:
    problem = access_problem(websocket, config)
    if problem is not None:
        return problem, CLOSE_POLICY
    return lifecycle.admission_problem()


async def _serve_session(
    websocket: WebSocket,
    engine: Engine,
    config: AppConfig,
    metrics: Metrics,
    lifecycle: Lifecycle,
    persistence: SessionPersistence,
    close: Close,
) -> None:
    session_id = new_session_id()
    session_id_var.set(session_id)
    outbox = Outbox(config.send_queue_size)
    session = ScenarioSession(
        session_id=session_id,
        engine=engine,
        config=config,
        outbox=outbox,
        metrics=metrics,
        persistence=persistence,
    )
    logger.info("session started", extra={"engine": engine.info.name})
    writer = asyncio.create_task(outbox.drain(websocket.send_text, close))
    tasks: list[asyncio.Task[Any]] = [writer]
    client_gone = False
    try:
        if await session.start():
            runner = asyncio.create_task(session.run())
            reader = asyncio.create_task(_read(websocket, session, config))
            draining = asyncio.create_task(lifecycle.draining.wait())
            lease = asyncio.create_task(persistence.hold_lease())
            tasks += [runner, reader, draining, lease]
            done, _ = await asyncio.wait(
                tasks, timeout=config.max_session_s, return_when=asyncio.FIRST_COMPLETED
            )
            if runner in done and runner.exception() is not None:
                raise runner.exception()  # type: ignore[misc]
            client_gone = reader in done and reader.result() is None
            if not done:
                await session.end(
                    ErrorCode.SESSION_TIMEOUT,
                    f"the session reached its limit of {config.max_session_s:g} s",
                    CLOSE_POLICY,
                )
            elif draining in done and not session.ending:
                await _drain(session, persistence, config)
            elif lease in done and persistence.taken_over and not session.ending:
                await session.end(
                    ErrorCode.SESSION_TAKEN_OVER,
                    "the dialog was resumed on another connection",
                    CLOSE_POLICY,
                )
        if not client_gone:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(writer), CLOSE_TIMEOUT_S)
    except WebSocketDisconnect:
        pass  # the writer found the client gone (reset, half-close): it left, nothing failed
    except SlowClientError:
        logger.warning("client too slow, dropping it")
        session.outcome = "slow_client"
        await close(CLOSE_POLICY, "client too slow")
    except Exception:
        logger.exception("session failed")
        session.outcome = "error"
        await close(CLOSE_INTERNAL_ERROR, ErrorCode.INTERNAL_ERROR.value)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await persistence.release()
        await session.aclose()
        _log_end(session, engine, metrics)


async def _drain(
    session: ScenarioSession, persistence: SessionPersistence, config: AppConfig
) -> None:
    """Shutdown: let the reply being spoken finish, up to the grace period, then close 1012
    and give the lease up, so the client resumes on another instance at once."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(session.wait_reply_spoken(), config.shutdown_grace_s)
    await session.end(
        ErrorCode.SERVER_SHUTTING_DOWN, "the server is shutting down", CLOSE_SERVICE_RESTART
    )
    await persistence.release()


async def _read(websocket: WebSocket, session: ScenarioSession, config: AppConfig) -> str | None:
    """Parse each frame; a bad one gets its error event and the session goes on.

    Returns None when the client left, or the reason the service stopped reading.
    """
    limits = ProtocolLimits(
        max_frame_bytes=config.max_frame_bytes, max_text_chars=config.max_text_chars
    )
    frames = TokenBucket(
        config.max_frames_per_second, 2 * config.max_frames_per_second, time.monotonic()
    )
    try:
        async with asyncio.timeout(None) as deadline:
            with _IdleWatch(deadline, config.idle_timeout_s) as idle:
                while True:
                    idle.waiting_since = time.monotonic()
                    message = await websocket.receive()
                    idle.waiting_since = None
                    if message["type"] == "websocket.disconnect":
                        return None
                    if not frames.take(1, time.monotonic()):
                        await session.reject_flood(
                            ProtocolError(
                                ErrorCode.RATE_LIMITED,
                                f"over {config.max_frames_per_second:g} frames per second; "
                                "frames dropped",
                            )
                        )
                        continue
                    frame = message.get("text")
                    if frame is None:
                        frame = message.get("bytes") or b""
                    event = parse_client_frame(frame, limits)
                    if isinstance(event, ProtocolError):
                        await session.reject(event)
                    else:
                        await session.handle(event)
    except TimeoutError:
        if not deadline.expired():
            raise
    await session.end(
        ErrorCode.IDLE_TIMEOUT,
        f"no frame from the client for {config.idle_timeout_s:g} s",
        CLOSE_POLICY,
    )
    return "idle"


class _IdleWatch:
    """Expires ``deadline`` once the reader has waited ``limit_s`` for a frame.

    The reader only records when it starts and stops waiting; one timer per idle period
    checks that. ``wait_for`` around each ``receive`` (a task and a timer per frame) cost
    more CPU than relaying the frame. As with ``wait_for``, time spent handling a frame
    does not count, so the deadline can only expire inside ``receive``.
    """

    def __init__(self, deadline: asyncio.Timeout, limit_s: float) -> None:
        self._deadline = deadline
        self._limit_s = limit_s
        self.waiting_since: float | None = None
        self._timer: asyncio.TimerHandle | None = None

    def __enter__(self) -> _IdleWatch:
        self._timer = asyncio.get_running_loop().call_later(self._limit_s, self._check)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._timer is not None:
            self._timer.cancel()

    def _check(self) -> None:
        loop = asyncio.get_running_loop()
        since = self.waiting_since
        quiet_s = 0.0 if since is None else time.monotonic() - since
        if quiet_s >= self._limit_s:
            self._deadline.reschedule(loop.time())
        else:
            self._timer = loop.call_later(self._limit_s - quiet_s, self._check)


def _log_end(session: ScenarioSession, engine: Engine, metrics: Metrics) -> None:
    outcome = session.outcome or "client_gone"
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


def _closer(websocket: WebSocket) -> Close:
    async def close(code: int, reason: str) -> None:
        with contextlib.suppress(RuntimeError, WebSocketDisconnect, TimeoutError, OSError):
            await asyncio.wait_for(websocket.close(code, reason), CLOSE_TIMEOUT_S)

    return close

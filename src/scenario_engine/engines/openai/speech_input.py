"""OpenAISpeechInput: one learner's audio relayed to a Realtime transcription session.

Why a transcription session (``intent=transcription``) rather than a conversation session:
the service only needs transcripts and server VAD from Realtime (questions and the final
text come from the LLM, speech from TTS); a transcription session produces exactly those
events, never starts model responses of its own, and is billed for transcription only.

Reconnection is the SDK's (``on_reconnecting`` with bounded exponential backoff). A new
socket is a new upstream session, so on its ``session.created`` the configuration is sent
again and, once ``session.updated`` confirms it, the audio not yet transcribed is replayed
(``TurnAudio``). Scenario state lives in the session above and is untouched.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Coroutine
from typing import Any

from openai import AsyncOpenAI, OpenAIError
from openai.resources.realtime.realtime import AsyncRealtimeConnection
from openai.types.realtime import (
    ConversationItemInputAudioTranscriptionCompletedEvent,
    ConversationItemInputAudioTranscriptionFailedEvent,
    InputAudioBufferCommittedEvent,
    RealtimeErrorEvent,
    RealtimeServerEvent,
)
from openai.types.realtime.realtime_transcription_session_audio_input_turn_detection_param import (
    RealtimeTranscriptionSessionAudioInputTurnDetectionParam as TurnDetectionParam,
)
from openai.types.websocket_reconnection import ReconnectingEvent, ReconnectingOverrides
from websockets.exceptions import WebSocketException

from scenario_engine.engines.base import (
    AudioChunk,
    InputFault,
    InputReconnecting,
    SpeechInputEvent,
    SpeechInputUnavailable,
)
from scenario_engine.engines.openai.answer_deadlines import AnswerDeadlines
from scenario_engine.engines.openai.bounded_send import send_within
from scenario_engine.engines.openai.events import (
    CLEAR_EVENT,
    COMMIT_EVENT,
    InputEventMapper,
    append_event,
    fault_for_error,
    transcription_session,
)
from scenario_engine.engines.openai.input_audio import To24k, TurnAudio
from scenario_engine.engines.openai.pause_turns import TurnRelay
from scenario_engine.engines.openai.reconnect_budget import ReconnectBudget, ReconnectPolicy

log = logging.getLogger(__name__)

_NETWORK_ERRORS = (OSError, WebSocketException, OpenAIError, TimeoutError)
_RECONFIGURE = "reconfigure"
"""Timer key of the deadline for ``session.updated`` after a reconnect (item ids differ)."""


class OpenAISpeechInput:
    """Implements ``SpeechInput`` over ``AsyncOpenAI.realtime.connect``."""

    def __init__(
        self,
        client: AsyncOpenAI,
        *,
        transcription_model: str,
        detection: TurnDetectionParam | None,
        timeout_s: float,
        reconnect: ReconnectPolicy | None = None,
        language: str | None = None,
        pause_gap_ms: int | None = None,
    ) -> None:
        """``pause_gap_ms``: early commit (pause_turns.py): ``detection`` ends a segment at a
        pause, and this much more silence ends the turn. None: its commits are turns."""
        self._client = client
        self._session_config = transcription_session(transcription_model, detection, language)
        self._server_vad = detection is not None
        self._timeout_s = timeout_s
        self._reconnect = reconnect or ReconnectPolicy()
        self._budget = ReconnectBudget(
            self._reconnect.drops_per_turn, self._reconnect.drops_per_session
        )
        self._queue: asyncio.Queue[SpeechInputEvent | None] = asyncio.Queue()
        self._mapper = InputEventMapper()
        self._turns = TurnRelay(self._queue.put_nowait, pause_gap_ms)
        self._audio = TurnAudio()
        self._resampler = To24k()
        self._conn: AsyncRealtimeConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._deadlines = AnswerDeadlines(timeout_s)
        self._ready = False
        self._reconnected = False
        self._closing = False
        self._failed = False
        self._closer: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Returns once the upstream session confirmed its configuration (``session.updated``)."""
        manager = self._client.realtime.connect(
            extra_query={"intent": "transcription"},
            on_reconnecting=self._on_reconnecting,
            max_retries=self._reconnect.attempts,
            initial_delay=self._reconnect.initial_delay_s,
            max_delay=self._reconnect.max_delay_s,
        )
        try:
            async with asyncio.timeout(self._timeout_s):
                self._conn = await manager.enter()
                await self._conn.session.update(session=self._session_config)
                await self._await_configured(self._conn)
        except (SpeechInputUnavailable, *_NETWORK_ERRORS, ValueError) as exc:
            await self._abandon()
            if isinstance(exc, SpeechInputUnavailable):
                raise
            if isinstance(exc, TimeoutError):
                message = "the speech recognition service did not answer in time"
                raise SpeechInputUnavailable("upstream_timeout", message) from None
            message = f"could not reach the speech recognition service ({type(exc).__name__})"
            raise SpeechInputUnavailable("upstream_unavailable", message) from None
        self._ready = True
        self._reader = asyncio.create_task(self._read(self._conn), name="openai-speech-input")

    async def append_audio(self, chunk: AudioChunk) -> None:
        await self._send_audio(*self._resampler.convert(chunk))

    async def _send_audio(self, audio: str, n_bytes: int) -> None:
        self._audio.add(audio, n_bytes)
        if self._ready and self._conn is not None:
            await self._guarded(self._conn.send_raw(append_event(audio)))

    async def commit(self) -> None:
        if (tail := self._resampler.flush()) is not None:
            await self._send_audio(*tail)
        # The turn is kept as committed before the send: if the socket drops before upstream
        # confirms, the replay commits it again on the next session.
        self._audio.commit_tail()
        if self._ready and self._conn is not None:
            await self._guarded(self._conn.send_raw(COMMIT_EVENT))

    async def clear(self) -> None:
        self._audio.cleared()
        if self._ready and self._conn is not None:
            await self._guarded(self._conn.send_raw(CLEAR_EVENT))

    async def events(self) -> AsyncIterator[SpeechInputEvent]:
        while (event := await self._queue.get()) is not None:
            yield event

    async def aclose(self) -> None:
        if self._closing:
            return
        self._closing = True
        self._ready = False
        self._deadlines.clear()
        self._turns.close()
        await self._abandon()
        for task in (self._reader, self._closer):
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        self._queue.put_nowait(None)

    async def _await_configured(self, conn: AsyncRealtimeConnection) -> None:
        while True:
            event = await conn.recv()
            if event.type == "session.updated":
                return
            if isinstance(event, RealtimeErrorEvent):
                fault = fault_for_error(event)
                log.warning("upstream refused the session configuration: %s", fault.message)
                raise SpeechInputUnavailable("upstream_rejected_session", fault.message)

    async def _read(self, conn: AsyncRealtimeConnection) -> None:
        """Relay events until the upstream is gone for good; the events stream then ends.

        A frame that is not JSON ends the SDK's iterator, not the connection: it is
        reported and reading resumes. Anything unexpected still ends in a fatal fault, so
        the session is never left waiting on a dead reader.
        """
        try:
            while True:
                try:
                    async for event in conn:
                        await self._handle(conn, event)
                    break
                except ValueError:
                    log.warning("upstream sent a frame that is not a JSON event; skipped")
                    self._queue.put_nowait(
                        InputFault("upstream_error", "the speech service sent an unreadable event")
                    )
            self._fail("the speech recognition service ended the session")
        except _NETWORK_ERRORS as exc:
            log.warning("speech input lost its upstream: %s", type(exc).__name__)
            self._fail("the speech recognition service is unreachable")
        except Exception:
            log.exception("speech input reader failed")
            self._fail("the speech input failed")
        finally:
            self._ready = False

    def _fail(self, message: str) -> None:
        """Report the end for good, once; the events stream ends after it."""
        if self._failed or self._closing:
            return
        self._failed = True
        self._queue.put_nowait(InputFault("engine_unavailable", message, fatal=True))
        self._queue.put_nowait(None)

    async def _handle(self, conn: AsyncRealtimeConnection, event: RealtimeServerEvent) -> None:
        if event.type == "session.created" and self._reconnected:
            self._mapper.forget_pending()
            self._turns.reconnected()
            self._deadlines.arm(_RECONFIGURE, self._reconfigure_overdue)
            await self._guarded(conn.session.update(session=self._session_config))
            return
        if event.type == "session.updated" and self._reconnected:
            self._reconnected = False
            self._deadlines.disarm(_RECONFIGURE)
            await self._replay(conn)
            log.info("speech input reconnected and reconfigured")
            return
        if isinstance(event, InputAudioBufferCommittedEvent):
            self._audio.committed(event.item_id)
            self._deadlines.arm(event.item_id, self._expire, event.item_id)
        elif isinstance(
            event,
            ConversationItemInputAudioTranscriptionCompletedEvent
            | ConversationItemInputAudioTranscriptionFailedEvent,
        ):
            self._transcribed(event.item_id)
        elif isinstance(event, RealtimeErrorEvent):
            log.warning("upstream error event: type=%s code=%s", event.error.type, event.error.code)
        self._turns.relay(event, self._mapper.feed(event))

    async def _replay(self, conn: AsyncRealtimeConnection) -> None:
        """Send again what the lost session never transcribed; new audio joins after it."""
        plan = self._audio.replay()
        sent_tail = self._audio.tail_count
        for audio, commit in plan:
            await self._guarded(conn.send_raw(append_event(audio)))
            if commit and not self._server_vad:
                await self._guarded(conn.send_raw(COMMIT_EVENT))
        while extra := self._audio.tail_after(sent_tail):
            sent_tail += len(extra)
            for audio in extra:
                await self._guarded(conn.send_raw(append_event(audio)))
        self._ready = True

    def _on_reconnecting(self, event: ReconnectingEvent) -> ReconnectingOverrides | None:
        """SDK callback before each attempt: hold audio back and tell the session; stop once
        the budget of drops is spent (the session then falls back and closes 1011)."""
        log.info("speech input reconnecting (attempt %d/%d, close code %d)",
                 event.attempt, event.max_attempts, event.close_code)
        spent = self._budget.spend() if event.attempt == 1 else None
        if spent is not None:
            log.warning("speech input gives up reconnecting: %s", spent)
            self._fail(f"the speech recognition service is unstable ({spent})")
            return {"abort": True}
        self._ready = False
        self._reconnected = True
        self._deadlines.clear()
        self._queue.put_nowait(InputReconnecting(attempt=event.attempt))
        return {"abort": True} if self._closing else None

    def _reconfigure_overdue(self) -> None:
        """A reconnected session that never confirms its configuration cannot be used."""
        log.warning("reconnected upstream session was not configured in time")
        self._fail("the speech recognition service did not accept the session")
        self._closer = asyncio.get_running_loop().create_task(self._abandon())

    def _transcribed(self, item_id: str) -> None:
        self._deadlines.disarm(item_id)
        self._budget.turn_done()
        self._audio.transcribed(item_id)

    def _expire(self, item_id: str) -> None:
        self._audio.transcribed(item_id)
        self._turns.relay(None, self._mapper.expire(item_id))

    async def _guarded(self, send: Coroutine[Any, Any, None]) -> None:
        """Send with a timeout; a failed send is not fatal: the reader sees the drop and the
        audio is kept for replay."""
        try:
            await send_within(send, self._timeout_s)
        except _NETWORK_ERRORS as exc:
            log.debug("send to upstream failed: %s", type(exc).__name__)

    async def _abandon(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                async with asyncio.timeout(self._timeout_s):
                    await conn.close()
            except _NETWORK_ERRORS:
                pass

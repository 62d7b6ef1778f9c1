"""ScenarioSession: one learner's dialog, from client events and speech input to replies.

The transport hands it parsed client events; it drives the speech input, feeds learner turns
to the ScenarioBuilder one at a time, speaks each reply and queues server events on an
Outbox. It never touches the socket.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from scenario_engine.config import AppConfig
from scenario_engine.domain.dialog import Dialog, DialogLimits, TransitionError
from scenario_engine.domain.dialog_events import Event, LearnerTurn
from scenario_engine.domain.dialog_state import DialogState, Phase
from scenario_engine.domain.failed_turns import ModelGaveUp
from scenario_engine.domain.prompts import KOREAN_FALLBACK_MESSAGE
from scenario_engine.engines.base import Engine, InputFault
from scenario_engine.observability.metrics import Metrics
from scenario_engine.protocol import (
    ClientEvent,
    ErrorCode,
    ErrorEvent,
    InputAudioChunk,
    InputAudioClear,
    InputAudioCommit,
    ProtocolError,
    ScenarioCompleted,
    ScenarioJson,
    SessionResume,
    TextTurn,
    encode_server_event,
)
from scenario_engine.protocol.server_events import AUDIO_DELTA_PREFIX, AnyServerEvent
from scenario_engine.session.barge_in import reply_audio_lead_s
from scenario_engine.session.dialog_flow import DialogFlow
from scenario_engine.session.flood_report import FloodReport
from scenario_engine.session.keeper import DialogKeeper
from scenario_engine.session.model_policy import bounded_models
from scenario_engine.session.outbox import CLOSE_INTERNAL_ERROR, CLOSE_NORMAL, Outbox
from scenario_engine.session.persistence import SessionPersistence
from scenario_engine.session.ready import ready_event
from scenario_engine.session.record import PendingTurn
from scenario_engine.session.speaker import ReplySpeaker
from scenario_engine.session.speculation import SpeculativeTurns
from scenario_engine.session.speech_start import start_problem
from scenario_engine.session.steering import dialog_event
from scenario_engine.session.voice_turns import VoiceTurns, error_code

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Turn:
    text: str
    kind: str
    """``text`` (typed) or ``voice`` (transcribed)."""
    ended_at: float
    """When the learner finished the turn (monotonic): typed, VAD end, or commit."""


class ScenarioSession:
    def __init__(
        self,
        *,
        session_id: str,
        engine: Engine,
        config: AppConfig,
        outbox: Outbox,
        metrics: Metrics,
        persistence: SessionPersistence,
        start_timeout_s: float = 15.0,
        state: DialogState | None = None,
    ) -> None:
        self.session_id = session_id
        self._engine = engine
        self._outbox = outbox
        self._metrics = metrics
        self._start_timeout_s = start_timeout_s
        self._config = config
        self._limits = DialogLimits(config.max_attempts, config.roleplay_max_turns)
        self._keeper = DialogKeeper(session_id, persistence, metrics, self._tell, self.reject_flood)
        self._floods = FloodReport(self._tell)
        self._replying = asyncio.Lock()
        """Held while a turn is answered, so a shutdown can let the reply finish."""
        self._speech_input = engine.open_speech_input()
        self._speaker = ReplySpeaker(
            engine.speech_output, self._emit, metrics,
            lambda: outbox.drop_queued(AUDIO_DELTA_PREFIX), lead_s=reply_audio_lead_s(config),
        )
        self._voice = VoiceTurns(
            self._speech_input, self._speaker, config, metrics, self._emit, self._voice_turn,
            self._foresee,
        )
        self._speculation = SpeculativeTurns(engine.llm, metrics)
        self._open_dialog(state)
        self._turns: asyncio.Queue[_Turn | Event | InputFault] = asyncio.Queue()
        """Learner turns and dialog events in order, or the fatal fault that ends the session."""
        self.outcome: str | None = None
        """How the dialog ended: completed, fallback or error (None while it runs)."""
        self.events_in = 0
        self.events_out = 0

    def _open_dialog(self, state: DialogState | None) -> None:
        """The dialog machine, its builder and its flow, new or from a stored state."""
        dialog = Dialog(self._limits, state)
        self._speculation.drop()
        models = bounded_models(
            self._speculation, self._engine.practice, self._config, dialog.state.scenario
        )
        self.builder = models.builder
        self._flow = DialogFlow(
            dialog, models, self._speaker, self._emit, self._close, self._metrics
        )

    # --- lifecycle ------------------------------------------------------------------------------
    async def start(self) -> bool:
        """Bring the speech input up, then tell the client it may send. False if it failed."""
        problem = await start_problem(self._speech_input, self._start_timeout_s)
        if problem is not None:
            await self._fail(ErrorCode.ENGINE_UNAVAILABLE, problem)
            return False
        await self._emit(ready_event(self.session_id, self._engine, self._keeper.resume_token))
        return True

    async def run(self) -> None:
        """Relay speech input events and answer turns until the dialog ends."""
        pump = asyncio.create_task(self._pump_speech_input(), name=f"{self.session_id}:speech-in")
        try:
            await self._answer_turns()
        finally:
            pump.cancel()
            await asyncio.gather(pump, return_exceptions=True)
            await self._speculation.aclose()

    async def aclose(self) -> None:
        await self._speech_input.aclose()

    @property
    def completed(self) -> bool:
        """``scenario.completed`` went out."""
        return self._flow.completed

    @property
    def dialog_state(self) -> DialogState:
        """The dialog's whole state, as the session store keeps it."""
        return self._flow.dialog.state

    @property
    def ending(self) -> bool:
        """The session has queued its close; no more events will go out."""
        return self._outbox.closing

    async def end(self, code: ErrorCode, message: str, close_code: int) -> None:
        """Stop the session for a limit or a shutdown: report why, then close."""
        self.outcome = self.outcome or code.value
        await self._emit(ErrorEvent(code=code, message=message))
        self._outbox.close(close_code, code.value)

    async def wait_reply_spoken(self) -> None:
        """Return once no reply is being produced (the next turn will not start)."""
        await self._replying.acquire()

    # --- client events --------------------------------------------------------------------------
    async def handle(self, event: ClientEvent) -> None:
        self.events_in += 1
        if self._flow.finished:
            # The outbox is closing: a plain emit would be dropped, and the client would
            # never learn why its event was ignored.
            self._metrics.errors.labels(ErrorCode.SESSION_COMPLETED.value).inc()
            self._outbox.put_before_close(
                encode_server_event(
                    ErrorEvent(
                        code=ErrorCode.SESSION_COMPLETED,
                        message="the dialog is over; the session is closing",
                    )
                )
            )
            return
        if isinstance(event, InputAudioChunk):
            refusal = await self._voice.audio(event)
            if refusal is not None:
                await self.reject_flood(refusal)
        elif isinstance(event, TextTurn):
            await self._accept(_Turn(event.text, "text", time.monotonic()))
        elif isinstance(event, InputAudioCommit):
            await self._voice.commit()
        elif isinstance(event, InputAudioClear):
            await self._voice.clear()
        elif isinstance(event, SessionResume):
            await self._resume(event.token)
        elif (steering := dialog_event(event)) is not None:
            self._turns.put_nowait(steering)  # in line with the turns: options before a turn

    async def reject(self, error: ProtocolError) -> None:
        self.events_in += 1
        await self._tell(error)

    async def _tell(self, error: ProtocolError) -> None:
        await self._emit(ErrorEvent(code=error.code, message=error.message))

    async def reject_flood(self, error: ProtocolError) -> None:
        """Refuse input over a limit (session/flood_report.py)."""
        await self._floods.refuse(error)

    # --- the pipeline ---------------------------------------------------------------------------
    async def _pump_speech_input(self) -> None:
        fault = await self._voice.pump()
        if fault is not None:
            self._turns.put_nowait(fault)

    async def _voice_turn(self, text: str, ended_at: float) -> None:
        await self._accept(_Turn(text, "voice", ended_at))

    def _foresee(self, text: str | None) -> None:
        """A pause's words (None: the learner went on), for the builder if it takes the turn."""
        takes = self._flow.dialog.phase is Phase.COLLECTING and self._turns.empty()
        self._speculation.foresee(text, self.builder if takes else None)

    # --- what is kept for a resume ----------------------------------------------------------
    async def _accept(self, turn: _Turn) -> None:
        """Queue a learner turn once it is stored: a resumed session would answer it."""
        await self._keeper.accepted(PendingTurn(turn.kind, turn.text))
        self._turns.put_nowait(turn)

    async def _resume(self, token: str) -> None:
        """Go on with the dialog of ``token``: redraw, then answer what was pending, or end a
        dialog that was over (its client may not have heard the end)."""
        record = await self._keeper.resume(token, first_frame=self.events_in == 1)
        if record is None:
            return
        self.session_id = record.session_id
        # A copy: the record keeps the state of the last turn boundary while a turn runs.
        self._open_dialog(DialogState.from_dict(record.dialog.to_dict()))
        await self._emit(record.resumed_event())
        if record.over:
            self._flow.finished = True
            self.outcome = "completed"
            if record.dialog.phase is Phase.COMPLETED:
                scenario = record.dialog.scenario.scenario_json()
                await self._emit(ScenarioCompleted(scenario=ScenarioJson.model_validate(scenario)))
            self._close("the dialog is over")
            return
        for turn in record.pending:
            self._turns.put_nowait(_Turn(turn.text, turn.kind, time.monotonic()))

    async def _answer_turns(self) -> None:
        while not self._flow.finished:
            turn = await self._turns.get()
            if isinstance(turn, InputFault):
                logger.warning("speech input failed for good: %s", turn.code)
                await self._fail(error_code(turn.code), turn.message)
                return
            async with self._replying:
                if self.ending:
                    return
                try:
                    await self._answer(turn)
                except TransitionError as exc:
                    await self._emit(ErrorEvent(code=ErrorCode.EVENT_NOT_ALLOWED, message=str(exc)))
                except ModelGaveUp as exc:
                    logger.warning("%s; ending the session", exc)
                    await self._fail(ErrorCode.ENGINE_UNAVAILABLE, str(exc))
                    return
                await self._keeper.answered(self.dialog_state, isinstance(turn, _Turn))
        self.outcome = "fallback" if self._flow.by_fallback else "completed"

    async def _answer(self, turn: _Turn | Event) -> None:
        if not isinstance(turn, _Turn):
            await self._flow.handle(turn)
            return
        logger.debug("learner turn (%s): %s", turn.kind, turn.text)  # learner text: DEBUG only
        self._metrics.turns.labels(turn.kind).inc()
        self._voice.reply_expected()
        try:
            first_audio_at = await self._flow.handle(LearnerTurn(turn.text))
        finally:
            self._speaker.settle()
        if first_audio_at is not None:
            self._metrics.turn_latency.observe(first_audio_at - turn.ended_at)

    def _close(self, reason: str) -> None:
        self._outbox.close(CLOSE_NORMAL, reason)

    async def _fail(self, code: ErrorCode, message: str) -> None:
        """Tell the learner in Korean (spoken where possible), report the code, close."""
        self.outcome = "error"
        await self._speaker.say(KOREAN_FALLBACK_MESSAGE, "ko")
        await self._emit(ErrorEvent(code=code, message=message))
        self._outbox.close(CLOSE_INTERNAL_ERROR, code.value)

    async def _emit(self, event: AnyServerEvent | str) -> None:
        """Queue ``event``; a ``str`` is an event already encoded (the speaker's audio deltas)."""
        self.events_out += 1
        if isinstance(event, str):
            await self._outbox.put(event)
            return
        if isinstance(event, ErrorEvent):
            self._metrics.errors.labels(event.code.value).inc()
        await self._outbox.put(encode_server_event(event))

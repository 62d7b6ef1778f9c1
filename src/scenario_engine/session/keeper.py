"""DialogKeeper: the session's "store after every change" — accepted turns, answers, resumes.

The session calls it at its two moments of change (a learner turn accepted, a turn answered)
and for a ``session.resume``. A store that fails costs resumability, never the dialog: the
learner is told once a second at most (``store_unavailable``) and the session goes on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from scenario_engine.domain.dialog_state import DialogState
from scenario_engine.observability.logs import session_id_var
from scenario_engine.observability.metrics import Metrics
from scenario_engine.protocol import ErrorCode, ProtocolError
from scenario_engine.session.persistence import ResumeRefused, SessionPersistence
from scenario_engine.session.record import DialogRecord, PendingTurn
from scenario_engine.store import StoreError

logger = logging.getLogger(__name__)

Report = Callable[[ProtocolError], Awaitable[None]]


class DialogKeeper:
    def __init__(
        self,
        session_id: str,
        persistence: SessionPersistence,
        metrics: Metrics,
        report: Report,
        report_flood: Report,
    ) -> None:
        self.record = DialogRecord(session_id)
        self._persistence = persistence
        self._metrics = metrics
        self._report = report
        self._report_flood = report_flood

    @property
    def resume_token(self) -> str:
        return self._persistence.token

    async def accepted(self, turn: PendingTurn) -> None:
        self.record.pending.append(turn)
        await self._save()

    async def answered(
        self, dialog: DialogState, learner_turn: bool
    ) -> None:
        self.record.answered(dialog, learner_turn)
        await self._save()

    async def resume(self, token: str, first_frame: bool) -> DialogRecord | None:
        """The record of ``token``, now this connection's; None (the client told why) if not."""
        try:
            if not first_frame or self.record.pending or self.record.dialog.transcript:
                raise ResumeRefused(
                    ErrorCode.RESUME_NOT_FIRST,
                    "session.resume must be the first frame of a connection",
                )
            record = await self._persistence.resume(token, DialogRecord.from_bytes)
        except ResumeRefused as refused:
            self._metrics.resumes.labels(refused.code.value).inc()
            await self._report(ProtocolError(refused.code, refused.message))
            return None
        self._metrics.resumes.labels("resumed").inc()
        self.record = record
        session_id_var.set(record.session_id)
        logger.info("session resumed (%d turns pending)", len(record.pending))
        return record

    async def _save(self) -> None:
        started = time.monotonic()
        try:
            await self._persistence.save(self.record.to_bytes)
        except StoreError as exc:
            logger.warning("dialog not saved: %s", exc)
            message = "the dialog could not be saved; it goes on, but a lost connection ends it"
            await self._report_flood(ProtocolError(ErrorCode.STORE_UNAVAILABLE, message))
        self._metrics.store_saves.observe(time.monotonic() - started)

"""Early commit: the upstream VAD commits at a short pause; a turn ends after the turn's silence.

Server VAD ends a turn after its silence (``vad_silence_ms``, 500 ms) and only then is the
audio transcribed (~400 ms) and answered. With early commit the upstream VAD is configured
with a shorter silence (``early_commit_ms``, 200 ms), so each of its commits is a *pause*,
transcribed at once, while the turn's own silence keeps its meaning: a pause is the end of
the turn when no speech starts again within the rest of it (``gap_ms``, counted from the
pause). If speech does start again, the pause's words are kept and joined with the next
segment's, so the turn is the whole utterance.

The session, and through it the client, sees what a VAD with the turn's silence would
report: ``SpeechStarted`` at a turn's first speech (not after a pause), ``SpeechStopped``
once the turn is over, and one ``TranscriptReady`` with the joined words. A pause whose words
are all in before its verdict is reported as ``TranscriptTentative`` (the session may start
answering it, session/speculation.py) and ``TentativeWithdrawn`` if the learner goes on.

Speech counts as "again" when the upstream's ``speech_started`` comes before the wall-clock
end of the gap (``deadline``: a client streaming at real-time pace) *and* its
``audio_start_ms`` lies within the gap of the pause's ``audio_end_ms`` (which includes the
early silence): audio sent faster than real time reaches the upstream before the wall clock
has run, so its own timeline decides. ``PausedTurns`` is sans I/O; ``TurnRelay`` runs its
deadline on the event loop.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from openai.types.realtime import (
    InputAudioBufferCommittedEvent,
    InputAudioBufferSpeechStartedEvent,
    InputAudioBufferSpeechStoppedEvent,
    RealtimeServerEvent,
)

from scenario_engine.engines.base import (
    InputFault,
    SpeechInputEvent,
    SpeechStarted,
    SpeechStopped,
    TentativeWithdrawn,
    TranscriptReady,
    TranscriptTentative,
)

_ANY_TIME = 2**62
"""A pause whose speech may start again at any upstream audio time (the deadline decides)."""


@dataclass(eq=False)
class _Turn:
    words: list[str] = field(default_factory=list)
    heard: bool = False
    """A transcript of it came (a blank one too: that is still an answer to the turn)."""
    pending: int = 0
    """Segments committed whose transcript is still to come."""
    announced: bool = False
    """``SpeechStarted`` went out for it."""


class PausedTurns:
    """Upstream VAD events and transcripts in; the turns they make, out."""

    def __init__(self, gap_ms: int) -> None:
        self._gap_ms = gap_ms
        self._open: _Turn | None = None
        self._closed: deque[_Turn] = deque()
        """Turns that are over, whose words are still coming (oldest first)."""
        self._owners: deque[_Turn] = deque()
        """The turn of each committed segment whose transcript is to come, in commit order
        (``InputEventMapper`` delivers transcripts in that order)."""
        self._stopping: _Turn | None = None
        """The VAD said speech stopped in this turn; the commit of that segment comes next."""
        self._pause_until_ms: int | None = None
        """While a pause waits for its verdict: speech starting before this (upstream audio
        time) is the same turn."""
        self.deadline: float | None = None
        """When (event-loop time) the pause waiting for its verdict becomes the turn's end."""
        self._tentative = False

    def relay(
        self, event: RealtimeServerEvent | None, mapped: list[SpeechInputEvent], now: float
    ) -> list[SpeechInputEvent]:
        """What the session sees of ``event`` (None: results from elsewhere) and of what
        ``InputEventMapper`` made of it."""
        out = self.expired(now)
        if isinstance(event, InputAudioBufferSpeechStartedEvent):
            self._speech_started(event.audio_start_ms, out)
        elif isinstance(event, InputAudioBufferSpeechStoppedEvent):
            self._speech_stopped(event.audio_end_ms, now)
        elif isinstance(event, InputAudioBufferCommittedEvent):
            self._committed(out)
        for result in mapped:
            if isinstance(result, TranscriptReady):
                self._segment_done(result.text, out)
            elif isinstance(result, InputFault) and result.code == "transcription_failed":
                out.append(result)
                self._segment_done(None, out)
            elif not isinstance(result, SpeechStarted | SpeechStopped):
                out.append(result)
        return out

    def expired(self, now: float) -> list[SpeechInputEvent]:
        """The turn's end, if its pause has lasted the whole gap by ``now``."""
        out: list[SpeechInputEvent] = []
        if self.deadline is not None and now >= self.deadline:
            self._close(out, announce=True)
        return out

    def reconnected(self) -> list[SpeechInputEvent]:
        """A new upstream session: the transcripts still to come never will; their audio is
        replayed (``TurnAudio``) and segmented anew, so every turn still waiting for words
        becomes one open turn again, with the words it has (what the learner said is kept).
        A turn waiting only for its pause's verdict keeps it: the new session has nothing
        of it to hear again, and the deadline alone decides (its audio clock starts anew)."""
        out: list[SpeechInputEvent] = []
        spoken = self._open
        waiting = [*self._closed, *([spoken] if spoken is not None else [])]
        paused = self.deadline is not None and not any(turn.pending for turn in waiting)
        if self._tentative and not paused:
            self._tentative = False
            out.append(TentativeWithdrawn())
        self._closed.clear()
        self._owners.clear()
        self._open = self._stopping = None
        if waiting:
            self._open = _Turn(
                words=[word for turn in waiting for word in turn.words],
                heard=any(turn.heard for turn in waiting),
                announced=spoken is not None and spoken.announced,
            )
        self._pause_until_ms = _ANY_TIME if paused else None
        if not paused:
            self.deadline = None
        return out

    # --- the VAD --------------------------------------------------------------------------------
    def _speech_started(self, start_ms: int, out: list[SpeechInputEvent]) -> None:
        if self._pause_until_ms is not None:
            if start_ms < self._pause_until_ms:  # the learner goes on: the same turn
                self._pause_until_ms = self.deadline = None
                if self._tentative:
                    self._tentative = False
                    out.append(TentativeWithdrawn())
                return
            self._close(out, announce=True)  # a long pause in audio sent faster than real time
        if self._open is None:
            self._open = _Turn()
        if not self._open.announced:
            self._open.announced = True
            out.append(SpeechStarted())

    def _speech_stopped(self, end_ms: int, now: float) -> None:
        if self._open is None:
            self._open = _Turn()
        self._stopping = self._open
        self._pause_until_ms = end_ms + self._gap_ms
        self.deadline = now + self._gap_ms / 1000

    def _committed(self, out: list[SpeechInputEvent]) -> None:
        turn, self._stopping = self._stopping, None
        by_vad = turn is not None
        if turn is None:
            turn = self._open = self._open or _Turn()
        turn.pending += 1
        self._owners.append(turn)
        if not by_vad:  # the client committed: its turn ends here (it knows, no SpeechStopped)
            self._close(out, announce=False)

    # --- the words ------------------------------------------------------------------------------
    def _segment_done(self, text: str | None, out: list[SpeechInputEvent]) -> None:
        """A segment's transcript (None: it failed, the fault went out already)."""
        if not self._owners:  # a transcript of no segment known: a turn of its own
            if text is not None:
                out.append(TranscriptReady(text))
            return
        turn = self._owners.popleft()
        turn.pending -= 1
        if text is not None:
            turn.heard = True
            if text.strip():
                turn.words.append(text.strip())
        self._flush(out)
        waiting = turn is self._open and self._pause_until_ms is not None
        if waiting and not turn.pending and turn.words and not self._tentative:
            self._tentative = True
            out.append(TranscriptTentative(" ".join(turn.words)))

    def _close(self, out: list[SpeechInputEvent], *, announce: bool) -> None:
        """The open turn is over (a tentative transcript of it is now its words)."""
        turn, self._open = self._open, None
        self._pause_until_ms = self.deadline = None
        self._tentative = False
        if turn is None:
            return
        if announce and turn.announced:
            out.append(SpeechStopped())
        self._closed.append(turn)
        self._flush(out)

    def _flush(self, out: list[SpeechInputEvent]) -> None:
        """Each turn that is over and has all its words, in order."""
        while self._closed and not self._closed[0].pending:
            turn = self._closed.popleft()
            if turn.heard:
                out.append(TranscriptReady(" ".join(turn.words)))


class TurnRelay:
    """Hands speech input events to ``put``: through ``PausedTurns`` with early commit
    (``gap_ms``), as they come without it."""

    def __init__(self, put: Callable[[SpeechInputEvent], None], gap_ms: int | None) -> None:
        self._put = put
        self._pauses = PausedTurns(gap_ms) if gap_ms else None
        self._timer: asyncio.TimerHandle | None = None

    def relay(self, event: RealtimeServerEvent | None, mapped: list[SpeechInputEvent]) -> None:
        if self._pauses is None:
            self._put_all(mapped)
            return
        self._put_all(self._pauses.relay(event, mapped, asyncio.get_running_loop().time()))
        self._arm()

    def reconnected(self) -> None:
        if self._pauses is not None:
            self._put_all(self._pauses.reconnected())
            self._arm()

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _arm(self) -> None:
        self.close()
        assert self._pauses is not None
        if self._pauses.deadline is not None:
            loop = asyncio.get_running_loop()
            self._timer = loop.call_at(self._pauses.deadline, self._expire)

    def _expire(self) -> None:
        self._timer = None
        assert self._pauses is not None
        self._put_all(self._pauses.expired(asyncio.get_running_loop().time()))

    def _put_all(self, events: list[SpeechInputEvent]) -> None:
        for event in events:
            self._put(event)

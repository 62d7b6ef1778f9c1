"""Early commit without sockets: upstream pauses and transcripts in, the turns they make out.

Events go through the real ``InputEventMapper`` then ``PausedTurns``, as in the speech input;
time is given by hand (seconds of the event loop's clock), so nothing here waits.
"""

from __future__ import annotations

import itertools
from typing import Any

from openai.types.realtime import RealtimeServerEvent
from pydantic import TypeAdapter

from scenario_engine.engines.base import (
    InputFault,
    SpeechInputEvent,
    SpeechStarted,
    SpeechStopped,
    TentativeWithdrawn,
    TranscriptReady,
    TranscriptTentative,
)
from scenario_engine.engines.openai.events import InputEventMapper
from scenario_engine.engines.openai.pause_turns import PausedTurns

_parse = TypeAdapter(RealtimeServerEvent).validate_python
GAP_MS = 300
"""Turn silence 500 ms, upstream VAD at 200 ms."""


class Upstream:
    """A Realtime transcription session's events for the learner's audio, fed through."""

    def __init__(self) -> None:
        self.mapper = InputEventMapper()
        self.turns = PausedTurns(GAP_MS)
        self._items = itertools.count(1)
        self.item = ""

    def _feed(self, now: float, **fields: Any) -> list[SpeechInputEvent]:
        event = _parse({"event_id": "event_1", **fields})
        return self.turns.relay(event, self.mapper.feed(event), now)

    def started(self, now: float, audio_ms: int) -> list[SpeechInputEvent]:
        self.item = f"item_{next(self._items)}"
        return self._feed(now, type="input_audio_buffer.speech_started",
                          audio_start_ms=audio_ms, item_id=self.item)

    def paused(self, now: float, audio_ms: int) -> list[SpeechInputEvent]:
        """speech_stopped (``audio_ms`` includes the early silence), then the commit."""
        out = self._feed(now, type="input_audio_buffer.speech_stopped", audio_end_ms=audio_ms,
                         item_id=self.item)
        return out + self.committed(now, self.item)

    def committed(self, now: float, item: str) -> list[SpeechInputEvent]:
        return self._feed(now, type="input_audio_buffer.committed", item_id=item,
                          previous_item_id=None)

    def transcript(self, now: float, item: str, text: str) -> list[SpeechInputEvent]:
        return self._feed(now, type="conversation.item.input_audio_transcription.completed",
                          item_id=item, content_index=0, transcript=text,
                          usage={"type": "duration", "seconds": 1.0})

    def failed(self, now: float, item: str) -> list[SpeechInputEvent]:
        return self._feed(now, type="conversation.item.input_audio_transcription.failed",
                          item_id=item, content_index=0,
                          error={"type": "server_error", "code": "x", "message": "no",
                                 "param": None})


def test_a_pause_shorter_than_the_turn_silence_joins_the_words_into_one_turn() -> None:
    up = Upstream()
    assert up.started(0.0, 300) == [SpeechStarted()]
    assert up.paused(1.2, 1200) == []  # the pause is not shown
    assert up.transcript(1.25, "item_1", "I want to") == [TranscriptTentative("I want to")]
    assert up.started(1.3, 1300) == [TentativeWithdrawn()]  # within the gap: the same turn
    assert up.turns.deadline is None
    assert up.paused(2.0, 2000) == []
    assert up.transcript(2.05, "item_2", "check in") == [TranscriptTentative("I want to check in")]
    assert up.turns.expired(2.29) == []
    assert up.turns.expired(2.3) == [SpeechStopped(), TranscriptReady("I want to check in")]


def test_the_turn_ends_once_the_gap_ran_out_and_its_words_follow() -> None:
    up = Upstream()
    up.started(0.0, 300)
    up.paused(1.0, 1000)
    assert up.turns.deadline == 1.0 + GAP_MS / 1000
    assert up.turns.expired(1.3) == [SpeechStopped()]  # the transcript is still to come
    assert up.transcript(1.4, "item_1", "I am at a hotel") == [TranscriptReady("I am at a hotel")]
    assert up.started(3.0, 3000) == [SpeechStarted()]  # the next turn


def test_speech_after_the_gap_is_a_new_turn_even_before_the_clock_ran() -> None:
    """Audio sent faster than real time: its own timeline says the pause was long."""
    up = Upstream()
    up.started(0.0, 300)
    up.paused(0.01, 1000)
    up.transcript(0.02, "item_1", "I am at a hotel")
    assert up.started(0.03, 1000 + GAP_MS + 10) == [
        SpeechStopped(), TranscriptReady("I am at a hotel"), SpeechStarted()
    ]


def test_a_late_event_first_ends_the_turn_whose_gap_ran_out() -> None:
    up = Upstream()
    up.started(0.0, 300)
    up.paused(1.0, 1000)
    up.transcript(1.1, "item_1", "the receptionist")
    # The timer has not fired yet (a busy loop); the next event comes after the deadline.
    assert up.started(1.5, 1100) == [
        SpeechStopped(), TranscriptReady("the receptionist"), SpeechStarted()
    ]


def test_a_failed_segment_is_reported_and_the_others_words_are_kept() -> None:
    up = Upstream()
    up.started(0.0, 300)
    up.paused(1.0, 1000)
    up.started(1.1, 1100)
    up.paused(2.0, 2000)
    failed = up.failed(2.05, "item_1")
    assert len(failed) == 1 and isinstance(failed[0], InputFault)
    assert failed[0].code == "transcription_failed"
    assert up.transcript(2.1, "item_2", "a hotel") == [TranscriptTentative("a hotel")]
    assert up.turns.expired(2.3) == [SpeechStopped(), TranscriptReady("a hotel")]


def test_a_turn_whose_only_segment_failed_has_no_transcript() -> None:
    up = Upstream()
    up.started(0.0, 300)
    up.paused(1.0, 1000)
    assert up.turns.expired(1.3) == [SpeechStopped()]
    assert [type(e) for e in up.failed(1.4, "item_1")] == [InputFault]


def test_a_blank_transcript_is_still_the_turns_answer() -> None:
    up = Upstream()
    up.started(0.0, 300)
    up.paused(1.0, 1000)
    assert up.transcript(1.1, "item_1", " ") == []  # no words: nothing to answer early
    assert up.turns.expired(1.3) == [SpeechStopped(), TranscriptReady("")]


def test_turns_complete_in_order_when_the_next_one_starts_first() -> None:
    up = Upstream()
    up.started(0.0, 300)
    up.paused(1.0, 1000)
    assert up.turns.expired(1.3) == [SpeechStopped()]
    assert up.started(1.4, 1400) == [SpeechStarted()]
    up.paused(2.0, 2000)
    assert up.transcript(2.1, "item_2", "the receptionist") == []  # waits for item_1
    assert up.transcript(2.2, "item_1", "I am at a hotel") == [
        TranscriptReady("I am at a hotel"), TranscriptTentative("the receptionist")
    ]


def test_a_reconnect_keeps_the_words_and_reopens_the_turn_for_the_replayed_audio() -> None:
    up = Upstream()
    up.started(0.0, 300)
    up.paused(1.0, 1000)
    up.transcript(1.05, "item_1", "I want to")
    up.started(1.1, 1100)
    up.paused(2.0, 2000)  # item_2's transcript is lost with the socket
    up.mapper.forget_pending()
    assert up.turns.reconnected() == []
    assert up.turns.deadline is None
    # The new session hears the replayed audio of item_2 (its own timeline starts at 0).
    assert up.started(2.5, 300) == []  # the client saw this turn start already
    up.paused(3.0, 1000)
    assert up.transcript(3.1, "item_3", "check in") == [TranscriptTentative("I want to check in")]
    assert up.turns.expired(3.3) == [SpeechStopped(), TranscriptReady("I want to check in")]


def test_a_reconnect_during_the_verdict_on_a_pause_keeps_it() -> None:
    """Nothing of the turn is left to replay: the deadline alone ends it."""
    up = Upstream()
    up.started(0.0, 300)
    up.paused(1.0, 1000)
    up.transcript(1.05, "item_1", "I am at a hotel")
    up.mapper.forget_pending()
    assert up.turns.reconnected() == []  # the tentative words still stand
    assert up.turns.deadline == 1.0 + GAP_MS / 1000
    assert up.turns.expired(1.3) == [SpeechStopped(), TranscriptReady("I am at a hotel")]


def test_speech_before_the_deadline_after_a_reconnect_is_the_same_turn() -> None:
    up = Upstream()
    up.started(0.0, 300)
    up.paused(1.0, 1000)
    up.transcript(1.05, "item_1", "I want to")
    up.mapper.forget_pending()
    up.turns.reconnected()
    assert up.started(1.2, 50) == [TentativeWithdrawn()]  # the new session's own timeline
    up.paused(2.0, 900)
    up.transcript(2.05, "item_2", "check in")
    assert up.turns.expired(2.3) == [SpeechStopped(), TranscriptReady("I want to check in")]


def test_a_client_commit_ends_its_turn_at_once() -> None:
    up = Upstream()
    up.started(0.0, 300)
    assert up.committed(0.8, "item_9") == []
    assert up.transcript(0.9, "item_9", "I am at a hotel") == [TranscriptReady("I am at a hotel")]

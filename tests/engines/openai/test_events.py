"""The pure parts of the speech input: session payload, event mapping, kept audio. No sockets."""

from __future__ import annotations

import base64
import json
from typing import Any

from openai.types.realtime import RealtimeServerEvent
from pydantic import TypeAdapter

from scenario_engine.engines.base import InputFault, SpeechStarted, TranscriptReady
from scenario_engine.engines.openai.events import (
    CLEAR_EVENT,
    COMMIT_EVENT,
    InputEventMapper,
    append_event,
    transcription_session,
    turn_detection,
)
from scenario_engine.engines.openai.input_audio import MAX_KEPT_BYTES, TurnAudio
from tests.fake_openai.schemas import schema_errors

_parse = TypeAdapter(RealtimeServerEvent).validate_python


def server(**fields: Any) -> RealtimeServerEvent:
    event = {"event_id": "event_1", **fields}
    return _parse(event)


def completed(item_id: str, text: str) -> RealtimeServerEvent:
    return server(type="conversation.item.input_audio_transcription.completed", item_id=item_id,
                  content_index=0, transcript=text, usage={"type": "duration", "seconds": 1.0})


def test_the_session_payload_matches_the_official_schema_for_every_turn_detection() -> None:
    detections = [None, turn_detection("server_vad", 300, "auto"),
                  *(turn_detection("semantic_vad", 500, e) for e in ("auto", "low", "high"))]
    for detection in detections:
        event = {"type": "session.update",
                 "session": transcription_session("gpt-4o-transcribe", detection, "en")}
        assert schema_errors("RealtimeClientEventSessionUpdate", event) == []
    assert turn_detection("server_vad", 300, "high") == {"type": "server_vad",
                                                         "silence_duration_ms": 300}
    assert turn_detection("semantic_vad", 300, "high") == {"type": "semantic_vad",
                                                           "eagerness": "high"}


def test_the_prebuilt_audio_buffer_events_match_the_official_schemas() -> None:
    append = json.loads(append_event(base64.b64encode(b"\x00\x01" * 240).decode()))
    assert schema_errors("RealtimeClientEventInputAudioBufferAppend", append) == []
    commit, clear = json.loads(COMMIT_EVENT), json.loads(CLEAR_EVENT)
    assert schema_errors("RealtimeClientEventInputAudioBufferCommit", commit) == []
    assert schema_errors("RealtimeClientEventInputAudioBufferClear", clear) == []


def test_transcripts_wait_for_earlier_turns() -> None:
    mapper = InputEventMapper()
    for item in ("a", "b"):
        mapper.feed(server(type="input_audio_buffer.committed", item_id=item,
                           previous_item_id=None))
    assert mapper.feed(completed("b", "second")) == []
    assert mapper.feed(completed("a", "first")) == [
        TranscriptReady("first"), TranscriptReady("second")
    ]


def test_a_blank_transcript_is_an_empty_turn_and_a_failed_one_is_a_fault() -> None:
    mapper = InputEventMapper()
    for item in ("a", "b"):
        mapper.feed(server(type="input_audio_buffer.committed", item_id=item))
    assert mapper.feed(completed("a", "  ")) == [TranscriptReady("")]
    failed = server(type="conversation.item.input_audio_transcription.failed", item_id="b",
                    content_index=0, error={"code": "x", "message": "y"})
    assert [type(e) for e in mapper.feed(failed)] == [InputFault]


def test_error_events_map_to_stable_codes_without_upstream_text() -> None:
    mapper = InputEventMapper()
    error = server(type="error", error={"type": "invalid_request_error", "message": "secret text",
                                        "code": "input_audio_buffer_commit_empty"})
    [fault] = mapper.feed(error)
    assert fault == InputFault("input_audio_commit_empty", fault.message, fatal=False)
    assert "secret text" not in fault.message
    assert mapper.feed(server(type="input_audio_buffer.speech_started", audio_start_ms=0,
                              item_id="i")) == [SpeechStarted()]


def test_turn_audio_replays_what_was_not_transcribed() -> None:
    audio = TurnAudio()
    audio.add("A", 10)
    audio.commit_tail()
    audio.committed("item_a")
    audio.add("B", 10)
    audio.committed("item_b")  # server VAD committed the tail
    audio.add("C", 10)
    audio.transcribed("item_a")

    assert audio.replay() == [("B", True), ("C", False)]
    audio.committed("new_b")  # the new session's id for the replayed turn
    audio.transcribed("new_b")
    assert audio.replay() == [("C", False)]


def test_turn_audio_is_bounded() -> None:
    audio = TurnAudio()
    for _ in range(3):
        audio.add("x", MAX_KEPT_BYTES // 2)
    assert len(audio.replay()) == 2

"""The fake peer's Realtime WebSocket: one transcription session per connection.

Speaks the GA wire protocol (``session.created`` / ``session.update`` / ``session.updated``,
``input_audio_buffer.*``, server VAD, ``conversation.item.input_audio_transcription.*``).
Every event in either direction goes through the schema checker.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import itertools
import json
import time
from collections.abc import Callable, Coroutine
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from tests.fake_openai.latency import LatencyModel
from tests.fake_openai.schemas import WireChecker
from tests.fake_openai.script import RealtimeScript
from tests.fake_openai.vad import EnergyVad, VadStarted, VadStopped

_ids = itertools.count(1)


def _new_id(prefix: str) -> str:
    return f"{prefix}_{next(_ids):06d}"


def default_session() -> dict[str, Any]:
    """What a new transcription session looks like (``transcription`` left out: see SOURCE.md)."""
    return {
        "type": "transcription",
        "id": _new_id("sess"),
        "object": "realtime.transcription_session",
        "expires_at": int(time.time()) + 3600,
        "audio": {
            "input": {
                "format": {"type": "audio/pcm", "rate": 24000},
                "turn_detection": {
                    "type": "server_vad",
                    "threshold": 0.5,
                    "prefix_padding_ms": 300,
                    "silence_duration_ms": 500,
                },
            }
        },
    }


class RealtimePeerSession:
    """Serves one accepted WebSocket until it closes or a test drops it."""

    def __init__(self, ws: WebSocket, script: RealtimeScript, checker: WireChecker,
                 latency: Callable[[], LatencyModel] = LatencyModel) -> None:
        self.ws = ws
        self._latency = latency
        self.script = script
        self.checker = checker
        self.session = default_session()
        self.vad = EnergyVad()
        self.last_item_id: str | None = None
        self._speech_item = ""
        self.closed = False
        self._send_lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()

    async def send(self, event: dict[str, Any]) -> None:
        event = {"event_id": _new_id("event"), **event}
        self.checker.check_event("server", event)
        async with self._send_lock:
            await self.ws.send_text(json.dumps(event))

    async def send_error(self, code: str, message: str, error_type: str = "invalid_request_error",
                         event_id: str | None = None) -> None:
        error = {"type": error_type, "code": code, "message": message, "param": None,
                 "event_id": event_id}
        await self.send({"type": "error", "error": error})

    async def drop(self, code: int = 1011) -> None:
        """Fault: end the socket mid-session with a close code the SDK treats as recoverable."""
        await self.ws.close(code=code, reason="fake peer dropped the session")

    async def serve(self) -> None:
        await self.send({"type": "session.created", "session": self.session})
        try:
            while True:
                text = await self.ws.receive_text()
                await self._on_message(text)
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            for task in self._tasks:
                task.cancel()

    async def _on_message(self, text: str) -> None:
        try:
            event = json.loads(text)
        except json.JSONDecodeError:
            self.checker.violations.append(f"client sent invalid JSON: {text[:100]!r}")
            await self.send_error("invalid_json", "Invalid JSON")
            return
        self.script.received.append(event)
        if self.checker.check_event("client", event):
            await self.send_error("invalid_value", "Event does not match the schema",
                                  event_id=event.get("event_id"))
            return
        handler = getattr(self, "_on_" + str(event["type"]).replace(".", "_"), None)
        if handler is not None:
            await handler(event)

    async def _on_session_update(self, event: dict[str, Any]) -> None:
        update = event["session"]
        if update.get("type") != "transcription":
            await self.send_error("invalid_value", "This is a transcription session")
            return
        current = self.session["audio"]["input"]
        for key, value in update.get("audio", {}).get("input", {}).items():
            if value is None and key != "turn_detection":
                current.pop(key, None)
            else:
                current[key] = value
        detection = current.get("turn_detection")
        if detection:
            self.vad = EnergyVad.configured(detection)
        if self.script.update_delay_s:
            await asyncio.sleep(self.script.update_delay_s)
        await self.send({"type": "session.updated", "session": self.session})
        if self.script.drop_after_update_s is not None:
            self._spawn(self._drop_later(self.script.drop_after_update_s))

    async def _drop_later(self, delay_s: float) -> None:
        await asyncio.sleep(delay_s)
        await self.drop()

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _on_input_audio_buffer_append(self, event: dict[str, Any]) -> None:
        try:
            audio = base64.b64decode(event["audio"], validate=True)
        except binascii.Error:
            await self.send_error("invalid_value", "Invalid base64 audio")
            return
        detect = bool(self.session["audio"]["input"].get("turn_detection"))
        for vad_event in self.vad.feed(audio, detect):
            if isinstance(vad_event, VadStarted):
                self._speech_item = _new_id("item")
                await self.send({"type": "input_audio_buffer.speech_started",
                                 "audio_start_ms": vad_event.audio_start_ms,
                                 "item_id": self._speech_item})
            elif isinstance(vad_event, VadStopped):
                await self.send({"type": "input_audio_buffer.speech_stopped",
                                 "audio_end_ms": vad_event.audio_end_ms,
                                 "item_id": self._speech_item})
                await self._committed(self._speech_item, vad_event.segment)

    async def _on_input_audio_buffer_commit(self, event: dict[str, Any]) -> None:
        if self.vad.buffered_ms < 100:
            await self.send_error(
                "input_audio_buffer_commit_empty",
                "Error committing input audio buffer: buffer too small. Expected at least "
                f"100ms of audio, but buffer only has {self.vad.buffered_ms:.2f}ms of audio.",
                event_id=event.get("event_id"),
            )
            return
        await self._committed(_new_id("item"), self.vad.take_all())

    async def _on_input_audio_buffer_clear(self, event: dict[str, Any]) -> None:
        self.vad.take_all()
        await self.send({"type": "input_audio_buffer.cleared"})

    async def _committed(self, item_id: str, audio: bytes) -> None:
        await self.send({"type": "input_audio_buffer.committed",
                         "previous_item_id": self.last_item_id, "item_id": item_id})
        self.last_item_id = item_id
        self._spawn(self._transcribe(item_id, audio))

    async def _transcribe(self, item_id: str, audio: bytes) -> None:
        delay = self.script.transcription_delay_s + self._latency().transcript_after_commit_s
        if delay:
            await asyncio.sleep(delay)
        text = self.script.transcribe(audio)
        try:
            for word in text.split(" ") if text else []:
                await self.send({"type": "conversation.item.input_audio_transcription.delta",
                                 "item_id": item_id, "content_index": 0, "delta": word + " "})
            await self.send({
                "type": "conversation.item.input_audio_transcription.completed",
                "item_id": item_id, "content_index": 0, "transcript": text,
                "usage": {"type": "duration", "seconds": round(len(audio) / 48000, 3)},
            })
        except (WebSocketDisconnect, RuntimeError):
            pass

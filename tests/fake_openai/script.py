"""What the fake peer answers and which faults it injects: the knobs a test turns.

Kept apart from the server code so a test reads as a script ("next chat reply is a 429,
then this JSON") and the server just consumes it.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class HttpFault:
    """One scripted HTTP answer that is not a normal reply.

    ``status``: answer with this status and an OpenAI-shaped error body (429, 500, 401, ...).
    ``stall_s``: wait this long before answering (past the client's timeout).
    ``raw_body``: send this body with status 200 instead of a real reply (invalid JSON...).
    """

    status: int | None = None
    stall_s: float = 0.0
    raw_body: str | None = None


ChatReply = str | dict[str, Any] | HttpFault
"""A plain text answer, a JSON object answer (sent as the message content), or a fault."""

ChatResponder = Callable[[dict[str, Any]], ChatReply]
"""Computes an answer (or a fault) from the request body when no scripted reply is queued."""


def default_chat_responder(request: dict[str, Any]) -> str | dict[str, Any]:
    """JSON-schema requests get an all-null extraction and a question about the place,
    plain ones that question alone."""
    question = "Where are you right now?"
    if request.get("response_format", {}).get("type") == "json_schema":
        return {"place": None, "partner": None, "goal": None, "asks_about": "place",
                "reply": question}
    return question


@dataclass
class StreamGate:
    """Holds the next streamed chat reply before the token where ``marker`` begins, until
    ``release`` is set: a test sees what the service did before the rest was written."""

    marker: str
    reached: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    released_at: float | None = None
    """When the held rest began to go out (monotonic)."""


@dataclass
class ChatScript:
    replies: deque[ChatReply] = field(default_factory=deque)
    responder: ChatResponder = default_chat_responder
    requests: list[dict[str, Any]] = field(default_factory=list)
    gate: StreamGate | None = None
    """Applies to the next streamed reply, once."""
    streams_cut: int = 0
    """Streamed answers the client left before their end (a call it cancelled)."""

    def next_reply(self, request: dict[str, Any]) -> ChatReply:
        self.requests.append(request)
        return self.replies.popleft() if self.replies else self.responder(request)

    @staticmethod
    def content_of(reply: str | dict[str, Any], request: dict[str, Any] | None = None) -> str:
        """The message content: text as is, an object as compact JSON (as the real API
        writes structured output, which the latency model counts in tokens), its keys in
        the order of the request's schema, as strict structured output writes them (keys
        the schema does not name, a scripted broken answer, come last)."""
        if isinstance(reply, str):
            return reply
        order = list(_schema_properties(request or {}))
        ordered = sorted(reply, key=lambda k: order.index(k) if k in order else len(order))
        return json.dumps({key: reply[key] for key in ordered}, separators=(",", ":"))


def _schema_properties(request: dict[str, Any]) -> dict[str, Any]:
    response_format = request.get("response_format") or {}
    properties: dict[str, Any] = (
        response_format.get("json_schema", {}).get("schema", {}).get("properties", {})
    )
    return properties


@dataclass
class SpeechScript:
    """TTS answers: PCM bytes per character of input, sent in chunks with a delay between."""

    faults: deque[HttpFault] = field(default_factory=deque)
    bytes_per_char: int = 480
    chunk_bytes: int = 4800
    chunk_delay_s: float = 0.01
    hold_after_first_chunk: asyncio.Event | None = None
    """If set, the stream pauses after its first chunk until the test sets the event."""
    requests: list[dict[str, Any]] = field(default_factory=list)
    chunks_sent: int = 0


@dataclass
class RealtimeScript:
    """Realtime faults and the transcript table.

    ``transcripts`` maps registered audio (PCM16 24 kHz bytes) to its text: a committed
    buffer is transcribed as the texts of every registered audio it contains, in order.
    """

    transcripts: dict[bytes, str] = field(default_factory=dict)
    unmatched_transcripts: deque[str] = field(default_factory=deque)
    """Texts for committed audio that matches no registered audio, used in order (by hand)."""
    reject_handshakes: int = 0
    """Refuse this many upcoming WebSocket handshakes (HTTP 403)."""
    update_delay_s: float = 0.0
    """Wait before answering ``session.update`` (a stall past the client's timeout)."""
    transcription_delay_s: float = 0.0
    drop_after_update_s: float | None = None
    """Drop every socket this long after it is configured: each reconnect succeeds, then fails."""
    handshakes: int = 0
    auth_headers: list[str] = field(default_factory=list)
    queries: list[dict[str, str]] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)

    def transcribe(self, audio: bytes) -> str:
        found = sorted(
            (position, text)
            for key, text in self.transcripts.items()
            if key and (position := audio.find(key)) >= 0
        )
        if not found and self.unmatched_transcripts:
            return self.unmatched_transcripts.popleft()
        return " ".join(text for _, text in found)

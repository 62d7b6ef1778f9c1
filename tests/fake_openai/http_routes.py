"""The fake peer's HTTP endpoints: chat completions and speech, with scripted faults.

Request bodies are checked against ``CreateChatCompletionRequest`` / ``CreateSpeechRequest``
and the chat reply against ``CreateChatCompletionResponse`` before it is sent. A streamed
reply (``stream: true``) is that same checked completion cut into server-sent chunks, one per
token: the extracted schema file has no stream chunk schema, so the chunks are derived from a
validated whole instead (``chunk_events``) and the SDK's own stream parser reads them.
Delays follow the peer's ``LatencyModel``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import numpy as np
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from tests.fake_openai.latency import LatencyModel, tokens
from tests.fake_openai.schemas import WireChecker
from tests.fake_openai.script import ChatScript, HttpFault, SpeechScript, StreamGate

_ids = itertools.count(1)


def _error_response(status: int) -> Response:
    kinds = {401: "invalid_api_key", 429: "rate_limit_exceeded", 500: "server_error"}
    body = {"error": {"message": f"fake peer answers {status}", "type": "fake_error",
                      "param": None, "code": kinds.get(status, "error")}}
    # retry-after-ms keeps the SDK's own backoff short in tests, as the real API's header does.
    return JSONResponse(body, status_code=status, headers={"retry-after-ms": "10"})


async def _read_json(request: Request, checker: WireChecker, schema: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(await request.body())
    checker.check(schema, body)
    auth = request.headers.get("authorization", "")
    if not auth.startswith("Bearer "):
        checker.violations.append(f"{request.url.path}: no bearer Authorization header")
    return body


async def _apply_fault(fault: HttpFault) -> Response | None:
    if fault.stall_s:
        await asyncio.sleep(fault.stall_s)
    if fault.status is not None:
        return _error_response(fault.status)
    if fault.raw_body is not None:
        return Response(fault.raw_body, media_type="application/json")
    return None


def chat_completion(body: dict[str, Any], content: str) -> dict[str, Any]:
    prompt_tokens = sum(len(str(m.get("content", ""))) // 4 for m in body.get("messages", []))
    completion_tokens = max(1, len(content) // 4)
    return {
        "id": f"chatcmpl-fake{next(_ids):06d}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body["model"],
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content, "refusal": None,
                        "annotations": []},
            "finish_reason": "stop",
            "logprobs": None,
        }],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


def chunk_events(answer: dict[str, Any], body: dict[str, Any]) -> list[dict[str, Any]]:
    """``answer`` (a checked completion) as stream chunks: the role, one chunk per token, the
    finish reason, and the usage when ``stream_options.include_usage`` asked for it."""
    choice = answer["choices"][0]
    head = {"id": answer["id"], "object": "chat.completion.chunk",
            "created": answer["created"], "model": answer["model"]}

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {**head, "choices": [{"index": 0, "delta": delta, "finish_reason": finish,
                                     "logprobs": None}]}

    events = [chunk({"role": "assistant", "content": ""})]
    events += [chunk({"content": token}) for token in tokens(choice["message"]["content"])]
    events.append(chunk({}, choice["finish_reason"]))
    if (body.get("stream_options") or {}).get("include_usage"):
        events.append({**head, "choices": [], "usage": answer["usage"]})
    return events


def make_chat_endpoint(
    script: ChatScript, checker: WireChecker, latency: Callable[[], LatencyModel]
) -> Any:
    async def chat(request: Request) -> Response:
        body = await _read_json(request, checker, "CreateChatCompletionRequest")
        reply = script.next_reply(body)
        if isinstance(reply, HttpFault):
            response = await _apply_fault(reply)
            if response is not None:
                return response
            reply = script.responder(body)
        answer = chat_completion(body, ChatScript.content_of(reply, body))
        checker.check("CreateChatCompletionResponse", answer)
        model = latency()
        if body.get("stream"):
            gate, script.gate = script.gate, None
            return StreamingResponse(_sse(chunk_events(answer, body), model, script, gate),
                                     media_type="text/event-stream")
        await asyncio.sleep(model.chat_seconds(len(tokens(answer["choices"][0]["message"]
                                                                ["content"]))))
        return JSONResponse(answer)

    return chat


async def _sse(
    events: list[dict[str, Any]], model: LatencyModel, script: ChatScript,
    gate: StreamGate | None = None,
) -> AsyncIterator[bytes]:
    """Server-sent events on the model's clock: token n (from 0) is due
    ``chat_first_token_s + n * chat_per_token_s`` after the request, so a late wake-up of
    this event loop delays one token, not every later one (the real service's clock does
    not run on ours); held at ``gate``'s marker (the clock waits with it). A client that
    goes away before the end is counted (``streams_cut``)."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    sent = 0
    written = ""
    try:
        for event in events:
            carries_token = bool(event["choices"] and event["choices"][0]["delta"].get("content"))
            if carries_token and gate is not None:
                written += event["choices"][0]["delta"]["content"]
                if gate.marker in written:
                    gate.reached.set()
                    held = loop.time()
                    await gate.release.wait()
                    start += loop.time() - held
                    gate.released_at, gate = time.monotonic(), None
            if carries_token:
                due = start + model.chat_first_token_s + sent * model.chat_per_token_s
                sent += 1
                if due > loop.time():
                    await asyncio.sleep(due - loop.time())
            yield f"data: {json.dumps(event)}\n\n".encode()
        yield b"data: [DONE]\n\n"
    except (asyncio.CancelledError, GeneratorExit):
        script.streams_cut += 1
        raise


def tone(n_bytes: int, frequency: float = 220.0, amplitude: int = 6000) -> bytes:
    """Synthetic PCM16 24 kHz speech stand-in. Vectorised: the peer makes a reply's whole
    tone before its first byte, and a per-sample loop took 13-31 ms for a question there, on
    top of the latency model's ``speech_first_byte_s``."""
    samples = np.arange(n_bytes // 2, dtype=np.float64)
    wave = amplitude * np.sin(2 * np.pi * frequency * samples / 24000)
    return wave.astype("<i2").tobytes()


def make_speech_endpoint(
    script: SpeechScript, checker: WireChecker, latency: Callable[[], LatencyModel]
) -> Any:
    async def speech(request: Request) -> Response:
        body = await _read_json(request, checker, "CreateSpeechRequest")
        script.requests.append(body)
        if script.faults:
            response = await _apply_fault(script.faults.popleft())
            if response is not None:
                return response
        if body.get("response_format") != "pcm":
            checker.violations.append("speech requested in a format other than pcm")
        pcm = tone(len(body["input"]) * script.bytes_per_char)

        first_byte_s = latency().speech_first_byte_s

        async def chunks() -> AsyncIterator[bytes]:
            if first_byte_s:
                await asyncio.sleep(first_byte_s)
            for start in range(0, len(pcm), script.chunk_bytes):
                if start and script.chunk_delay_s:
                    await asyncio.sleep(script.chunk_delay_s)
                yield pcm[start : start + script.chunk_bytes]
                script.chunks_sent += 1
                if start == 0 and script.hold_after_first_chunk is not None:
                    await script.hold_after_first_chunk.wait()

        return StreamingResponse(chunks(), media_type="audio/pcm")

    return speech

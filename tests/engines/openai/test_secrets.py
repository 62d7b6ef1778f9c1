"""The API key and Authorization headers never reach a log line, an error or an event."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from scenario_engine.config import AppConfig
from scenario_engine.domain.llm import LLMError
from scenario_engine.domain.slots import Slot
from scenario_engine.domain.state import ScenarioState
from scenario_engine.engines.base import SpeechInputUnavailable, SpeechOutputError
from scenario_engine.engines.openai.client import MissingAPIKey
from scenario_engine.engines.openai.engine import OpenAIEngine
from tests.engines.openai.audio import chunks, speech
from tests.engines.openai.conftest import API_KEY
from tests.engines.openai.test_speech_input import is_transcript, next_events
from tests.fake_openai import FakeOpenAI, HttpFault
from tests.observability.log_capture import service_logs


async def test_the_key_never_appears_in_logs_errors_or_events(
    peer: FakeOpenAI, make_config: Callable[..., AppConfig]
) -> None:
    said = speech(400)
    peer.realtime.transcripts[said] = "hello"
    config = make_config(server_vad=False)
    engine = OpenAIEngine(config)
    texts: list[str] = []
    # DEBUG, the most talkative setting: handshake and request headers included.
    with service_logs("debug", config.secrets()) as logs:
        try:
            speech_input = engine.open_speech_input()
            await speech_input.start()
            events = speech_input.events()
            await peer.drop_sessions()  # the reconnect handshake is logged too
            for chunk in chunks(said):
                await speech_input.append_audio(chunk)
            await speech_input.commit()
            texts += map(repr, await next_events(events, is_transcript))
            await peer.send_error("server_error", f"echo Bearer {API_KEY}")
            texts += map(repr, await next_events(events, lambda e: "Fault" in repr(e)))
            await speech_input.aclose()

            peer.chat.replies.extend([HttpFault(status=429)] * 3)
            with pytest.raises(LLMError) as llm_error:
                await engine.llm.turn("x", ScenarioState(), list(Slot))
            peer.speech.faults.extend([HttpFault(status=401)])
            with pytest.raises(SpeechOutputError) as tts_error:
                _ = [c async for c in engine.speech_output.stream("Hi", "en")]
            peer.realtime.reject_handshakes = 1
            with pytest.raises(SpeechInputUnavailable) as start_error:
                await engine.open_speech_input().start()
            texts += [str(llm_error.value), str(tts_error.value), str(start_error.value)]
        finally:
            await engine.aclose()

    assert peer.realtime.auth_headers[0] == f"Bearer {API_KEY}"  # the key did go upstream
    assert "Authorization: [redacted]" in logs.getvalue()  # and the handshake was logged
    for text in [logs.getvalue(), *texts]:
        assert API_KEY not in text
        assert API_KEY[:12] not in text


async def test_a_key_of_any_shape_is_masked_on_every_logger(
    peer: FakeOpenAI, make_config: Callable[..., AppConfig]
) -> None:
    """Not ``sk-``-shaped, and logged by an HTTP library's child logger at DEBUG while the
    upstream answers 401: the root handler masks the exact value."""
    key = "proj_SECRETKEY123abc"
    config = make_config(openai_api_key=key, max_retries=0)
    engine = OpenAIEngine(config)
    peer.chat.replies.extend([HttpFault(status=401)])
    with service_logs("debug", config.secrets()) as logs:
        try:
            with pytest.raises(LLMError) as llm_error:
                await engine.llm.turn("x", ScenarioState(), list(Slot))
        finally:
            await engine.aclose()
        logging.getLogger("some.library.created.late").debug("key: %s", key)
    assert "401" in logs.getvalue()  # the failing request was logged
    for text in [logs.getvalue(), str(llm_error.value)]:
        assert "SECRETKEY" not in text


def test_the_engine_refuses_to_start_without_a_key(
    make_config: Callable[..., AppConfig],
) -> None:
    with pytest.raises(MissingAPIKey):
        OpenAIEngine(make_config(openai_api_key=None))

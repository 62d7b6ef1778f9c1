"""The ``session.ready`` event: which engine serves the session, and its resume token."""

from __future__ import annotations

from scenario_engine.engines.base import Engine
from scenario_engine.protocol import SessionReady
from scenario_engine.protocol.client_events import MAX_SAMPLE_RATE, MIN_SAMPLE_RATE
from scenario_engine.protocol.server_events import EngineDescription


def ready_event(session_id: str, engine: Engine, resume_token: str) -> SessionReady:
    info = engine.info
    return SessionReady(
        session_id=session_id,
        engine=EngineDescription(
            name=info.name,
            speech_input=info.speech_input,
            llm=info.llm,
            speech_output=info.speech_output,
            turn_detection="server_vad" if info.turn_detection == "server_vad" else "manual",
            input_sample_rates=(MIN_SAMPLE_RATE, MAX_SAMPLE_RATE),
            output_sample_rate=engine.speech_output.sample_rate,
        ),
        resume_token=resume_token,
    )

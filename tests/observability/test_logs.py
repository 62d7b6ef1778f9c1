"""Every log line of a session carries its id; no secret and no learner text above DEBUG."""

import io
import json
import logging

from pydantic import SecretStr

from scenario_engine.config import AppConfig
from scenario_engine.observability.logs import configure_logging, redact
from tests.live import live_client, running_server

SECRET = "sk-test-abcdefghijklmnopqrstuvwxyz123456"


def test_redact_masks_keys_and_bearer_tokens() -> None:
    line = f"calling with Authorization: Bearer {SECRET} and api_key={SECRET}"
    assert SECRET not in redact(line)
    assert "abcdefghijklmnop" not in redact(f"key {SECRET}")


async def test_session_lines_hold_the_session_id_and_no_secret() -> None:
    stream = io.StringIO()
    configure_logging("info", "json")
    logging.getLogger().handlers[0].setStream(stream)  # type: ignore[attr-defined]
    config = AppConfig(engine="local", openai_api_key=SecretStr(SECRET))
    learner_text = "I'm at a hotel talking to the receptionist to check in."
    try:
        async with running_server(config) as url:
            async with live_client(url) as client:
                session_id = client.received[0]["session_id"]
                logging.getLogger("scenario_engine.test").warning("key is %s", SECRET)
                await client.say(learner_text)
                await client.until("scenario.completed")
            for _ in range(100):
                if "session ended" in stream.getvalue():
                    break
                await __import__("asyncio").sleep(0.02)
    finally:
        logging.getLogger().handlers.clear()
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    session_lines = [line for line in lines if line["session_id"] is not None]
    assert {line["session_id"] for line in session_lines} == {session_id}
    ended = [line for line in session_lines if line["message"].startswith("session ended")]
    assert ended and ended[0]["outcome"] == "completed" and ended[0]["engine"] == "local"
    text = stream.getvalue()
    assert SECRET not in text
    assert learner_text not in text

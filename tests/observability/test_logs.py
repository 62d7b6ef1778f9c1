"""Every log line of a session carries its id; no secret and no learner text above DEBUG."""

import asyncio
import base64
import json
import logging
import urllib.request
from urllib.parse import quote

from pydantic import SecretStr

from scenario_engine.config import AppConfig
from scenario_engine.observability.logs import Redactor, redact
from scenario_engine.transport.tokens import mint_session_token
from tests.live import EVENT_TIMEOUT_S, authenticated, live_client, running_server
from tests.observability.log_capture import service_logs
from tests.transport.browser import page_url

SECRET = "sk-test-abcdefghijklmnopqrstuvwxyz123456"


def test_redact_masks_keys_and_bearer_tokens() -> None:
    line = f"calling with Authorization: Bearer {SECRET} and api_key={SECRET}"
    assert SECRET not in redact(line)
    assert "abcdefghijklmnop" not in redact(f"key {SECRET}")


async def test_session_lines_hold_the_session_id_and_no_secret() -> None:
    config = AppConfig(engine="local", openai_api_key=SecretStr(SECRET))
    learner_text = "I'm at a hotel talking to the receptionist to check in."
    with service_logs("info", config.secrets()) as stream:
        async with running_server(config) as url:
            async with live_client(url) as client:
                session_id = client.received[0]["session_id"]
                logging.getLogger("scenario_engine.test").warning("key is %s", SECRET)
                await client.say(learner_text)
                await client.until("scenario.completed")
            # The line comes once the server noticed the close: wait for it, generously.
            deadline = asyncio.get_running_loop().time() + EVENT_TIMEOUT_S
            while "session ended" not in stream.getvalue():
                assert asyncio.get_running_loop().time() < deadline, "no 'session ended' line"
                await asyncio.sleep(0.02)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    session_lines = [line for line in lines if line["session_id"] is not None]
    assert {line["session_id"] for line in session_lines} == {session_id}
    ended = [line for line in session_lines if line["message"].startswith("session ended")]
    assert ended and ended[0]["outcome"] == "completed" and ended[0]["engine"] == "local"
    text = stream.getvalue()
    assert SECRET not in text
    assert learner_text not in text


def test_exact_secrets_are_masked_whatever_their_shape() -> None:
    secret, token = "proj_SECRETKEY123abc", "SECRET/TOKEN+1"
    masked = Redactor([secret, token])
    encoded = base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")
    line = f"send headers (b'X-Key', b'{secret}') {encoded} {quote(token, safe='')}"
    assert masked(line) == "send headers (b'X-Key', b'[redacted]') [redacted] [redacted]"
    assert masked("token?token=abc%20def&x=1") == "token?token=[redacted]&x=1"


async def test_client_tokens_never_reach_a_log_line() -> None:
    """Query-string tokens (access log and WebSocket accept line), subprotocol tokens and
    signed session tokens: the lines are written, the tokens are not."""
    token, secret = "s3cr3t-token-XYZ", "backend-secret-QRS"
    config = AppConfig(
        engine="local", auth="on", auth_token=SecretStr(token), auth_secret=SecretStr(secret)
    )
    signed = mint_session_token(secret, 60)
    with service_logs("debug", config.secrets()) as stream:
        async with running_server(config) as url:
            async with live_client(f"{url}?token={token}"):
                pass
            async with live_client(f"{url}?token={signed}"):
                pass
            async with authenticated(url, token):
                pass
            await asyncio.to_thread(_get, page_url(url) + f"?token={token}")
    text = stream.getvalue()
    messages = [json.loads(line)["message"] for line in text.splitlines()]
    assert sum('"WebSocket /ws?token=[redacted]" [accepted]' in m for m in messages) == 2
    assert any("GET /?token=[redacted] HTTP/1.1" in m for m in messages)
    assert token not in text and signed not in text and signed[:40] not in text
    assert base64.urlsafe_b64encode(token.encode()).decode().rstrip("=") not in text


def _get(url: str) -> None:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200


async def test_client_garbage_logs_nothing_at_warning_or_above() -> None:
    """An invalid UTF-8 frame is closed 1007, which is the whole answer: uvicorn logged it
    as an ERROR with a traceback. Writes to a socket its client reset are not news either."""
    with service_logs("info") as stream:
        async with running_server(AppConfig(engine="local")) as url, live_client(url) as client:
            await client.ws.send(b"\xff\xfe{", text=True)
            assert await client.close_code() == 1007
        logging.getLogger("asyncio").warning("socket.send() raised exception.")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    loud = [line for line in lines if line["level"] in ("warning", "error", "critical")]
    assert [line["message"] for line in loud] == [
        "client authentication is off: anyone who can reach 127.0.0.1:8000 can open sessions"
    ]
    utf8 = [line for line in lines if line["message"].startswith("Invalid UTF-8")]
    assert utf8 and utf8[0]["level"] == "info" and "exc" not in utf8[0]

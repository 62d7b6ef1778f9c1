"""Every malformed frame gets its error code over a live socket, and the session goes on."""

import json

import pytest

from scenario_engine.config import AppConfig
from tests.live import live_client, running_server
from tests.protocol.test_parse import BAD_FRAMES

CONFIG = AppConfig(engine="local", max_frame_bytes=4096, max_text_chars=100)


@pytest.mark.parametrize(
    ("frame", "code"), [(f, c) for _, f, c in BAD_FRAMES], ids=[name for name, _, _ in BAD_FRAMES]
)
async def test_bad_frame_gets_error_and_the_dialog_keeps_its_state(
    frame: str | bytes, code: str
) -> None:
    async with running_server(CONFIG) as url, live_client(url) as client:
        await client.say("I'm at the airport")
        assert "airport" in await client.reply()
        await client.send(frame)
        error = await client.next()
        assert error["type"] == "error" and error["code"] == code, error
        await client.say("I am talking to the receptionist to check in.")
        events = await client.until("scenario.completed")
        assert events[-1]["json"]["place"] == "airport"


async def test_frame_far_over_the_limit_is_refused_by_the_server() -> None:
    async with running_server(CONFIG) as url, live_client(url) as client:
        await client.send(json.dumps({"type": "text", "text": "a" * 40_000}))
        with pytest.raises(Exception) as caught:
            await client.next()
        assert getattr(caught.value, "rcvd", None) is not None
        assert caught.value.rcvd.code == 1009  # type: ignore[attr-defined]

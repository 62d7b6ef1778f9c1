"""Client authentication and the Origin allow-list."""

import time

from pydantic import SecretStr
from websockets.typing import Origin, Subprotocol

from scenario_engine.config import AppConfig
from scenario_engine.transport.tokens import mint_session_token, session_token_problem
from tests.live import authenticated, live_client, running_server
from tests.transport.test_limits import _refused

SECRET = "backend-secret"


def test_session_tokens_verify_and_expire() -> None:
    token = mint_session_token(SECRET, 60)
    assert session_token_problem(SECRET, token) is None
    assert session_token_problem("other", token) == "bad session token signature"
    assert session_token_problem(SECRET, mint_session_token(SECRET, 60, now=time.time() - 120)) == (
        "session token expired"
    )
    assert session_token_problem(SECRET, "v1.x.y") == "malformed session token"


async def test_auth_on_requires_a_valid_token() -> None:
    config = AppConfig(
        engine="local", auth="on", auth_token=SecretStr("shared"), auth_secret=SecretStr(SECRET)
    )
    async with running_server(config) as url:
        error, code = await _refused(url)
        assert (error["code"], code) == ("unauthorized", 1008)
        error, code = await _refused(url + "?token=wrong")
        assert (error["code"], code) == ("unauthorized", 1008)
        expired = mint_session_token(SECRET, 1, now=time.time() - 10)
        error, _ = await _refused(url + "?token=" + expired)
        assert error["message"] == "session token expired"
        async with live_client(url + "?token=shared"):
            pass
        async with live_client(url, additional_headers={"Authorization": "Bearer shared"}):
            pass
        async with live_client(url + "?token=" + mint_session_token(SECRET, 60)):
            pass


async def test_a_token_can_travel_as_a_subprotocol_out_of_the_url() -> None:
    """The browser's way: ``Sec-WebSocket-Protocol: scenario-engine, token.<base64url>``;
    the service answers ``scenario-engine``, never the token."""
    config = AppConfig(engine="local", auth="on", auth_token=SecretStr("tök en/+="))
    async with running_server(config) as url:
        async with authenticated(url, "tök en/+=") as client:
            assert client.ws.subprotocol == "scenario-engine"
        error, code = await _refused(
            url, subprotocols=[Subprotocol("scenario-engine"), Subprotocol("token.d3Jvbmc")]
        )
        assert (error["code"], code) == ("unauthorized", 1008)
        error, code = await _refused(url, subprotocols=[Subprotocol("token.%%%")])
        assert (error["code"], code) == ("unauthorized", 1008)


async def test_a_configured_token_is_required_on_loopback_too() -> None:
    """Behind a local proxy every client is loopback: a token set is a token required."""
    config = AppConfig(engine="local", auth_token=SecretStr("shared"))
    assert config.auth_required
    async with running_server(config) as url:
        error, code = await _refused(url)
        assert (error["code"], code) == ("unauthorized", 1008)
        async with authenticated(url, "shared"):
            pass


def test_auth_is_on_by_default_off_loopback() -> None:
    assert not AppConfig(engine="local").auth_required
    assert AppConfig(engine="local", host="0.0.0.0", auth_token=SecretStr("t")).auth_required


async def test_foreign_origins_are_refused_unless_listed() -> None:
    async with running_server(AppConfig(engine="local")) as url:
        error, code = await _refused(url, origin="http://evil.example")
        assert (error["code"], code) == ("origin_not_allowed", 1008)
        host = url.removeprefix("ws://").removesuffix("/ws")
        async with live_client(url, origin=f"http://{host}"):
            pass
        async with live_client(url, origin=f"http://localhost:{host.split(':')[1]}"):
            pass
    listed = AppConfig(engine="local", allowed_origins=["https://app.example"])
    async with running_server(listed) as url, live_client(url, origin="https://app.example"):
        pass


async def test_dns_rebinding_does_not_pass_the_origin_check() -> None:
    """A page of evil.example whose name now resolves to 127.0.0.1 sends Host and Origin
    both ``evil.example:PORT``: only the address the service listens on counts."""
    async with running_server(AppConfig(engine="local")) as url:
        port = int(url.rsplit(":", 1)[1].removesuffix("/ws"))
        rebound = f"ws://evil.example:{port}/ws"
        error, code = await _refused(
            rebound, host="127.0.0.1", port=port, origin=Origin(f"http://evil.example:{port}")
        )
        assert (error["code"], code) == ("origin_not_allowed", 1008)

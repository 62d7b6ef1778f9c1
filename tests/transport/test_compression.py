"""Per-message compression is never negotiated: the audio it would squeeze is base64 PCM."""

from scenario_engine.config import AppConfig
from tests.live import live_client, running_server


async def test_a_client_offering_deflate_gets_plain_frames() -> None:
    async with running_server(AppConfig(engine="local")) as url, live_client(url) as client:
        offered = client.ws.request.headers.get("Sec-WebSocket-Extensions", "")
        assert "permessage-deflate" in offered  # the client library offers it by default
        assert client.ws.protocol.extensions == []

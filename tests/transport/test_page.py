"""The page is served from the package, with types a browser accepts for modules."""

from __future__ import annotations

import re

import httpx

from scenario_engine.config import AppConfig
from tests.live import running_server
from tests.stub_engine import StubEngine
from tests.transport.browser import page_url

MODULE_TYPES = ("text/javascript", "application/javascript")


async def test_page_and_every_file_it_loads_are_served() -> None:
    async with running_server(AppConfig(engine="local"), StubEngine([], {})) as url:
        base = page_url(url)
        async with httpx.AsyncClient(base_url=base) as client:
            page = await client.get("/")
            assert page.status_code == 200
            assert page.headers["content-type"].startswith("text/html")
            assert 'id="mic"' in page.text and 'id="text-input"' in page.text
            assert (await client.get("/healthz")).json()["status"] == "ok"
            scripts = {"main.js"}
            seen: set[str] = set()
            while scripts - seen:
                name = (scripts - seen).pop()
                seen.add(name)
                script = await client.get(f"/{name}")
                assert script.status_code == 200, name
                assert script.headers["content-type"].startswith(MODULE_TYPES), name
                scripts |= set(re.findall(r"""["']\./([\w-]+\.js)["']""", script.text))
            assert {"pcm-worklet.js", "player.js", "connection.js", "i18n.js"} <= seen
            assert (await client.get("/app.css")).headers["content-type"].startswith("text/css")

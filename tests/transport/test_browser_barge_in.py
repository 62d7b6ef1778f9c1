"""Barge-in in the browser: the page's microphone is a WAV whose second sentence starts while
the reply to the first one plays, and the page stops that reply at once.

The far end is the stub engine (loudness turns, scripted transcripts), so the test is about
the service's barge-in and the page's answer to it, not about recognition.
"""

from __future__ import annotations

import json
from pathlib import Path

from playwright.async_api import WebSocket, expect

from scenario_engine.config import AppConfig
from scenario_engine.domain.slots import SlotValues
from tests.engines.local.audio import silence, synthesize, write_wav
from tests.live import running_server
from tests.stub_engine import END_OF_TURN_MS, StubEngine
from tests.transport.browser import chromium, page_url

RATE = 24_000
FIRST, SECOND = "i am at a hotel", "the receptionist, to check in"
EXTRACTIONS = {FIRST: SlotValues(place="hotel"),
               SECOND: SlotValues(partner="receptionist", goal="check in")}
WAIT_MS = 15_000


async def microphone(path: Path) -> Path:
    """First sentence, a pause that ends the turn, then the second sentence ~0.8 s into the
    reply (eSpeak says the question in about two seconds)."""
    pause_s = END_OF_TURN_MS / 1000 + 0.8
    pcm = (silence(0.3, RATE) + await synthesize("I am at a hotel.", RATE) + silence(pause_s, RATE)
           + await synthesize("The receptionist, to check in.", RATE) + silence(1.5, RATE))
    return write_wav(path, pcm, RATE)


async def test_speaking_over_the_reply_stops_its_playback_and_is_the_next_turn(
    tmp_path: Path,
) -> None:
    engine = StubEngine([FIRST, SECOND], EXTRACTIONS)
    mic = await microphone(tmp_path / "mic.wav")
    frames: list[dict[str, object]] = []

    def watch(ws: WebSocket) -> None:
        ws.on("framereceived", lambda payload: frames.append(json.loads(payload)))

    async with (
        running_server(AppConfig(engine="local"), engine) as url,
        chromium(tmp_path, mic) as browser,
    ):
        page = await browser.new_page()
        page.on("websocket", watch)
        await page.goto(page_url(url))
        await expect(page.locator("body")).to_have_attribute("data-state", "ready", timeout=WAIT_MS)
        await page.evaluate(
            """() => {
                window.seenStates = [];
                new MutationObserver(() => window.seenStates.push(document.body.dataset.state))
                    .observe(document.body, {attributes: true, attributeFilter: ["data-state"]});
            }"""
        )
        await page.click("#mic")
        await expect(page.locator("#scenario")).to_be_visible(timeout=WAIT_MS)
        states = await page.evaluate("window.seenStates")
    kinds = [str(frame["type"]) for frame in frames]
    assert {"type": "response.audio.cancelled", "reason": "barge_in"} in frames, kinds
    cancelled = kinds.index("response.audio.cancelled")
    next_turn = kinds.index("input_audio.transcript", cancelled)
    assert "response.audio.delta" not in kinds[cancelled:next_turn]
    assert frames[next_turn]["transcript"] == SECOND  # the interrupting speech is the next turn
    # The page went from speaking to listening on the event, not after the reply played out.
    changes = [state for i, state in enumerate(states) if i == 0 or states[i - 1] != state]
    speaking = changes.index("speaking")
    assert changes[speaking + 1] == "listening", changes


async def test_the_player_stops_at_once_and_the_next_reply_starts_without_a_gap(
    tmp_path: Path,
) -> None:
    async with (
        running_server(AppConfig(engine="local"), StubEngine([], EXTRACTIONS)) as url,
        chromium(tmp_path) as browser,
    ):
        page = await browser.new_page()
        await page.goto(page_url(url))
        result = await page.evaluate(
            """async () => {
                const { Player } = await import("./player.js");
                const player = new Player(() => {});
                player.unlock();
                await player.context.resume();
                const chunk = new Int16Array(24000).fill(1000);  // 1 s at 24 kHz
                for (let i = 0; i < 3; i += 1) player.enqueue(chunk, 24000);
                player.stop();
                const stopped = { busy: player.busy, playing: player.playing.size };
                player.enqueue(chunk, 24000);
                const lead = player.nextStart - 1 - player.context.currentTime;
                return { stopped, lead };
            }"""
        )
    assert result["stopped"] == {"busy": False, "playing": 0}
    assert result["lead"] < 0.2  # not queued behind the stopped reply's 3 s

"""Headless Debian Chromium driven by Playwright, with a WAV file as its microphone.

Never downloads a browser: it uses /usr/bin/chromium (``scripts/ensure-browser.sh`` installs
it) and skips the calling test, with the reason, where it is not installed.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext, async_playwright

CHROMIUM = Path("/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"

_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]


def require_chromium() -> None:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(
            f"Debian Chromium is not installed at {CHROMIUM}: "
            "run scripts/ensure-browser.sh as root (apt-get install -y chromium)"
        )


@asynccontextmanager
async def chromium(
    profile: Path, microphone: Path | None = None, *, allow_microphone: bool = True
) -> AsyncIterator[BrowserContext]:
    """A fresh phone-sized browser; ``microphone`` is a WAV played once as the capture device.

    An uncaught script error in any page fails the test that used the browser.
    """
    require_chromium()
    flags = _flags(microphone)
    if not allow_microphone:  # the learner says no to the permission prompt
        flags.remove("--use-fake-ui-for-media-stream")
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=flags,
            viewport=PHONE,
            device_scale_factor=2,
            locale="ko-KR",
        )
        script_errors: list[str] = []
        context.on("weberror", lambda error: script_errors.append(str(error.error)))
        try:
            yield context
        finally:
            await context.close()
        assert not script_errors, f"uncaught errors in the page: {script_errors}"


def _flags(microphone: Path | None) -> list[str]:
    if microphone is None:
        return list(_FLAGS)
    # %noloop: play the file once, then silence (the default loops it forever).
    return [*_FLAGS, f"--use-file-for-fake-audio-capture={microphone.resolve()}%noloop"]


def page_url(ws_url: str) -> str:
    """The page of the server whose WebSocket is ``ws_url``."""
    return ws_url.replace("ws://", "http://", 1).removesuffix("ws")


def artifact(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name

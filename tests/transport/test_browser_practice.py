"""The page's practice flow in headless Chromium: confirm the scenario on its card (tap to fix a
field), Korean help with answers to tap, the role-play, the feedback card; at phone and desktop
sizes, checking from element boxes that no card or line is under the pinned input bar, that
English text is marked ``lang="en"``, and that every text has a contrast of at least 4.5:1.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from scenario_engine.config import AppConfig
from tests.cli.wav_files import spoken_wav
from tests.live import running_server
from tests.transport.browser import artifact, chromium, page_url

LOCAL = AppConfig(engine="local")
WAIT_MS = 15_000
DESKTOP = {"width": 1280, "height": 800}
SIZES = {"phone": None, "desktop": DESKTOP}

_OVERLAP = """() => {
    const bar = document.getElementById("controls").getBoundingClientRect();
    const hidden = [];
    for (const id of ["scenario", "feedback"]) {
        const card = document.getElementById(id);
        if (card.hidden) continue;
        const box = card.getBoundingClientRect();
        const visible = Math.min(box.bottom, bar.top) - Math.max(box.top, 0);
        const fits = Math.min(box.height, bar.top);
        if (box.bottom > bar.top + 1 && visible < fits - 1) hidden.push(id);
    }
    return hidden;
}"""
"""Cards in the page whose box reaches under the input bar while they could fit above it."""

_ENGLISH_WITHOUT_LANG = """() => [...document.querySelectorAll(
        ".turn .text, .help .chip, #slot-place, #slot-partner, #slot-goal, .corrections .said, "
        + ".corrections .better, #feedback-summary, #feedback-well, #roleplay-scene")]
    .filter((el) => el.textContent.trim() && !/[\\uac00-\\ud7a3]/.test(el.textContent)
                    && el.closest("[lang]").lang !== "en")
    .map((el) => el.textContent)"""

_LOW_CONTRAST = """() => {
    const rgb = (text) => text.match(/[\\d.]+/g).map(Number);
    const lum = ([r, g, b]) => [r, g, b].map((v) => v / 255)
        .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
        .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
    const background = (el) => {
        for (let node = el; node; node = node.parentElement) {
            const color = getComputedStyle(node).backgroundColor;
            if (rgb(color)[3] !== 0) return rgb(color);
        }
        return [255, 255, 255];
    };
    const low = [];
    for (const el of document.querySelectorAll("body *")) {
        const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
        if (!own || el.closest("[hidden]") || el.closest(":disabled")) continue;
        if (!el.getClientRects().length) continue;
        const fg = lum(rgb(getComputedStyle(el).color)), bg = lum(background(el));
        const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
        if (ratio < 4.5) low.push(`${el.tagName}.${el.className}: ${ratio.toFixed(2)}`);
    }
    return low;
}"""


async def _check_page(page: Page, moment: str) -> None:
    assert await page.evaluate(_OVERLAP) == [], f"a card is under the input bar ({moment})"
    assert await page.evaluate(_ENGLISH_WITHOUT_LANG) == [], f"English without lang ({moment})"
    for scheme in ("dark", "light"):
        await page.emulate_media(color_scheme=scheme)
        low = await page.evaluate(_LOW_CONTRAST)
        assert low == [], f"text under 4.5:1 ({moment}, {scheme})"


async def _type(page: Page, text: str) -> None:
    await expect(page.locator("#text-input")).to_be_enabled(timeout=WAIT_MS)
    await page.fill("#text-input", text)
    await page.press("#text-input", "Enter")


async def _reply(page: Page, count: int) -> None:
    """Wait until the service has said ``count`` lines."""
    await expect(page.locator(".turn.service")).to_have_count(count, timeout=WAIT_MS)


@pytest.mark.parametrize("size", list(SIZES))
async def test_a_typed_practice_from_scenario_to_feedback(tmp_path: Path, size: str) -> None:
    async with running_server(LOCAL) as url, chromium(tmp_path) as browser:
        page = await browser.new_page()
        if SIZES[size]:
            await page.set_viewport_size(SIZES[size])
        await page.goto(page_url(url))
        await expect(page.locator("body")).to_have_attribute("data-state", "ready", timeout=WAIT_MS)
        await expect(page.locator(".note")).to_have_text(
            "말은 영어로 해 주세요. 입력은 한국어도 괜찮아요."
        )
        await _type(page, "I'm at a hotel")
        await _reply(page, 1)
        help_box = page.locator(".help").last
        translation = help_box.locator(".translation")
        await expect(translation).to_have_text("hotel에서 누구와 이야기하나요?")
        await help_box.locator(".chip", has_text="The receptionist.").click()
        await _reply(page, 2)
        await _type(page, "체크아웃하고 싶어요")
        card = page.locator("#scenario")
        await expect(card).to_be_visible(timeout=WAIT_MS)
        await expect(card).to_be_focused()
        await expect(page.locator("#scenario-title")).to_have_text("이 시나리오가 맞나요?")
        await expect(page.locator("#slot-goal")).to_have_text("check out")
        await page.wait_for_timeout(300)  # smooth scrolling, if any, is over
        await page.screenshot(path=artifact(f"practice-proposed-{size}.png"), full_page=False)
        await _check_page(page, "proposed")

        await page.click("#slot-goal .slot")  # tap the goal to fix it
        await page.fill("#slot-goal .slot-edit", "check in")
        await page.press("#slot-goal .slot-edit", "Enter")
        await expect(page.locator("#slot-goal .slot")).to_have_text("check in", timeout=WAIT_MS)
        await page.click("#confirm")

        await expect(page.locator("#roleplay")).to_be_visible(timeout=WAIT_MS)
        scene = page.locator("#roleplay-scene")
        await expect(scene).to_have_text("hotel · receptionist · check in")
        partner = page.locator(".turn.service .speaker", has_text="receptionist")
        await expect(partner).to_have_count(1, timeout=WAIT_MS)  # the opening line
        for turn, lines in (("I want check in.", 2), ("My name is Kim.", 3)):
            await _type(page, turn)
            await expect(partner).to_have_count(lines, timeout=WAIT_MS)
        await _check_page(page, "role-play")
        await page.click("#end-roleplay")

        feedback = page.locator("#feedback")
        await expect(feedback).to_be_visible(timeout=WAIT_MS)
        await expect(feedback).to_be_focused()
        await expect(page.locator("#roleplay")).to_be_hidden()
        await expect(page.locator(".corrections .better").first).to_have_text("I want to check in.")
        await expect(page.locator(".corrections .why").first).to_contain_text("to를 붙여요")
        # "done" once every reply has played (typed turns come faster than eSpeak speaks).
        await expect(page.locator("body")).to_have_attribute("data-state", "done", timeout=90_000)
        await expect(page.locator("#status-text")).to_have_text(
            "롤플레이를 마쳤어요! 피드백을 확인하세요."
        )
        await expect(page.locator("#text-input")).to_be_disabled()
        await expect(page.locator("#mic")).to_be_disabled()
        await page.wait_for_timeout(300)
        await page.screenshot(path=artifact(f"practice-feedback-{size}.png"), full_page=False)
        await _check_page(page, "feedback")
        assert await page.locator(".notice.error").count() == 0


@pytest.mark.parametrize("size", list(SIZES))
async def test_a_spoken_role_play_with_feedback(tmp_path: Path, size: str) -> None:
    """The scenario by voice, then role-play turns by voice (the fake microphone plays one
    file: the set-up sentence, a pause, then the role-play answers)."""
    microphone = await spoken_wav(
        tmp_path / "mic.wav", "I am at a hotel and I want to check in with the receptionist."
    )
    async with running_server(LOCAL) as url, chromium(tmp_path, microphone) as browser:
        page = await browser.new_page()
        if SIZES[size]:
            await page.set_viewport_size(SIZES[size])
        await page.goto(page_url(url))
        await expect(page.locator("body")).to_have_attribute("data-state", "ready", timeout=WAIT_MS)
        await page.click("#mic")
        await expect(page.locator("#mic")).to_have_attribute("aria-pressed", "true")
        level = await page.evaluate(
            """() => new Promise((done) => {
                let top = 0;
                const started = performance.now();
                const timer = setInterval(() => {
                    const value = parseFloat(getComputedStyle(document.getElementById("mic"))
                        .getPropertyValue("--level")) || 0;
                    top = Math.max(top, value);
                    if (top > 0.05 || performance.now() - started > 4000) {
                        clearInterval(timer);
                        done(top);
                    }
                }, 50);
            })"""
        )
        assert level > 0.05, "the listening level never moved while speech played"
        assert await page.locator("#level").is_visible()
        await expect(page.locator("#scenario")).to_be_visible(timeout=WAIT_MS)
        await expect(page.locator("#slot-place")).to_have_text("hotel")
        await page.click("#confirm")
        await expect(page.locator("#roleplay")).to_be_visible(timeout=WAIT_MS)
        await _type(page, "I have reservation.")
        partner = page.locator(".turn.service .speaker", has_text="receptionist")
        await expect(partner).to_have_count(2, timeout=WAIT_MS)
        await page.click("#end-roleplay")
        await expect(page.locator("#feedback")).to_be_visible(timeout=WAIT_MS)
        await expect(page.locator(".corrections .better").first).to_have_text(
            "I have a reservation."
        )
        await expect(page.locator("#mic")).to_have_attribute("aria-pressed", "false")
        await expect(page.locator("#mic")).to_be_disabled()
        await page.wait_for_timeout(300)
        await page.screenshot(path=artifact(f"practice-spoken-{size}.png"), full_page=True)
        await _check_page(page, "spoken feedback")

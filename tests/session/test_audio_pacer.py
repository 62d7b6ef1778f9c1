"""AudioPacer: frames in order, none lost; none while held; a lead paces them (lower bounds
only: a loaded machine can make a pacer late, never early)."""

from __future__ import annotations

import asyncio
import time

from scenario_engine.session.audio_pacer import AudioPacer


async def test_without_a_lead_every_frame_goes_at_once_in_order() -> None:
    sent: list[str] = []

    async def send(frame: str) -> None:
        sent.append(frame)

    pacer = AudioPacer(send, None)
    for index in range(5):
        pacer.put(f"f{index}", 0.5)
    pacer.close()
    await asyncio.wait_for(pacer.send_all(), 5)
    assert sent == ["f0", "f1", "f2", "f3", "f4"]
    assert pacer.first_sent_at is not None
    assert pacer.plays_until >= pacer.first_sent_at + 2.5  # five half seconds to play


async def test_a_lead_keeps_the_client_at_most_that_far_ahead_of_playback() -> None:
    sent: list[float] = []

    async def send(frame: str) -> None:
        sent.append(time.monotonic())

    pacer = AudioPacer(send, 0.1)
    for _ in range(4):
        pacer.put("frame", 0.1)
    pacer.close()
    await asyncio.wait_for(pacer.send_all(), 5)
    assert len(sent) == 4
    # Frame n may leave once n * 0.1 s has played, less the 0.1 s lead.
    for index, at in enumerate(sent):
        assert at - sent[0] >= (index - 1) * 0.1 - 0.005


async def test_a_held_pacer_sends_nothing_until_resumed_then_all_of_it() -> None:
    sent: list[str] = []

    async def send(frame: str) -> None:
        sent.append(frame)

    pacer = AudioPacer(send, 0.25, held=True)
    sending = asyncio.create_task(pacer.send_all())
    pacer.put("a", 0.1)
    pacer.put("b", 0.1)
    await asyncio.sleep(0.05)
    assert sent == []
    pacer.resume()
    await asyncio.sleep(0.05)
    assert sent == ["a", "b"]
    pacer.hold()
    pacer.put("c", 0.1)
    pacer.close()
    await asyncio.sleep(0.05)
    assert sent == ["a", "b"] and not sending.done()
    pacer.resume()
    await asyncio.wait_for(sending, 5)
    assert sent == ["a", "b", "c"]

"""``scenario-engine talk`` as a learner runs it: a subprocess against a live server.

The far end is the stub engine (loudness turns, scripted transcripts and slots), so each test
checks what the CLI sends and shows, not how well a recognizer hears eSpeak.
"""

from __future__ import annotations

import asyncio
import json
import sys
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from scenario_engine.config import AppConfig
from scenario_engine.domain import phrasing
from scenario_engine.domain.slots import SlotValues
from tests.cli.wav_files import spoken_wav, write_wav
from tests.live import running_server
from tests.stub_engine import StubEngine
from tests.tcp_relay import tcp_relay

CONFIG = AppConfig(engine="local")
QUESTION = "Who will you talk to at the hotel?"
FINAL = phrasing.final_text(SlotValues("hotel", "receptionist", "check in"))
HOTEL = {"place": "hotel", "conversation_partner": "receptionist", "conversation_goal": "check in"}
CHECK_IN = "I'm at a hotel talking to the receptionist to check in."
EXTRACTIONS = {
    "i am at a hotel": SlotValues(place="hotel"),
    "the receptionist to check in": SlotValues(partner="receptionist", goal="check in"),
    CHECK_IN: SlotValues("hotel", "receptionist", "check in"),
}


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


async def talk(url: str, *args: str, stdin: str | None = None) -> Run:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "scenario_engine", "talk", url, "--timeout", "15", *args,
        stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(
        process.communicate(stdin.encode() if stdin is not None else None), 60
    )
    assert process.returncode is not None
    return Run(process.returncode, out.decode(), err.decode())


def engine(*transcripts: str, server_vad: bool = True) -> StubEngine:
    return StubEngine(list(transcripts), EXTRACTIONS, server_vad=server_vad)


async def test_typed_turns_show_the_dialog_and_the_scenario() -> None:
    async with running_server(CONFIG, engine()) as url:
        run = await talk(url, "--say", "i am at a hotel", "--say", "the receptionist to check in")
    assert run.code == 0, run.stderr
    assert run.stdout.splitlines() == [
        "you: i am at a hotel",
        f"service: {QUESTION}",
        "you: the receptionist to check in",
        f"service: {FINAL}",
        "place:   hotel",
        "partner: receptionist",
        "goal:    check in",
    ]
    assert "[connected: sess_" in run.stderr and "[scenario complete]" in run.stderr


async def test_json_prints_the_scenario_alone() -> None:
    async with running_server(CONFIG, engine()) as url:
        run = await talk(
            url, "--json", "--say", "i am at a hotel", "--say", "the receptionist to check in"
        )
    assert run.code == 0, run.stderr
    assert json.loads(run.stdout) == HOTEL
    assert len(run.stdout.splitlines()) == 1
    assert f"service: {QUESTION}" in run.stderr  # the dialog is still shown, on stderr


async def test_turns_from_standard_input() -> None:
    async with running_server(CONFIG, engine()) as url:
        run = await talk(url, "--json", stdin="i am at a hotel\n\nthe receptionist to check in\n")
    assert run.code == 0, run.stderr
    assert json.loads(run.stdout) == HOTEL


async def test_wav_is_streamed_in_20ms_chunks_at_real_time_pace(tmp_path: Path) -> None:
    # 44.1 kHz stereo 24-bit: the CLI converts it to what the service wants.
    wav = await spoken_wav(tmp_path / "turn.wav", "I'm at a hotel", 44_100, channels=2, bits=24)
    with wave.open(str(wav)) as source:
        seconds = source.getnframes() / source.getframerate()
    stub = engine(CHECK_IN)
    async with running_server(CONFIG, stub) as url:
        run = await talk(url, "--json", "--wav", str(wav))
    assert run.code == 0, run.stderr
    assert json.loads(run.stdout) == HOTEL
    assert "[streaming" in run.stderr and "44100 Hz, 2 channels, 24-bit" in run.stderr
    assert "you (heard): I'm at a hotel talking" in run.stderr
    heard = stub.inputs[0].heard
    sizes = [len(chunk.pcm) for _, chunk in heard.chunks]
    assert sum(size != 960 for size in sizes) <= 1  # 20 ms each; the file's tail may be short
    assert {chunk.sample_rate for _, chunk in heard.chunks} == {24_000}
    assert heard.commits == 0  # server VAD: the pause that follows ends the turn
    first, last = heard.chunks[0][0], heard.chunks[-1][0]
    assert last - first >= seconds * 0.9  # real-time pace, not a burst
    assert heard.total_ms() > seconds * 1000 + 100  # then silence, like an open microphone


async def test_wav_ends_with_a_commit_when_turn_detection_is_manual(tmp_path: Path) -> None:
    wav = await spoken_wav(tmp_path / "turn.wav", "I'm at a hotel", 16_000)
    stub = engine(CHECK_IN, server_vad=False)
    async with running_server(CONFIG, stub) as url:
        run = await talk(url, "--json", "--wav", str(wav))
    assert run.code == 0, run.stderr
    assert json.loads(run.stdout) == HOTEL
    assert "committed the turn" in run.stderr
    heard = stub.inputs[0].heard
    assert heard.commits == 1
    assert heard.total_ms() == pytest.approx(read_seconds(wav) * 1000, abs=25)  # no filler


async def test_spoken_and_typed_turns_keep_their_order(tmp_path: Path) -> None:
    wav = await spoken_wav(tmp_path / "turn.wav", "I am at a hotel")
    stub = engine("i am at a hotel")
    async with running_server(CONFIG, stub) as url:
        run = await talk(url, "--wav", str(wav), "--say", "the receptionist to check in")
    assert run.code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[:4] == [
        "you (heard): i am at a hotel",
        f"service: {QUESTION}",
        "you: the receptionist to check in",
        f"service: {FINAL}",
    ]


async def test_save_replies_writes_each_spoken_reply(tmp_path: Path) -> None:
    replies = tmp_path / "replies"
    async with running_server(CONFIG, engine()) as url:
        run = await talk(
            url, "--save-replies", str(replies),
            "--say", "i am at a hotel", "--say", "the receptionist to check in",
        )  # fmt: skip
    assert run.code == 0, run.stderr
    saved = sorted(replies.iterdir())
    assert [path.name for path in saved] == ["reply-01.wav", "reply-02.wav"]
    for path in saved:
        with wave.open(str(path)) as reply:
            assert (reply.getnchannels(), reply.getsampwidth()) == (1, 2)
            assert reply.getframerate() == 24_000
            assert reply.getnframes() > 24_000 * 0.4  # the question is over a second
        assert f"[saved the reply to {path}" in run.stderr


async def test_a_bad_wav_is_refused_before_connecting(tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("not audio")
    run = await talk("ws://127.0.0.1:9/ws", "--wav", str(bad))
    assert run.code == 2
    assert "is not a WAV file" in run.stderr


async def test_a_dialog_left_incomplete_exits_1_and_says_why() -> None:
    async with running_server(CONFIG, engine()) as url:
        run = await talk(url, "--json", "--say", "i am at a hotel")
    assert run.code == 1
    assert run.stdout == ""
    assert "the scenario is not complete" in run.stderr


async def test_no_server_is_a_one_line_error() -> None:
    run = await talk("ws://127.0.0.1:9/ws", "--say", "hello")
    assert run.code == 1
    assert "cannot talk to ws://127.0.0.1:9/ws" in run.stderr
    assert "Traceback" not in run.stderr


def read_seconds(path: Path) -> float:
    with wave.open(str(path)) as source:
        return source.getnframes() / source.getframerate()


async def test_token_is_sent_when_the_service_requires_one() -> None:
    config = AppConfig(engine="local", auth="on", auth_token="s3cret")
    async with running_server(config, engine()) as url:
        refused = await talk(url, "--say", "i am at a hotel")
        run = await talk(url, "--token", "s3cret", "--json", "--say", CHECK_IN)
    assert refused.code == 1
    assert "[error unauthorized:" in refused.stderr and "code 1008" in refused.stderr
    assert run.code == 0, run.stderr
    assert json.loads(run.stdout) == HOTEL


async def test_timeout_bounds_the_wait_for_an_answer(tmp_path: Path) -> None:
    quiet = write_wav(tmp_path / "quiet.wav", np.zeros(2400), 24_000)  # 0.1 s: no turn at all
    async with running_server(CONFIG, engine()) as url:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "scenario_engine", "talk", url, "--timeout", "1",
            "--wav", str(quiet),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        _, err = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 1
    assert "[no answer from the service within 1 s]" in err.decode()


async def test_a_spoken_dialog_with_the_local_engine(tmp_path: Path) -> None:
    """The whole way: WAV -> VAD -> Whisper -> extractor -> eSpeak, replies saved."""
    spoken = "I am at a hotel and I want to check in with the receptionist."
    wav = await spoken_wav(tmp_path / "turn.wav", spoken)
    async with running_server(CONFIG) as url:
        run = await talk(url, "--json", "--save-replies", str(tmp_path), "--wav", str(wav))
    assert run.code == 0, run.stderr
    assert json.loads(run.stdout) == HOTEL
    heard = next(line for line in run.stderr.splitlines() if line.startswith("you (heard): "))
    # Whisper writes the noun "check-in" on some CPUs and the verb "check in" on others.
    words = heard.lower().replace("-", " ")
    assert "hotel" in words and "check in" in words, heard
    assert (tmp_path / "reply-01.wav").exists()


async def test_talk_resumes_a_dialog_whose_connection_dropped_mid_turn() -> None:
    stub = engine()
    async with running_server(CONFIG, stub) as url, tcp_relay(url) as (relayed, relay):

        def drop_on_second_turn(utterance: str, state: object) -> None:
            if utterance == "the receptionist to check in" and not relay.cuts:
                relay.cut()  # the turn was accepted; its answer never reaches this socket

        stub.llm.on_extract = drop_on_second_turn
        turns = ["--say", "i am at a hotel", "--say", "the receptionist to check in"]
        run = await talk(relayed, *turns)
        assert relay.cuts == 1
    assert run.code == 0, run.stderr
    assert "[resumed sess_" in run.stderr and "2 of your turns kept, 0 to send again" in run.stderr
    lines = run.stdout.splitlines()
    assert lines.count("you: the receptionist to check in") == 1
    assert lines[-3:] == ["place:   hotel", "partner: receptionist", "goal:    check in"]
    assert f"service: {FINAL}" in lines

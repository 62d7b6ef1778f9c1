"""Two instances behind a real nginx, sharing a real Redis: the instance serving a dialog is
killed in the middle of it, and ``scenario-engine talk`` resumes through the proxy on the other
one with every learner turn kept and the scenario completed.

The proxy configuration is the one in docs/deployment.md, read from the page, with this test's
free ports in place of the documented ones.
"""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.services import free_port, metric, nginx, service_instance

DEPLOYMENT = Path(__file__).parents[2] / "docs" / "deployment.md"
TALK_TIMEOUT_S = 90.0


def proxy_config(instance_a: int, instance_b: int) -> str:
    """docs/deployment.md's nginx block for these ports (``{port}``: nginx's own, filled in by
    tests.services.nginx)."""
    block = re.search(r"```nginx\n(.*?)```", DEPLOYMENT.read_text(), re.S)
    assert block is not None, "docs/deployment.md has no nginx block"
    config = block.group(1).replace("{", "{{").replace("}", "}}")
    for documented, port in (("8001", instance_a), ("8002", instance_b), ("8080", "{port}")):
        assert f"127.0.0.1:{documented}" in config, documented
        config = config.replace(f"127.0.0.1:{documented}", f"127.0.0.1:{port}")
    return config


@pytest.fixture
def deployment(
    redis_url: str, tmp_path: Path
) -> Iterator[tuple[int, dict[int, subprocess.Popen[bytes]]]]:
    """nginx on a free port in front of two instances; yields its port and the instances."""
    ports = [free_port(), free_port()]
    with ExitStack() as stack:
        instances = {
            port: stack.enter_context(
                service_instance(port, state_url=redis_url, local_asr_workers="1")
            )
            for port in ports
        }
        proxy = stack.enter_context(nginx(tmp_path, proxy_config(*ports)))
        yield proxy, instances


async def _line_with(stream: asyncio.StreamReader, prefix: str, seen: list[str]) -> str:
    while True:
        raw = await asyncio.wait_for(stream.readline(), TALK_TIMEOUT_S)
        assert raw, f"talk ended before a line starting {prefix!r}: {seen}"
        line = raw.decode().rstrip("\n")
        seen.append(line)
        if line.startswith(prefix):
            return line


async def test_a_killed_instance_s_dialog_resumes_through_the_proxy_on_the_other(
    deployment: tuple[int, dict[int, subprocess.Popen[bytes]]],
) -> None:
    proxy, instances = deployment
    talk = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "scenario_engine", "talk", f"ws://127.0.0.1:{proxy}/ws",
        "--timeout", "30",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert talk.stdin is not None and talk.stdout is not None and talk.stderr is not None
    out: list[str] = []
    talk.stdin.write(b"um i am in the hotel\n")
    await _line_with(talk.stdout, "service: ", out)
    serving = [port for port in instances if metric(port, "scenario_active_sessions") == 1]
    assert len(serving) == 1, serving
    instances[serving[0]].send_signal(signal.SIGKILL)  # no drain, no goodbye, lease left held
    talk.stdin.write(b"the receptionist\n")  # races the death: lost in flight, or stored
    await _line_with(talk.stdout, "service: ", out)
    talk.stdin.write(b"check in\n")
    talk.stdin.close()
    stdout, stderr = await asyncio.wait_for(talk.communicate(), TALK_TIMEOUT_S)
    out += stdout.decode().splitlines()
    assert talk.returncode == 0, (out, stderr.decode())
    assert [line for line in out if line.startswith("you: ")] == [
        "you: um i am in the hotel",
        "you: the receptionist",
        "you: check in",
    ]  # each turn once: none lost, none said twice
    assert out[-3:] == ["place:   hotel", "partner: receptionist", "goal:    check in"]
    assert "[resumed sess_" in stderr.decode()
    other = next(port for port in instances if port != serving[0])
    assert metric(other, 'scenario_resumes_total{outcome="resumed"}') == 1

"""docs/protocol.md and the protocol models must not drift apart."""

import json
import re
import subprocess
import sys
import typing
from pathlib import Path

from pydantic import TypeAdapter

from scenario_engine.domain.dialog import TRANSITIONS
from scenario_engine.domain.dialog_state import Phase
from scenario_engine.protocol import (
    ClientEvent,
    ErrorCode,
    ProtocolError,
    ProtocolLimits,
    ServerEvent,
    parse_client_frame,
)

ROOT = Path(__file__).parents[2]
DOC = (ROOT / "docs" / "protocol.md").read_text()


def _event_types(union: object) -> set[str]:
    members = typing.get_args(typing.get_args(union)[0])
    return {member.model_fields["type"].annotation.__args__[0] for member in members}


def _section(heading: str) -> str:
    return DOC.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]


def _examples(section: str) -> dict[str, dict[str, object]]:
    found = {}
    for name, block in re.findall(r"### `([^`]+)`\n.*?```json\n(.*?)\n```", section, re.S):
        found[name] = json.loads(block)
    return found


def test_every_client_event_is_documented_with_a_valid_example() -> None:
    examples = _examples(_section("Client -> service"))
    assert set(examples) == _event_types(ClientEvent)
    for name, example in examples.items():
        event = parse_client_frame(json.dumps(example), ProtocolLimits())
        assert not isinstance(event, ProtocolError), (name, event)
        assert example["type"] == name


def test_every_server_event_is_documented_with_a_valid_example() -> None:
    examples = _examples(_section("Service -> client"))
    assert set(examples) == _event_types(ServerEvent)
    adapter: TypeAdapter[object] = TypeAdapter(ServerEvent)
    for name, example in examples.items():
        event = adapter.validate_python(example)
        assert event.type == name  # type: ignore[attr-defined]
        assert json.loads(event.model_dump_json(by_alias=True)) == example  # type: ignore[attr-defined]


def test_error_code_table_matches_the_enum() -> None:
    documented = re.findall(r"^\| `([a-z_]+)` \|", _section("Error codes"), re.M)
    assert sorted(documented) == sorted(code.value for code in ErrorCode)


def _catalogue() -> list[list[str]]:
    rows = re.findall(r"^\| (.+) \|$", _section("Bad-input catalogue"), re.M)
    return [row.split(" | ") for row in rows[2:]]  # after the header and its rule


def test_bad_input_catalogue_names_published_codes() -> None:
    codes = {code.value for code in ErrorCode}
    for row in _catalogue():
        answered = re.findall(r"`([a-z_]+)`", row[2])
        assert all(code in codes for code in answered), row


def test_every_catalogue_row_names_a_test_that_exists() -> None:
    """Each row's proof must be a collectable test (parametrized ids included)."""
    node_ids = [row[-1].strip("`") for row in _catalogue()]
    assert len(node_ids) >= 25 and all(node.startswith("tests/") for node in node_ids)
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         *sorted(set(node_ids))],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip
    assert collected.returncode == 0, collected.stdout[-3000:] + collected.stderr[-3000:]
    lines = collected.stdout.splitlines()
    for node in node_ids:
        assert any(line.startswith(node) for line in lines), node


def test_dialog_phase_table_is_the_transition_table() -> None:
    order = list(Phase)
    row = re.compile(r"^\| `([a-z_]+)` \| `([a-z_.]+)` \| (.+) \|$", re.M)
    documented = {
        (Phase(phase), kind): frozenset(Phase(name) for name in re.findall(r"`([a-z_]+)`", targets))
        for phase, kind, targets in row.findall(_section("Dialog phases"))
    }
    assert documented == TRANSITIONS
    assert [order.index(phase) for (phase, _), _ in documented.items()] == sorted(
        order.index(phase) for phase, _ in TRANSITIONS
    )

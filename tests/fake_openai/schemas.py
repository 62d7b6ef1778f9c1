"""Validation of every wire message against the official OpenAI schemas in ``shared/spec``.

The fake peer is only worth something if it speaks exactly the real protocol, so each event
it sends or receives, and each HTTP body, is checked here; a mismatch is recorded as a
violation (the test fixture fails on any) instead of being silently tolerated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

SCHEMA_PATH = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "spec"
    / "openai-realtime-events.schema.json"
)
"""The official schemas, in the project's ``shared/`` folder beside the repository (as in CI);
read from there rather than copied, so there is one source of truth (``shared/spec/SOURCE.md``)."""

if not SCHEMA_PATH.is_file():
    # Fail at collection with the reason, not later as puzzling HTTP 500s from the peer.
    raise FileNotFoundError(
        f"the official OpenAI schemas are expected at {SCHEMA_PATH}: "
        "check out the repository with the project's shared/ folder beside it"
    )


@cache
def _schema_file() -> dict[str, Any]:
    with SCHEMA_PATH.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


@cache
def _validator(name: str) -> Draft202012Validator:
    defs = _schema_file()["$defs"]
    if name not in defs:
        raise KeyError(f"no schema named {name}")
    return Draft202012Validator({"$defs": defs, "$ref": f"#/$defs/{name}"})


@cache
def _event_schema_names(kind: str) -> dict[str, str]:
    """Event ``type`` -> schema name, for ``client_events`` or ``server_events``."""
    data = _schema_file()
    names: dict[str, str] = {}
    for name in data[kind]:
        type_schema = data["$defs"][name]["properties"]["type"]
        for value in type_schema.get("enum", [type_schema.get("const")]):
            names[value] = name
    return names


def schema_errors(name: str, instance: object) -> list[str]:
    """Readable validation errors of ``instance`` against the schema ``name`` (empty: valid)."""
    errors = sorted(_validator(name).iter_errors(instance), key=lambda e: list(e.path))
    return [f"{name}: {'/'.join(map(str, e.path)) or '<root>'}: {e.message[:300]}" for e in errors]


@dataclass
class WireChecker:
    """Collects schema violations seen by one fake server."""

    violations: list[str] = field(default_factory=list)

    def check(self, name: str, instance: object) -> list[str]:
        errors = schema_errors(name, instance)
        self.violations.extend(errors)
        return errors

    def check_event(self, direction: str, event: object) -> list[str]:
        """Validate a Realtime event; ``direction``: ``client`` (received) or ``server`` (sent)."""
        kind = "client_events" if direction == "client" else "server_events"
        event_type = event.get("type") if isinstance(event, dict) else None
        name = _event_schema_names(kind).get(str(event_type))
        if name is None:
            error = f"{direction} event of unknown type {event_type!r}"
            self.violations.append(error)
            return [error]
        return self.check(name, event)

"""The settings reference (docs/configuration.md), generated from AppConfig.

Generated rather than hand-written so the document cannot drift from the code; a test
compares the committed file with this output.
"""

from __future__ import annotations

from scenario_engine.config import AppConfig, environment_name

HEADER = """# Configuration

Every setting comes from the environment, read once at start-up into `AppConfig`
(`src/scenario_engine/config.py`); `scenario-engine serve` flags override the matching
variables. An invalid value stops the service with one line naming the variable.
This page is generated: `scenario-engine settings > docs/configuration.md`.

| variable | default | meaning |
| --- | --- | --- |
"""


def settings_markdown() -> str:
    rows = []
    for name, field in AppConfig.model_fields.items():
        default = "[]" if field.default_factory is not None else field.default
        shown = (
            "—"
            if default is None
            else f"`{str(default).lower() if isinstance(default, bool) else default}`"
        )
        rows.append(f"| `{environment_name(name)}` | {shown} | {field.description or ''} |")
    return HEADER + "\n".join(rows) + "\n"

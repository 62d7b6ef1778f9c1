from pathlib import Path

from scenario_engine.cli.settings_doc import settings_markdown

DOC = Path(__file__).parents[2] / "docs" / "configuration.md"


def test_configuration_doc_is_generated_from_appconfig() -> None:
    assert DOC.read_text() == settings_markdown(), (
        "docs/configuration.md is stale: run `scenario-engine settings > docs/configuration.md`"
    )

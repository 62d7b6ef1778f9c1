"""The session's builder, with the configured answers to a slow or failing model: one
deadline per turn (``TurnDeadline``) and the caps on failed turns (``FailedTurns``)."""

from __future__ import annotations

from scenario_engine.config import AppConfig
from scenario_engine.domain.builder import ScenarioBuilder
from scenario_engine.domain.failed_turns import FailedTurns
from scenario_engine.domain.llm import ScenarioLLM
from scenario_engine.domain.state import ScenarioState
from scenario_engine.session.turn_deadline import TurnDeadline


def bounded_builder(llm: ScenarioLLM, config: AppConfig, state: ScenarioState) -> ScenarioBuilder:
    failed_turns = FailedTurns(
        config.backlog_max_turns, config.backlog_max_chars, config.max_failed_turns
    )
    deadline = TurnDeadline(llm, config.turn_deadline_s)
    return ScenarioBuilder(deadline, config.max_attempts, state, failed_turns)

"""The session's models, with the configured answers to a slow or failing model: one
deadline per turn over every model call of it (``TurnClock``) and the caps on failed turns
(``FailedTurns``)."""

from __future__ import annotations

from dataclasses import dataclass

from scenario_engine.config import AppConfig
from scenario_engine.domain.builder import ScenarioBuilder
from scenario_engine.domain.failed_turns import FailedTurns
from scenario_engine.domain.llm import ScenarioLLM
from scenario_engine.domain.practice import PracticeLLM
from scenario_engine.domain.state import ScenarioState
from scenario_engine.session.turn_deadline import PracticeDeadline, TurnClock, TurnDeadline


@dataclass(frozen=True, slots=True)
class BoundedModels:
    """The builder and the practice models of one session; ``clock`` starts each turn."""

    clock: TurnClock
    builder: ScenarioBuilder
    practice: PracticeLLM


def bounded_models(
    llm: ScenarioLLM, practice: PracticeLLM, config: AppConfig, state: ScenarioState
) -> BoundedModels:
    failed_turns = FailedTurns(
        config.backlog_max_turns, config.backlog_max_chars, config.max_failed_turns
    )
    clock = TurnClock(config.turn_deadline_s)
    builder = ScenarioBuilder(TurnDeadline(llm, clock), config.max_attempts, state, failed_turns)
    return BoundedModels(clock, builder, PracticeDeadline(practice, clock))

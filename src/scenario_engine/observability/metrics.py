"""Prometheus metrics of the service, in a registry owned by one app instance.

A registry per app (rather than the process-global default) lets tests run several apps
in one process and read exact counts.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 0.75, 1.0, 2.0, 5.0, 10.0)

__all__ = ["CONTENT_TYPE_LATEST", "Metrics"]


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.active_sessions = Gauge(
            "scenario_active_sessions", "Sessions connected now.", registry=r
        )
        self.sessions = Counter(
            "scenario_sessions", "Ended sessions by outcome.", ["outcome"], registry=r
        )
        self.turns = Counter("scenario_turns", "Learner turns answered.", ["kind"], registry=r)
        self.follow_ups = Counter(
            "scenario_follow_up_questions", "Follow-up questions asked.", registry=r
        )
        self.fallbacks = Counter(
            "scenario_fallbacks", "Dialogs finished by the fallback extraction.", registry=r
        )
        self.errors = Counter(
            "scenario_errors", "Error events sent to clients, by code.", ["code"], registry=r
        )
        self.barge_ins = Counter(
            "scenario_barge_ins", "Replies stopped because the learner spoke over them.",
            registry=r,
        )
        self.upstream_reconnects = Counter(
            "scenario_upstream_reconnects", "Reconnections of the speech upstream.", registry=r
        )
        self.turn_latency = Histogram(
            "scenario_turn_latency_seconds",
            "End of the learner's turn to the first audio of the reply.",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.recognition = Histogram(
            "scenario_recognition_seconds",
            "End of speech (VAD end or commit) to the transcript.",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.llm = Histogram(
            "scenario_llm_seconds",
            "Model time of one turn (all calls).",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.tts = Histogram(
            "scenario_tts_first_audio_seconds",
            "Text to the first synthesized audio chunk.",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )

    def exposition(self) -> bytes:
        return generate_latest(self.registry)

"""Prometheus metrics of the service, in a registry owned by one app instance.

A registry per app (rather than the process-global default) lets tests run several apps
in one process and read exact counts.

With ``serve --workers N`` the values live in prometheus_client's multiprocess files instead
(``PROMETHEUS_MULTIPROC_DIR``, set by the CLI before the workers start), and ``/metrics``,
whichever worker answers, adds every worker's files up: one scrape, the whole port's truth.
Per-worker ports would need one scrape target per worker, changing with every restart.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 0.75, 1.0, 2.0, 5.0, 10.0)

__all__ = ["CONTENT_TYPE_LATEST", "Metrics"]


class Metrics:
    def __init__(self, multiprocess_dir: str | None = None) -> None:
        self.registry = CollectorRegistry()
        self._multiprocess_dir = multiprocess_dir
        r = self.registry
        self.active_sessions = Gauge(
            "scenario_active_sessions",
            "Sessions connected now.",
            registry=r,
            multiprocess_mode="livesum",  # the workers alive now, added up
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
        self.draft_replies_dropped = Counter(
            "scenario_draft_replies_dropped",
            "Model replies written before their slots whose speech was made, then dropped "
            "unheard: the builder said other words.",
            registry=r,
        )
        self.barge_ins = Counter(
            "scenario_barge_ins", "Replies stopped because the learner spoke over them.",
            registry=r,
        )
        self.back_channels = Counter(
            "scenario_back_channels",
            "Short sounds over a reply (mhm, 네) that held it, then let it go on; not answered.",
            registry=r,
        )
        self.speculative_turns = Counter(
            "scenario_speculative_turns",
            "Model calls started at a pause before the turn ended, by outcome: used (the turn "
            "ended there) or dropped (the learner went on: a call paid for nothing).",
            ["outcome"], registry=r,
        )  # fmt: skip
        self.upstream_reconnects = Counter(
            "scenario_upstream_reconnects", "Reconnections of the speech upstream.", registry=r
        )
        self.resumes = Counter(
            "scenario_resumes", "session.resume requests, by outcome or error code.",
            ["outcome"], registry=r,
        )  # fmt: skip
        self.store_saves = Histogram(
            "scenario_store_save_seconds",
            "One save of a dialog to the session store (two per turn).",
            buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
            registry=r,
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
        if self._multiprocess_dir is None:
            return generate_latest(self.registry)
        every_worker = CollectorRegistry()
        MultiProcessCollector(every_worker, path=self._multiprocess_dir)  # type: ignore[no-untyped-call]
        return generate_latest(every_worker)

    def worker_exited(self, pid: int) -> None:
        """Drop a worker's live gauges (its counters and histograms stay in the sums)."""
        if self._multiprocess_dir is not None:
            mark_process_dead(pid, self._multiprocess_dir)  # type: ignore[no-untyped-call]

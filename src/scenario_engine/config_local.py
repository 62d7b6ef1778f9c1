"""The local engine's settings (recognizers, their processes, the early decode): a part of
``AppConfig`` (config.py), kept apart because it is one engine's business. They take the
``SCENARIO_ENGINE_`` prefix like every other setting (``SCENARIO_ENGINE_LOCAL_RECOGNIZER=fast``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class LocalSettings(BaseModel):
    """Read by ``AppConfig`` with the rest; a mixin, never built on its own."""

    local_recognizer: Literal["whisper", "fast"] = Field(
        "whisper",
        description="whisper = Whisper tiny.en (accurate; ~0.3 s of CPU a turn); "
        "fast = pocketsphinx (streaming, cheap, weaker).",
    )
    local_asr_workers: int = Field(
        2, ge=1, le=32, description="Speech recognition processes (one per core is right)."
    )
    local_whisper_threads: int = Field(
        2, ge=1, le=32, description="CPU threads of each Whisper process."
    )
    local_whisper_beam_size: int = Field(
        5, ge=1, le=10, description="Whisper beam width (1 = greedy: faster, less accurate)."
    )
    local_whisper_window_s: float = Field(
        10.0, ge=5, le=30,
        description="Shortest window Whisper's encoder sees (30 = Whisper's own padding: "
        "~3x slower; below 10 tiny.en repeats itself).",
    )  # fmt: skip
    local_asr_decoders_per_worker: int = Field(
        8, ge=1, le=64, description="fast: turns one process decodes at once (~16 MB each)."
    )
    local_asr_biasing: Literal["blend", "general"] = Field(
        "blend", description="fast: blend = domain model mixed with common English; general = off."
    )
    vad_pause_ms: int = Field(
        200, ge=0, le=5000,
        description="whisper: silence after which a turn is decoded early (0: off; kept if "
        "the turn ends, dropped if speech goes on).",
    )  # fmt: skip

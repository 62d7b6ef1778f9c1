"""The fake peer's latency model: how long the real API takes, per endpoint, when asked.

Off by default (tests stay fast). A benchmark turns it on to measure what a learner would wait
for against the real service without reaching it: the transcript ``transcript_after_commit_s``
after a committed turn, chat completions ``chat_first_token_s`` to the first output token and
``chat_per_token_s`` for each later one (the same clock streamed or not: a non-streamed answer
comes when its last token would have), speech ``speech_first_byte_s`` to the first audio byte.

Tokens are counted with :func:`tokens`, a stand-in for a BPE tokenizer (a word with its leading
space, or a run of punctuation, is one token), so a bench and the peer count them alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields

_TOKEN = re.compile(r"\s?\w+|\s?[^\w\s]+|\s+")
ENV_VAR = "FAKE_OPENAI_LATENCY"


def tokens(text: str) -> list[str]:
    """``text`` cut into model-like tokens; they join back into ``text``."""
    return _TOKEN.findall(text)


@dataclass(frozen=True, slots=True)
class LatencyModel:
    transcript_after_commit_s: float = 0.0
    chat_first_token_s: float = 0.0
    chat_per_token_s: float = 0.0
    speech_first_byte_s: float = 0.0

    @classmethod
    def typical(cls) -> LatencyModel:
        """Typical published latencies (issue 13): 400 ms, 450 ms + 12 ms/token, 350 ms."""
        return cls(0.400, 0.450, 0.012, 0.350)

    @classmethod
    def parse(cls, spec: str) -> LatencyModel:
        """``off``, ``typical``, or ``name=ms,...`` with the field names without ``_s``
        (``transcript_after_commit=400,chat_first_token=450,chat_per_token=12``)."""
        spec = spec.strip()
        if spec in ("", "off"):
            return cls()
        if spec == "typical":
            return cls.typical()
        names = {f.name.removesuffix("_s") for f in fields(cls)}
        values: dict[str, float] = {}
        for part in spec.split(","):
            name, _, ms = part.partition("=")
            name = name.strip()
            if name not in names:
                raise ValueError(f"unknown latency {name!r}; known: {', '.join(sorted(names))}")
            values[f"{name}_s"] = float(ms) / 1000
        return cls(**values)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> LatencyModel:
        return cls.parse(environ.get(ENV_VAR, "off"))

    def chat_seconds(self, n_tokens: int) -> float:
        """When the last of ``n_tokens`` output tokens is out."""
        return self.chat_first_token_s + self.chat_per_token_s * max(0, n_tokens - 1)

"""FailedTurns: what the builder does with learner turns whose model call failed.

A failed turn is kept and sent again with the next one, so a transient failure loses nothing
the learner said. Unbounded, that was a prompt that grew with every failure (1,365 to 200,058
characters over 200 turns while the model was down) until it passed the model's context,
whose 400 is final: the backlog never shrank and the learner heard an apology forever. So
the backlog keeps the newest turns within a count and a length, and a run of failures in a
row ends the dialog (the session says so in Korean and closes).
"""

from __future__ import annotations


class ModelGaveUp(Exception):
    """The model failed ``max_failed`` turns in a row: the dialog cannot go on."""


class FailedTurns:
    def __init__(self, max_turns: int = 3, max_chars: int = 3000, max_failed: int = 3) -> None:
        self._max_turns = max_turns
        self._max_chars = max_chars
        self._max_failed = max_failed
        self._backlog: list[str] = []
        self.failed_in_row = 0

    def utterance(self, text: str) -> str:
        """``text`` with the kept failed turns before it, oldest dropped first over the caps
        (the newest turn is always whole: its length is bounded by the protocol)."""
        self._backlog = self._kept(text)
        return " ".join(self._backlog)

    def preview(self, text: str) -> str:
        """What ``utterance(text)`` would return, keeping nothing."""
        return " ".join(self._kept(text))

    def _kept(self, text: str) -> list[str]:
        kept = [*self._backlog, text]
        while len(kept) > 1 and (
            len(kept) > self._max_turns or sum(len(turn) + 1 for turn in kept) - 1 > self._max_chars
        ):
            kept.pop(0)
        return kept

    def succeeded(self) -> None:
        self._backlog.clear()
        self.failed_in_row = 0

    def failed(self) -> None:
        """Count the failure; raises ``ModelGaveUp`` once there were too many in a row."""
        self.failed_in_row += 1
        if self.failed_in_row >= self._max_failed:
            raise ModelGaveUp(f"the language model failed {self.failed_in_row} turns in a row")

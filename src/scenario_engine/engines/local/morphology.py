"""Korean morphology through kiwipiepy: nouns, verbs, particles and endings of a text.

Korean glues particles and endings to words ("은행에서", "만드는"), so slots are read from
morphemes, not from words: 에서 after a noun marks a place, 한테/께/이랑 a partner, a verb and
its object a goal. The analyzer's model ships inside the pinned ``kiwipiepy-model`` wheel.

Kiwi holds the GIL while it loads (~4 s with its first analysis) and while it analyses, so it
runs in a process of its own (``morphology_worker``), started and warmed by ``warm_up`` when
the engine is built, never on a learner's turn. A caller waits on a pipe, which leaves the
GIL, and so the event loop, free. Each analysis has a deadline; a worker that misses it or
dies is replaced, and that one text gets no morphemes (its Korean fills no slot: the
follow-up question asks) rather than an error.
"""

from __future__ import annotations

import atexit
import json
import logging
import select
import subprocess
import sys
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import IO

from lemminflect import getAllLemmas

from scenario_engine.engines.local.morphology_worker import READY

START_DEADLINE_S = 120.0
"""Loading takes ~4 s on an idle core; a loaded CI machine can take many times that."""
ANALYSIS_DEADLINE_S = 5.0
"""An analysis takes ~0.5 ms; this only bounds a stuck worker."""

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Morpheme:
    """One morpheme: its form, its Sejong tag (NNG noun, VV verb, JKB adverbial particle...)
    and the character offset where it starts in the analysed text."""

    form: str
    tag: str
    start: int


class MorphologyWorkerError(RuntimeError):
    """The analyzer's process did not start or did not answer in time."""


class _Worker:
    """The analyzer's process, shared by every extractor of this process; one request at a
    time (a lock), since each is a line out and a line back."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[str] | None = None

    def ensure_started(self) -> None:
        with self._lock:
            self._start_if_needed()

    def analyse(self, text: str) -> tuple[Morpheme, ...]:
        with self._lock:
            process = self._start_if_needed()
            assert process.stdin is not None and process.stdout is not None
            try:
                clean = text.encode("utf-8", "replace").decode("utf-8")  # no lone surrogates
                process.stdin.write(json.dumps(clean) + "\n")
                process.stdin.flush()
                line = _read_line(process.stdout, ANALYSIS_DEADLINE_S)
            except (OSError, MorphologyWorkerError):
                self._stop()
                raise MorphologyWorkerError("the Korean analyzer did not answer") from None
        return tuple(Morpheme(form, tag, start) for form, tag, start in json.loads(line))

    def stop(self) -> None:
        with self._lock:
            self._stop()

    def _start_if_needed(self) -> subprocess.Popen[str]:
        if self._process is not None and self._process.poll() is None:
            return self._process
        self._stop()  # a dead one's pipes are closed before a new one starts
        process = subprocess.Popen(
            [sys.executable, "-m", "scenario_engine.engines.local.morphology_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        assert process.stdout is not None
        try:
            ready = _read_line(process.stdout, START_DEADLINE_S)
        except MorphologyWorkerError:
            _discard(process)
            raise
        if ready.strip() != READY:
            _discard(process)
            raise MorphologyWorkerError(f"the Korean analyzer did not start: {ready[:80]!r}")
        self._process = process
        return process

    def _stop(self) -> None:
        if self._process is not None:
            _discard(self._process)
            self._process = None


def _discard(process: subprocess.Popen[str]) -> None:
    """Kill the worker, close its pipes and wait for it (``Popen``'s exit does the last two)."""
    with process:
        process.kill()


def _read_line(stream: IO[str], deadline_s: float) -> str:
    """One line from the worker, or ``MorphologyWorkerError`` after ``deadline_s``."""
    readable, _, _ = select.select([stream], [], [], deadline_s)
    if not readable:
        raise MorphologyWorkerError(f"no answer from the Korean analyzer in {deadline_s:.0f} s")
    line = stream.readline()
    if not line:
        raise MorphologyWorkerError("the Korean analyzer exited")
    return line


_WORKER = _Worker()
atexit.register(_WORKER.stop)


def warm_up() -> None:
    """Start the analyzer's process (and load lemminflect's dictionary), so that no learner's
    turn pays for either."""
    _WORKER.ensure_started()
    getAllLemmas("started")


def stop() -> None:
    """Stop the analyzer's process (it is started again when next needed)."""
    _WORKER.stop()


@lru_cache(maxsize=2048)
def _cached(text: str) -> tuple[Morpheme, ...]:
    return _WORKER.analyse(text)


def analyse(text: str) -> tuple[Morpheme, ...]:
    """The morphemes of ``text``; cached, as the fallback re-reads every turn of a dialog.
    A failed analysis gives none (and is not cached)."""
    try:
        return _cached(text)
    except MorphologyWorkerError as exc:
        logger.warning("Korean analysis failed (%s); the text is read without it", exc)
        return ()


def clear_cache() -> None:
    """Forget cached analyses (the benchmark times uncached ones)."""
    _cached.cache_clear()

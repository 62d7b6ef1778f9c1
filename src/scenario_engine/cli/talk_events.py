"""What ``scenario-engine talk`` shows of the service's events, and what it keeps of them.

State and progress (``[...]`` lines) go to standard error as they happen. The dialog goes to
standard output, or to standard error with ``--json`` so that standard output holds the
scenario's JSON alone.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from scenario_engine.cli.replies import ReplyRecorder

RETRY_CODES = frozenset({
    "no_speech_recognized", "speech_not_english", "transcription_failed",
    "input_audio_commit_empty",
})  # fmt: skip
"""Errors that end a turn without a reply: the learner is expected to speak again."""


def progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class DialogView:
    def __init__(self, json_only: bool, save_replies: Path | None) -> None:
        self._json_only = json_only
        self._recorder = ReplyRecorder(save_replies) if save_replies else None
        self._speaking = False
        self._close: tuple[int | None, str | None] | None = None
        self.answered = asyncio.Event()
        """Set when the service answered the current turn (or said it heard nothing)."""
        self.manual_turns = False
        """``session.ready`` said turn detection is manual: spoken turns end with a commit."""
        self.scenario: dict[str, Any] | None = None
        self._last_reply: str | None = None

    def said_you(self, text: str) -> None:
        self._say(f"you: {text}")

    def show(self, event: dict[str, Any]) -> None:
        kind = event.get("type")
        if kind == "session.ready":
            engine = event.get("engine", {})
            self.manual_turns = engine.get("turn_detection") == "manual"
            progress(
                f"[connected: {event.get('session_id')}, engine {engine.get('name')}, "
                f"turn detection {engine.get('turn_detection')}]"
            )
        elif kind == "input_audio.speech_started":
            progress("[the service hears you speaking]")
        elif kind == "input_audio.speech_stopped":
            progress("[end of turn heard; thinking]")
        elif kind == "input_audio.transcript":
            self._say(f"you (heard): {event['transcript']}")
        elif kind == "response.audio.delta":
            self._on_audio(event)
        elif kind == "response.audio.done":
            self._on_audio_done()
        elif kind == "response.audio_transcript.done":
            self._speaking = False
            self._last_reply = event["transcript"]
            self._say(f"service: {event['transcript']}")
            self.answered.set()
        elif kind == "scenario.completed":
            self.scenario = event["json"]
            progress("[scenario complete]")
        elif kind == "session.resumed":
            self._on_resumed(event.get("transcript", []))
        elif kind == "session.reconnecting":
            progress(f"[the speech engine is reconnecting, attempt {event.get('attempt')}]")
        elif kind == "error":
            progress(f"[error {event.get('code')}: {event.get('message')}]")
            if event.get("code") in RETRY_CODES:
                self.answered.set()
        else:
            progress(f"[event {kind}]")

    def closed(self, code: int | None, reason: str | None) -> None:
        self._close = (code, reason)

    def finish(self) -> int:
        """Print the result; the exit status is 0 when a scenario arrived."""
        if self.scenario is None:
            if self._close is not None:
                code, reason = self._close
                progress(f"[closed without a scenario: code {code} {reason or ''}]".rstrip())
            else:
                progress("[the scenario is not complete: the service is waiting for more]")
            return 1
        if self._json_only:
            print(json.dumps(self.scenario, ensure_ascii=False), flush=True)
        else:
            labels = {
                "place": "place",
                "conversation_partner": "partner",
                "conversation_goal": "goal",
            }
            for key, label in labels.items():
                print(f"{label + ':':9}{self.scenario.get(key) or '-'}", flush=True)
        return 0

    def _on_resumed(self, transcript: list[dict[str, str]]) -> None:
        """Show the reply the lost connection did not deliver; note whether one is owed."""
        last = transcript[-1] if transcript else None
        if last is not None and last.get("speaker") != "learner":
            if last.get("text") != self._last_reply:
                self._last_reply = last.get("text")
                self._say(f"service: {self._last_reply}")
            self.answered.set()
        else:
            self.answered.clear()

    def _on_audio(self, event: dict[str, Any]) -> None:
        if not self._speaking:
            self._speaking = True
            progress("[speaking]")
        if self._recorder is not None:
            self._recorder.add(event["delta"], int(event.get("sample_rate", 24_000)))

    def _on_audio_done(self) -> None:
        if self._recorder is None:
            return
        saved = self._recorder.finish()
        if saved is not None:
            progress(f"[saved the reply to {saved[0]} ({saved[1]:.1f} s)]")

    def _say(self, line: str) -> None:
        print(line, file=sys.stderr if self._json_only else sys.stdout, flush=True)

"""The settings reference (docs/configuration.md), generated from AppConfig.

Generated rather than hand-written so the document cannot drift from the code; a test
compares the committed file with this output.
"""

from __future__ import annotations

from scenario_engine.config import AppConfig, environment_name

HEADER = """# Configuration

Every setting comes from the environment, read once at start-up into `AppConfig`
(`src/scenario_engine/config.py`); `scenario-engine serve` flags override the matching
variables. An invalid value stops the service with one line naming the variable.
This page is generated: `scenario-engine settings > docs/configuration.md`.

| variable | default | meaning |
| --- | --- | --- |
"""


NOTES = """
## Turn detection: what each choice costs

With `SCENARIO_ENGINE_SERVER_VAD=true` the service decides when the learner has finished.

- **Silence (`server_vad`, both engines).** A turn ends `SCENARIO_ENGINE_VAD_SILENCE_MS`
  after the learner's last sound, so every millisecond of it is a millisecond of waiting
  before the reply: under the fake peer's typical latencies, 500 -> 300 ms took the OpenAI
  engine's end of speech -> first audio from 2.09 to 1.90 s (docs/benchmarks.md). The cost
  of a shorter silence is false turn ends: a learner who pauses to find a word (frequent in
  a foreign language) is answered mid-sentence, and the rest of the sentence becomes a turn
  of its own. Measured on fluent speech with the local VAD (`bench/eval_turn_ends.py`: 11
  human recordings, 40 eSpeak sentences): no sentence cut at 300-700 ms, 1 of 11 and 2 of 40
  at 200 ms. Learners hesitate far more than read speech, so those are floors; no learner
  recordings exist here to measure on, which is why the default stays at 500 ms (the Realtime
  default) rather than 300 ms (~200 ms sooner a turn).
- **Early commit (`SCENARIO_ENGINE_EARLY_COMMIT_MS`, OpenAI engine, `server_vad`).** The
  upstream VAD commits after this much silence (200 ms) instead of the whole turn silence, so
  the transcript is under way while the turn's silence still runs; the service keeps the
  turn's meaning (engines/openai/pause_turns.py): speech again within `VAD_SILENCE_MS` of
  the pause joins the same turn (one transcript, the words joined), else the turn ends
  exactly when it would have. What it gains: the transcript's wait for the rest of the turn
  silence (300 ms with the defaults): under the fake peer's typical latencies follow-up turns
  from 1.87-1.89 to 1.57-1.59 s (p50, reply first; docs/benchmarks.md). With an 800 ms turn
  silence it removes 600 ms. When a pause's transcript comes
  before the turn silence has run out (a fast transcript, or a longer silence), the turn's
  model call starts then, speculatively, and its reply is used if the turn ends there. What
  it costs: each speculative call for a pause the learner talks on after is cancelled and
  thrown away, a model call paid for (its prompt, and the tokens written until it is
  cancelled; counted in `scenario_speculative_turns_total{outcome="dropped"}`); with the
  defaults and typical latencies the transcript comes after the turn silence, so none is
  made; at 800 ms, every turn was answered by the call started at its pause and each pause of
  700 ms inside a turn cost one thrown-away call. The upstream also transcribes a paused
  sentence in pieces, each without the other's context, which can cost accuracy on a real
  model (not measured: the test peer cannot). 0, or a value not below `VAD_SILENCE_MS`, is
  off: the upstream ends turns itself, as before.
- **`semantic_vad` (OpenAI engine only).** A model judges from the words whether the learner
  has finished: after "I want to..." or "uhm" it waits longer, after a complete sentence it
  ends sooner. `SCENARIO_ENGINE_SEMANTIC_VAD_EAGERNESS` sets how soon: `high` ends turns
  quickly (more cuts), `low` waits for the learner (fewer cuts, slower replies); OpenAI gives
  the longest waits as 8 s (`low`), 4 s (`medium` = `auto`) and 2 s (`high`). Its latency
  depends on the real model and is not measured here (the test peer cannot judge meaning).
  The silence setting does not apply to it.
- **Barge-in (`SCENARIO_ENGINE_BARGE_IN`).** When the VAD hears the learner start speaking
  over a reply (or while the service is still thinking about it), the reply's audio is held
  at once: nothing more of it is sent. A reply's audio goes out at most
  `SCENARIO_ENGINE_REPLY_AUDIO_LEAD_MS` ahead of the client's playback, so that is about all
  the learner still hears of it. Speech that goes on for `SCENARIO_ENGINE_BARGE_IN_MIN_SPEECH_MS`
  without a 150 ms pause stops the reply for good and is the next turn; a shorter sound
  ("mhm", "네", a click) lets the reply go on where it was held, and its transcript is not
  answered. A lower minimum decides sooner but lets back-channels and echo cut the service
  off; a shorter lead stops the sound sooner but leaves less buffer against network jitter
  (gaps in the reply). It needs server VAD (manual turns have no speech start); without it,
  or with barge-in off, a reply's audio is sent as fast as it is made.
"""


def settings_markdown() -> str:
    rows = []
    for name, field in AppConfig.model_fields.items():
        default = "[]" if field.default_factory is not None else field.default
        shown = (
            "—"
            if default is None
            else f"`{str(default).lower() if isinstance(default, bool) else default}`"
        )
        rows.append(f"| `{environment_name(name)}` | {shown} | {field.description or ''} |")
    return HEADER + "\n".join(rows) + "\n" + NOTES

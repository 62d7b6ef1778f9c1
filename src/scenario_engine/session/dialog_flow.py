"""DialogFlow: carry out what the Dialog decides — run the builder, speak, send events.

The Dialog (domain, pure) says *what* happens next as effects; this module does each one with
the engine's builder and practice models and the session's voice, and reports back to the
Dialog what was said. The session stays a driver: it only feeds learner turns and client
events in. Every model failure here has a fallback that keeps the learner going: template
help, rule-based feedback, a partner line asking to repeat.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from scenario_engine.domain import feedback_rules, help_ko, phrasing
from scenario_engine.domain.dialog import Dialog
from scenario_engine.domain.dialog_events import (
    AnswerInCharacter,
    AskBuilder,
    AskForCorrection,
    Close,
    Complete,
    Configured,
    Effect,
    EndedBy,
    Event,
    FeedbackGiven,
    GiveFeedback,
    OpenRolePlay,
    PartnerSaid,
    Propose,
    ScenarioReady,
    TutorSaid,
)
from scenario_engine.domain.dialog_state import Phase, Speaker
from scenario_engine.domain.llm import LLMError
from scenario_engine.domain.practice import (
    PARTNER_REPEAT,
    Feedback,
    HelpRequest,
    PartnerLine,
    PartnerSpeech,
)
from scenario_engine.domain.reply_text import ReplyText
from scenario_engine.domain.slots import Slot
from scenario_engine.observability.metrics import Metrics
from scenario_engine.protocol import (
    ErrorCode,
    ErrorEvent,
    ResponseHelp,
    RolePlayFeedback,
    RolePlayStarted,
    ScenarioCompleted,
    ScenarioJson,
    ScenarioProposed,
    SessionConfigured,
)
from scenario_engine.protocol.client_events import ScenarioField
from scenario_engine.protocol.server_events import AnyServerEvent, FeedbackCorrection
from scenario_engine.session.model_policy import BoundedModels
from scenario_engine.session.speaker import ReplySpeaker

logger = logging.getLogger(__name__)

Emit = Callable[[AnyServerEvent], Awaitable[None]]


class DialogFlow:
    def __init__(
        self,
        dialog: Dialog,
        models: BoundedModels,
        speaker: ReplySpeaker,
        emit: Emit,
        close: Callable[[str], None],
        metrics: Metrics,
    ) -> None:
        """``emit`` queues a server event, ``close`` closes the session normally (1000).
        Every model call of one ``handle`` shares the deadline of that turn (``models``)."""
        self.dialog = dialog
        self.builder = models.builder
        self._practice = models.practice
        self._clock = models.clock
        self._speaker = speaker
        self._emit = emit
        self._close = close
        self._metrics = metrics
        self._final_speech: ReplyText | None = None
        """The builder's closing words (perhaps still streaming), said on completion when
        neither a read-back nor a role-play comes first; closed unread otherwise."""
        self._first_audio_at: float | None = None
        self.completed = False
        """``scenario.completed`` went out."""
        self.finished = False
        """The dialog is over and the close is queued."""
        self.by_fallback = False

    async def handle(self, event: Event) -> float | None:
        """Apply ``event`` and carry out its effects; returns when the answer's first audio
        went out, if any did. A ``TransitionError`` (the phase does not take the event) goes
        to the caller before anything happened."""
        self._first_audio_at = None
        self._clock.start()
        await self._run(self.dialog.handle(event))
        return self._first_audio_at

    async def _run(self, effects: list[Effect]) -> None:
        for effect in effects:
            await self._do(effect)

    async def _do(self, effect: Effect) -> None:
        state = self.dialog.state
        slots = state.scenario.slots
        if isinstance(effect, Configured):
            await self._emit(SessionConfigured.model_validate(effect.options.to_dict()))
        elif isinstance(effect, AskBuilder):
            await self._ask_builder(effect.text)
        elif isinstance(effect, Propose):
            await self._emit(
                ScenarioProposed(
                    scenario=ScenarioJson.model_validate(effect.scenario),
                    missing=[_JSON_KEY[slot] for slot in effect.gaps],
                    proposal=state.proposals,
                )
            )
            await self._tutor(phrasing.read_back(slots, effect.gaps), asking=True)
        elif isinstance(effect, AskForCorrection):
            await self._tutor(phrasing.ASK_WHAT_TO_CHANGE)
        elif isinstance(effect, Complete):
            await self._complete(effect)
        elif isinstance(effect, OpenRolePlay):
            await self._emit(
                RolePlayStarted(
                    partner=slots.partner, scenario=ScenarioJson.model_validate(effect.scenario)
                )
            )
            await self._partner(self._practice.open_scene(slots))
        elif isinstance(effect, AnswerInCharacter):
            await self._partner(self._practice.answer(slots, state.lines(Phase.ROLE_PLAY)))
        elif isinstance(effect, GiveFeedback):
            await self._give_feedback(effect.ended_by)
        elif isinstance(effect, Close):
            self.finished = True
            self._close(effect.reason)

    # --- collecting and confirming ----------------------------------------------------------------
    async def _ask_builder(self, text: str) -> None:
        """The builder's reply, said. A reply the model writes before its slots is made into
        speech at once and said only if the builder keeps it (``ReplySpeaker.prepare``)."""
        try:
            await self._answer_builder(text)
        finally:
            await self._speaker.drop_prepared()

    async def _answer_builder(self, text: str) -> None:
        thinking = time.monotonic()
        reply = await self.builder.respond(text, on_draft=self._speaker.prepare)
        self._metrics.llm.observe(time.monotonic() - thinking)
        if reply.fault is not None:
            await self._emit(ErrorEvent(code=ErrorCode.LLM_FAILED, message=str(reply.fault)))
        if reply.scenario is None:
            if reply.is_question:
                self._metrics.follow_ups.inc()
            await self._tutor(reply.speech, reply.language, asking=reply.is_question)
            return
        self.by_fallback = self.by_fallback or reply.by_fallback
        self._final_speech = reply.speech
        try:
            await self._run(self.dialog.handle(ScenarioReady(reply.by_fallback)))
        finally:
            if self._final_speech is not None:  # a read-back or the role-play came instead
                await self._speaker.drop_prepared()  # speech made of it, if any
                await self._final_speech.aclose()
                self._final_speech = None

    async def _complete(self, effect: Complete) -> None:
        self.completed = True
        if effect.by_fallback:
            self._metrics.fallbacks.inc()
        slots = self.dialog.state.scenario.slots
        final, self._final_speech = self._final_speech, None
        if self.dialog.state.options.roleplay:
            if final is not None:
                await self._speaker.drop_prepared()
                await final.aclose()
            await self._tutor(phrasing.role_play_bridge(slots.partner), interruptible=False)
        else:
            await self._tutor(final or phrasing.final_text(slots), interruptible=False)
        await self._emit(ScenarioCompleted(scenario=ScenarioJson.model_validate(effect.scenario)))

    async def _tutor(
        self,
        text: ReplyText | str,
        language: str = "en",
        *,
        asking: bool = False,
        interruptible: bool = True,
    ) -> None:
        """Say ``text`` as the tutor. With Korean help on, a question's help follows it (made
        from its words, which a streamed reply only has once it was spoken)."""
        await self._say(text, language, interruptible=interruptible)
        said = text if isinstance(text, str) else text.text
        self.dialog.handle(TutorSaid(said))
        if asking and self.dialog.state.options.help_language == "ko":
            scenario = self.dialog.state.scenario
            slot = None if self.dialog.phase is Phase.PROPOSED else scenario.awaiting
            await self._emit(await self._help(HelpRequest(said, slot, scenario.slots)))

    async def _help(self, request: HelpRequest) -> ResponseHelp:
        try:
            found = await self._practice.help(request)
        except LLMError as exc:
            logger.warning("help failed (%s); using the templates", exc.code)
            found = help_ko.template_help(request)
        return ResponseHelp(translation_ko=found.translation_ko, suggestions=[*found.suggestions])

    # --- the role-play --------------------------------------------------------------------------
    async def _partner(self, making: Awaitable[PartnerSpeech]) -> None:
        """Say the partner's line as it streams; the verdict on the goal comes after it."""
        try:
            line = await making
        except LLMError as exc:
            logger.warning("partner line failed (%s)", exc.code)
            await self._emit(ErrorEvent(code=ErrorCode.LLM_FAILED, message=str(exc)))
            line = PartnerSpeech.whole(PartnerLine(PARTNER_REPEAT))
        text = ReplyText(line.text, PARTNER_REPEAT)
        await self._say(text, "en")
        await self._run(self.dialog.handle(PartnerSaid(text.text, line.goal_reached())))

    async def _give_feedback(self, ended_by: EndedBy) -> None:
        state = self.dialog.state
        said = [
            line.text for line in state.lines(Phase.ROLE_PLAY) if line.speaker is Speaker.LEARNER
        ]
        try:
            feedback = await self._practice.feedback(state.scenario.slots, said)
        except LLMError as exc:
            logger.warning("feedback failed (%s); using the rules", exc.code)
            feedback = feedback_rules.rule_feedback(said)
        await self._emit(_feedback_event(feedback, ended_by))
        await self._say(f"{feedback.well_done} {feedback.summary}", "en", interruptible=False)
        await self._run(self.dialog.handle(FeedbackGiven()))

    async def _say(self, text: ReplyText | str, language: str, *, interruptible: bool = True) -> (
        None
    ):
        """Speak; the learner may talk over it (barge-in) unless it is the last word of a
        phase that ends (the scenario's completion, the feedback)."""
        first = await self._speaker.say(text, language, interruptible=interruptible)
        if self._first_audio_at is None:
            self._first_audio_at = first


_JSON_KEY: dict[Slot, ScenarioField] = {
    Slot.PLACE: "place",
    Slot.PARTNER: "conversation_partner",
    Slot.GOAL: "conversation_goal",
}


def _feedback_event(feedback: Feedback, ended_by: EndedBy) -> RolePlayFeedback:
    return RolePlayFeedback(
        corrections=[
            FeedbackCorrection(said=c.said, better=c.better, why_ko=c.why_ko)
            for c in feedback.corrections
        ],
        well_done=feedback.well_done,
        summary=feedback.summary,
        ended_by=ended_by,
    )

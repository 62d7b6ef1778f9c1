// The page's controller: one dialog with the service, from session.ready through the
// confirmed scenario and the role-play to its feedback (docs/protocol.md, "Dialog phases").
// State flows connecting -> ready/listening -> thinking -> speaking -> ... -> done (or error);
// the phase (collecting, proposed, role_play, feedback) says what the learner is asked for.

import {
  ServiceConnection,
  base64ToInt16,
  serviceProtocols,
  serviceUrl,
  takePageToken,
} from "./connection.js";
import { applyTranslations, currentLanguage, setLanguage, t } from "./i18n.js";
import { Microphone, MicrophoneError, level } from "./microphone.js";
import { Player } from "./player.js";
import * as cards from "./cards.js";
import * as resume from "./resume.js";
import * as view from "./view.js";

/** Errors after which the service closes the session (docs/protocol.md, "session" column). */
const FATAL_CODES = new Set([
  "engine_unavailable", "internal_error", "idle_timeout", "session_timeout", "server_busy",
  "unauthorized", "origin_not_allowed", "session_taken_over",
]);
/** Answers to session.resume after which this connection's new session goes on instead. */
const RESUME_REFUSALS = new Set(["session_not_found", "session_in_use", "store_unavailable"]);
const RETRY_CODES = new Set([
  "no_speech_recognized", "speech_not_english", "transcription_failed", "input_audio_commit_empty",
]);
/** What the page opts into (docs/protocol.md, session.configure): the whole practice flow. */
const OPTIONS = { confirm_scenario: true, roleplay: true, help_language: "ko" };

const pageToken = takePageToken();
const microphone = new Microphone();
const player = new Player(() => afterSpeaking());
let connection = null;
let dialog = null;

function newDialog() {
  return {
    state: "connecting", phase: "collecting", partner: null, roleplay: false,
    pushToTalk: false, micOn: false, holding: false, completed: false, failed: false,
  };
}

/** The status line's text: a resting state says what the phase asks of the learner. */
function setState(state) {
  dialog.state = state;
  const resting = state === "ready" || state === "listening";
  if (resting && (dialog.phase === "proposed" || dialog.phase === "role_play")) {
    view.showState(state, `phase.${dialog.phase}`);
  } else if (state === "done" && dialog.phase === "feedback") {
    view.showState(state, "state.finished");
  } else {
    view.showState(state);
  }
}

/** Where the dialog rests when nothing is being said: listening if the mic is on. */
function restingState() {
  if (dialog.failed) return "error";
  if (dialog.completed) return "done";
  return dialog.micOn || dialog.holding ? "listening" : "ready";
}

function afterSpeaking() {
  setState(restingState());
}

/** A new dialog, or (with `token`) the stored one taken up again on a new connection. */
function start(token = null) {
  connection?.close();
  player.stop();
  closeMicrophone();
  if (!token) resume.forgetToken();
  const keepPage = Boolean(token && dialog); // shown until session.resumed redraws it
  dialog = newDialog();
  dialog.resuming = Boolean(token);
  if (keepPage) {
    view.hideAlert();
  } else {
    view.reset();
    cards.reset();
  }
  view.enableTyping(false);
  view.showMic({ enabled: false, active: false, pushToTalk: false });
  setState("connecting");
  const current = new ServiceConnection(serviceUrl(), serviceProtocols(pageToken), {
    onEvent: (event) => current === connection && handleEvent(event),
    onClose: (code, opened) => current === connection && handleClose(code, opened),
  }, token);
  connection = current;
}

/** session.resumed: redraw the transcript from the service's record; the dialog goes on. */
function redraw(event) {
  dialog.resuming = false;
  dialog.roleplay = OPTIONS.roleplay; // the page always opts into the same flow
  dialog.phase = event.phase;
  resume.resumed();
  view.reset();
  for (const line of event.transcript) {
    const partner = line.speaker === "partner" ? (dialog.partner ?? t("partner")) : null;
    view.addTurn(line.speaker === "learner" ? "you" : "service", line.text, partner);
  }
  view.addNotice("resumed");
  if (event.transcript.at(-1)?.speaker === "learner") setState("thinking"); // answer coming
}

/** The service does not have the dialog: this connection's new session starts it anew. */
function startedAnew() {
  dialog.resuming = false;
  resume.forgetToken();
  resume.rememberToken(dialog.freshToken, false);
  view.reset();
  cards.reset();
  connection.send({ type: "session.configure", ...OPTIONS });
}

function handleEvent(event) {
  switch (event.type) {
    case "session.ready":
      dialog.freshToken = event.resume_token;
      resume.rememberToken(event.resume_token, dialog.resuming);
      dialog.pushToTalk = event.engine?.turn_detection === "manual";
      if (!dialog.resuming) connection.send({ type: "session.configure", ...OPTIONS });
      view.enableTyping(true);
      showMicrophone();
      setState(restingState());
      break;
    case "session.resumed":
      redraw(event);
      break;
    case "session.configured":
      dialog.roleplay = event.roleplay;
      break;
    case "session.reconnecting":
      view.addNotice("reconnecting", { n: event.attempt });
      break;
    case "input_audio.speech_started":
      if (!player.busy) setState("listening");
      break;
    case "input_audio.speech_stopped":
      setState("thinking");
      break;
    case "input_audio.transcript":
      cards.clearHelp();
      view.addTurn("you", event.transcript);
      setState("thinking");
      break;
    case "response.audio.delta":
      player.enqueue(base64ToInt16(event.delta), event.sample_rate ?? 24000);
      setState("speaking");
      break;
    case "response.audio.done":
      player.finishReply();
      break;
    case "response.audio.cancelled":
      // Barge-in: the learner speaks over the reply; drop what is buffered, at once.
      player.stop();
      setState("listening");
      break;
    case "response.audio_transcript.done":
      view.addTurn("service", event.transcript, dialog.phase === "role_play" ? dialog.partner : null);
      if (!player.busy && dialog.state !== "speaking") setState(restingState());
      break;
    case "response.help":
      cards.showHelp(event, sendTyped);
      break;
    case "scenario.proposed":
      dialog.phase = "proposed";
      cards.showScenario(event.json, { proposed: true, onEdit: editField });
      break;
    case "scenario.completed":
      dialog.phase = "completed";
      if (!dialog.roleplay) resume.forgetToken(); // over: a reload starts a new dialog
      cards.showScenario(event.json, { proposed: false });
      if (!dialog.roleplay) endDialog(); // the service closes the session now
      if (!player.busy && dialog.state !== "speaking") afterSpeaking();
      break;
    case "roleplay.started":
      dialog.phase = "role_play";
      dialog.partner = event.partner ?? t("partner");
      cards.hideScenario();
      cards.showRolePlay(event.scenario);
      break;
    case "roleplay.feedback":
      dialog.phase = "feedback";
      resume.forgetToken();
      endDialog(); // the service closes the session after the feedback's spoken summary
      cards.showFeedback(event);
      break;
    case "error":
      if (event.code === "session_completed") break; // a late frame; the close says it all
      if (dialog.resuming && RESUME_REFUSALS.has(event.code)) startedAnew();
      if (FATAL_CODES.has(event.code)) fail(`error.${event.code}`, event.code); // said once
      else view.addErrorNotice(event.code, event.message);
      if (RETRY_CODES.has(event.code)) setState(restingState());
      break;
    default:
      console.debug("ignoring event", event);
  }
}

function handleClose(code, opened) {
  if (dialog.completed || dialog.failed) return;
  const delay = resume.retryDelay(opened ? code : 1006);
  if (delay !== null) {
    view.addNotice("resuming");
    setTimeout(() => start(resume.savedToken()), delay);
    return;
  }
  fail(opened ? "fail.closed" : "fail.connect");
}

/** The error state: stop listening, say once what failed and what to do, and show the Korean
 * fallback text. */
function fail(key, code = "") {
  dialog.failed = true;
  closeMicrophone();
  view.enableTyping(false);
  view.showMic({ enabled: false, active: false, pushToTalk: dialog.pushToTalk });
  view.showAlert(key, code);
  setState("error");
}

/** The dialog is over (the scenario without a role-play, or the feedback): nothing more can
 * be sent, so the microphone stops at once and the inputs lock (the cards stay). */
function endDialog() {
  dialog.completed = true;
  cards.clearHelp();
  finish();
}

function finish() {
  closeMicrophone();
  view.enableTyping(false);
  view.showMic({ enabled: false, active: false, pushToTalk: dialog.pushToTalk });
}

// --- microphone ------------------------------------------------------------------------------

function showMicrophone() {
  const active = dialog.pushToTalk ? dialog.holding : dialog.micOn;
  view.showMic({ enabled: connection?.ready ?? false, active, pushToTalk: dialog.pushToTalk });
}

function sendChunk(samples, sampleRate) {
  view.showLevel(level(samples));
  if (dialog.micOn || dialog.holding) connection.sendAudio(samples, sampleRate);
}

async function openMicrophone() {
  if (microphone.isOpen) return true;
  try {
    await microphone.open(sendChunk);
    return true;
  } catch (error) {
    console.warn(error);
    microphone.close();
    const insecure = error instanceof MicrophoneError && error.reason === "insecure";
    view.addNotice(insecure ? "fail.micInsecure" : "fail.mic");
    return false;
  }
}

function closeMicrophone() {
  microphone.close();
  view.showLevel(0);
  if (dialog) {
    dialog.micOn = false;
    dialog.holding = false;
  }
}

/** Server VAD: the button switches the microphone on and off. */
async function toggleMicrophone() {
  player.unlock();
  if (dialog.micOn) {
    closeMicrophone();
  } else if (await openMicrophone()) {
    dialog.micOn = true;
  }
  showMicrophone();
  if (dialog.state === "ready" || dialog.state === "listening") setState(restingState());
}

/** Manual turn detection: hold to talk, release to commit the turn. */
async function pressToTalk() {
  player.unlock();
  dialog.holding = true;
  showMicrophone();
  setState("listening");
  if (!(await openMicrophone())) {
    dialog.holding = false;
    showMicrophone();
    setState(restingState());
  }
}

function releaseToTalk() {
  if (!dialog.holding) return;
  dialog.holding = false;
  showMicrophone();
  connection.commit();
  setState("thinking");
}

// --- typed turns and taps ----------------------------------------------------------------------

/** A typed turn (from the box, a suggestion chip or the start button); false if not sent. */
function sendTyped(text) {
  if (!text || !connection.sendText(text)) return false;
  player.unlock();
  cards.clearHelp();
  view.addTurn("you", text);
  setState("thinking");
  return true;
}

/** A field of the proposed scenario was corrected on the card: the service proposes again. */
function editField(field, value) {
  if (connection.send({ type: "scenario.edit", field, value })) setState("thinking");
}

// --- wiring ----------------------------------------------------------------------------------

function wire() {
  const mic = document.getElementById("mic");
  mic.addEventListener("click", () => {
    if (!dialog.pushToTalk) toggleMicrophone();
  });
  mic.addEventListener("pointerdown", (event) => {
    if (!dialog.pushToTalk || mic.disabled) return;
    mic.setPointerCapture?.(event.pointerId);
    pressToTalk();
  });
  for (const name of ["pointerup", "pointercancel"]) {
    mic.addEventListener(name, () => dialog.pushToTalk && releaseToTalk());
  }
  mic.addEventListener("keydown", (event) => {
    if (dialog.pushToTalk && (event.key === " " || event.key === "Enter") && !event.repeat) {
      event.preventDefault();
      pressToTalk();
    }
  });
  mic.addEventListener("keyup", (event) => {
    if (dialog.pushToTalk && (event.key === " " || event.key === "Enter")) releaseToTalk();
  });

  document.getElementById("text-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = document.getElementById("text-input");
    if (sendTyped(input.value.trim())) input.value = "";
  });
  document.getElementById("confirm").addEventListener("click", () => sendTyped("Yes, let's start."));
  document.getElementById("end-roleplay").addEventListener("click", () => {
    if (connection.send({ type: "roleplay.end" })) cards.endRolePlay();
  });

  document.getElementById("lang-toggle").addEventListener("click", () => {
    setLanguage(currentLanguage() === "ko" ? "en" : "ko");
    view.showLanguageToggle();
  });
  document.getElementById("restart").addEventListener("click", () => start());
  document.getElementById("restart-feedback").addEventListener("click", () => start());
  document.getElementById("reconnect").addEventListener("click", () => start(resume.savedToken()));
}

applyTranslations(document);
view.showLanguageToggle();
view.trackControlsHeight();
wire();
start(resume.savedToken()); // a reload of the tab takes its dialog up again

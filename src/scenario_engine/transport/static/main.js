// The page's controller: one dialog with the service, from session.ready to scenario.completed.
// State flows connecting -> ready/listening -> thinking -> speaking -> ... -> done (or error).

import {
  ServiceConnection,
  base64ToInt16,
  serviceProtocols,
  serviceUrl,
  takePageToken,
} from "./connection.js";
import { applyTranslations, currentLanguage, setLanguage } from "./i18n.js";
import { Microphone, MicrophoneError, level } from "./microphone.js";
import { Player } from "./player.js";
import * as view from "./view.js";

/** Errors after which the service closes the session (docs/protocol.md, "session" column). */
const FATAL_CODES = new Set([
  "engine_unavailable", "internal_error", "idle_timeout", "session_timeout", "server_busy",
  "server_shutting_down", "unauthorized", "origin_not_allowed",
]);
const RETRY_CODES = new Set(["no_speech_recognized", "transcription_failed", "input_audio_commit_empty"]);

const pageToken = takePageToken();
const microphone = new Microphone();
const player = new Player(() => afterSpeaking());
let connection = null;
let dialog = null;

function newDialog() {
  return { state: "connecting", pushToTalk: false, micOn: false, holding: false, completed: false, failed: false };
}

function setState(state) {
  dialog.state = state;
  view.showState(state);
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

function start() {
  connection?.close();
  player.stop();
  closeMicrophone();
  dialog = newDialog();
  view.reset();
  view.enableTyping(false);
  view.showMic({ enabled: false, active: false, pushToTalk: false });
  setState("connecting");
  const current = new ServiceConnection(serviceUrl(), serviceProtocols(pageToken), {
    onEvent: (event) => current === connection && handleEvent(event),
    onClose: (code, opened) => current === connection && handleClose(code, opened),
  });
  connection = current;
}

function handleEvent(event) {
  switch (event.type) {
    case "session.ready":
      dialog.pushToTalk = event.engine?.turn_detection === "manual";
      view.enableTyping(true);
      showMicrophone();
      setState(restingState());
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
    case "response.audio_transcript.done":
      view.addTurn("service", event.transcript);
      if (!player.busy && dialog.state !== "speaking") setState(restingState());
      break;
    case "scenario.completed":
      dialog.completed = true;
      finish(); // the service closes the session now: nothing more can be sent
      view.showScenario(event.json);
      if (!player.busy && dialog.state !== "speaking") afterSpeaking();
      break;
    case "error":
      view.addErrorNotice(event.code, event.message);
      if (FATAL_CODES.has(event.code)) fail(`error.${event.code}`);
      else if (RETRY_CODES.has(event.code)) setState(restingState());
      break;
    default:
      console.debug("ignoring event", event);
  }
}

function handleClose(code, opened) {
  if (dialog.completed || dialog.failed) return;
  fail(opened ? "fail.closed" : "fail.connect");
}

/** The error state: stop listening, say what failed and show the Korean fallback text. */
function fail(key) {
  dialog.failed = true;
  closeMicrophone();
  view.enableTyping(false);
  view.showMic({ enabled: false, active: false, pushToTalk: dialog.pushToTalk });
  view.showAlert(key);
  setState("error");
}

/** The scenario is final: stop the microphone and lock the inputs (the card stays). */
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
    const text = input.value.trim();
    if (!text || !connection.sendText(text)) return;
    player.unlock();
    input.value = "";
    view.addTurn("you", text);
    setState("thinking");
  });

  document.getElementById("lang-toggle").addEventListener("click", () => {
    setLanguage(currentLanguage() === "ko" ? "en" : "ko");
    view.showLanguageToggle();
  });
  document.getElementById("restart").addEventListener("click", start);
  document.getElementById("reconnect").addEventListener("click", start);
}

applyTranslations(document);
view.showLanguageToggle();
wire();
start();

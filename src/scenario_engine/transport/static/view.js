// Rendering only: the status line, the transcript, notices, the alert and the scenario card.
// Text that depends on the language is stored as a key, so the toggle re-translates it.

import { KOREAN_FALLBACK_MESSAGE, currentLanguage, errorText, t } from "./i18n.js";

const $ = (id) => document.getElementById(id);

export const STATES = ["connecting", "ready", "listening", "thinking", "speaking", "done", "error"];

export function showState(state) {
  document.body.dataset.state = state;
  const text = $("status-text");
  text.dataset.i18n = `state.${state}`;
  text.textContent = t(`state.${state}`);
}

/** One line of the dialog; `who` is "you" or "service". */
export function addTurn(who, text) {
  const item = document.createElement("li");
  item.className = `turn ${who}`;
  const speaker = document.createElement("span");
  speaker.className = "speaker";
  speaker.dataset.i18n = who;
  speaker.textContent = t(who);
  const body = document.createElement("span");
  body.className = "text";
  body.textContent = text;
  item.append(speaker, body);
  appendToTranscript(item);
}

/** A readable `error` event: the learner-facing explanation, and the code for developers. */
export function addErrorNotice(code, message) {
  const item = document.createElement("li");
  item.className = "notice error";
  item.dataset.code = code;
  item.title = message ?? "";
  const text = document.createElement("span");
  text.dataset.i18n = `error.${code}`;
  text.textContent = errorText(code);
  const codeTag = document.createElement("code");
  codeTag.textContent = code;
  item.append(text, " ", codeTag);
  appendToTranscript(item);
}

/** A plain notice given by key (e.g. the microphone could not be opened). */
export function addNotice(key, args = {}) {
  const item = document.createElement("li");
  item.className = "notice";
  item.textContent = t(key, args);
  if (Object.keys(args).length === 0) item.dataset.i18n = key;
  appendToTranscript(item);
}

function appendToTranscript(item) {
  const list = $("transcript");
  list.append(item);
  item.scrollIntoView({ block: "end", behavior: "smooth" });
}

/** The error state: what failed, and the Korean fallback text the service would have said. */
export function showAlert(key) {
  $("alert").hidden = false;
  const text = $("alert-text");
  text.dataset.i18n = key;
  text.textContent = t(key);
  const fallback = $("alert-fallback");
  fallback.hidden = false;
  fallback.textContent = KOREAN_FALLBACK_MESSAGE;
}

export function hideAlert() {
  $("alert").hidden = true;
}

/** @param {{place: string|null, conversation_partner: string|null, conversation_goal: string|null}} json */
export function showScenario(json) {
  const slots = { place: json.place, partner: json.conversation_partner, goal: json.conversation_goal };
  for (const [name, value] of Object.entries(slots)) {
    const cell = $(`slot-${name}`);
    cell.classList.toggle("unknown", !value);
    if (value) {
      delete cell.dataset.i18n;
      cell.textContent = value;
    } else {
      cell.dataset.i18n = "unknown";
      cell.textContent = t("unknown");
    }
  }
  $("scenario").hidden = false;
  $("scenario").scrollIntoView({ block: "nearest", behavior: "smooth" });
}

export function reset() {
  $("transcript").replaceChildren();
  $("scenario").hidden = true;
  hideAlert();
}

/** The microphone button's label for the turn-detection mode and whether it is active. */
export function showMic({ enabled, active, pushToTalk }) {
  const button = $("mic");
  button.disabled = !enabled;
  button.setAttribute("aria-pressed", String(active));
  button.classList.toggle("push-to-talk", pushToTalk);
  const key = pushToTalk ? (active ? "mic.pttActive" : "mic.ptt") : active ? "mic.off" : "mic.on";
  const label = $("mic-label");
  label.dataset.i18n = key;
  label.textContent = t(key);
}

export function enableTyping(enabled) {
  $("text-input").disabled = !enabled;
  $("send").disabled = !enabled;
}

export function showLevel(value) {
  $("mic").style.setProperty("--level", Math.min(1, value * 6).toFixed(3));
}

export function showLanguageToggle() {
  $("lang-toggle").textContent = t("toggle");
  $("lang-toggle").lang = currentLanguage() === "ko" ? "en" : "ko";
}

// Rendering only: the status line, the transcript, notices, the alert and the scenario card.
// Text that depends on the language is stored as a key, so the toggle re-translates it.

import { KOREAN_FALLBACK_MESSAGE, currentLanguage, errorText, t } from "./i18n.js";

const $ = (id) => document.getElementById(id);

export const STATES = ["connecting", "ready", "listening", "thinking", "speaking", "done", "error"];

const HANGUL = /[\uac00-\ud7a3]/;

/** The status line; `key` names its text when the state alone does not say enough. */
export function showState(state, key = `state.${state}`) {
  document.body.dataset.state = state;
  const text = $("status-text");
  text.dataset.i18n = key;
  text.textContent = t(key);
}

/**
 * One line of the dialog; `who` is "you" or "service"; `name` labels the service's line when
 * it speaks as the role-play partner (an English word, marked so).
 */
export function addTurn(who, text, name = null) {
  const item = document.createElement("li");
  item.className = `turn ${who}`;
  const speaker = document.createElement("span");
  speaker.className = "speaker";
  if (name) {
    speaker.lang = "en";
    speaker.textContent = name;
  } else {
    speaker.dataset.i18n = who;
    speaker.textContent = t(who);
  }
  const body = document.createElement("span");
  body.className = "text";
  body.lang = HANGUL.test(text) ? "ko" : "en";
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
  $("transcript").append(item);
  keepLatestInView();
}

/** Scroll to what came last on the page: a card shown below the transcript stays in view
 * (above the input bar) when lines are added above it, else the newest line. */
export function keepLatestInView() {
  const last = [$("transcript").lastElementChild, $("scenario"), $("feedback")]
    .filter((element) => element && !element.hidden)
    .at(-1);
  last?.scrollIntoView({ block: "nearest", behavior: "instant" });
}

/** The error state, said once: what failed (with its code), what to do, and the Korean
 * fallback text the service would have said. */
export function showAlert(key, code = "") {
  $("alert").hidden = false;
  const text = $("alert-text");
  text.dataset.i18n = key;
  text.textContent = t(key);
  $("alert-code").textContent = code;
  const fallback = $("alert-fallback");
  fallback.hidden = false;
  fallback.textContent = KOREAN_FALLBACK_MESSAGE;
}

export function hideAlert() {
  $("alert").hidden = true;
}

export function reset() {
  $("transcript").replaceChildren();
  hideAlert();
}

/** Keep --controls-height equal to the pinned input bar's height, so that nothing scrolled
 * into view (a card, the last line) ends up under it (app.css, scroll-padding-bottom). */
export function trackControlsHeight() {
  const controls = $("controls");
  const update = () =>
    document.documentElement.style.setProperty("--controls-height", `${controls.offsetHeight}px`);
  new ResizeObserver(update).observe(controls);
  update();
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

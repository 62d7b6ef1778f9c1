// The cards of the practice flow: the scenario (proposed, tap a field to fix it; then final),
// the role-play bar, the feedback card, and the Korean help with answers to tap.
// Rendering only: what a tap does is the caller's (main.js passes the callbacks).

import { t } from "./i18n.js";
import { keepLatestInView } from "./view.js";

const $ = (id) => document.getElementById(id);
const FIELDS = { place: "slot-place", conversation_partner: "slot-partner", conversation_goal: "slot-goal" };
const SLOT_KEYS = { place: "slot.place", conversation_partner: "slot.partner", conversation_goal: "slot.goal" };

/** Scroll `element` into view above the input bar and give it the focus (for screen readers
 * and keyboards: the card is what to read or answer next). */
export function present(element) {
  element.hidden = false;
  element.focus({ preventScroll: true });
  element.scrollIntoView({ block: "nearest", behavior: "instant" });
}

/**
 * The scenario card. `proposed`: the fields are buttons that open an editor, and the start
 * button confirms; otherwise the scenario is final and shown as text.
 * @param {{place: string|null, conversation_partner: string|null, conversation_goal: string|null}} json
 * @param {{proposed: boolean, onEdit?: (field: string, value: string) => void}} options
 */
export function showScenario(json, { proposed, onEdit }) {
  const card = $("scenario");
  card.classList.toggle("proposed", proposed);
  const title = $("scenario-title");
  title.dataset.i18n = proposed ? "scenarioProposed" : "scenarioTitle";
  title.textContent = t(title.dataset.i18n);
  $("scenario-hint").hidden = !proposed;
  $("confirm").hidden = !proposed;
  for (const [field, id] of Object.entries(FIELDS)) {
    const cell = $(id);
    const value = json[field];
    cell.replaceChildren(proposed ? slotButton(field, value, onEdit) : slotText(value));
  }
  present(card);
}

function slotText(value) {
  const text = document.createElement("span");
  text.classList.toggle("unknown", !value);
  if (!value) text.dataset.i18n = "unknown";
  text.textContent = value || t("unknown");
  return text;
}

function slotButton(field, value, onEdit) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = value ? "slot" : "slot unknown";
  button.textContent = value || t("unknown");
  button.setAttribute("aria-label", `${t("editSlot", { slot: t(SLOT_KEYS[field]) })}: ${button.textContent}`);
  button.addEventListener("click", () => openEditor(button, field, value, onEdit));
  return button;
}

/** Replace a field's button by a text box; Enter sends the new value, Escape keeps the old. */
function openEditor(button, field, value, onEdit) {
  const input = document.createElement("input");
  input.className = "slot-edit";
  input.lang = "en";
  input.maxLength = 80;
  input.value = value ?? "";
  input.setAttribute("aria-label", t("editSlot", { slot: t(SLOT_KEYS[field]) }));
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && input.value.trim()) {
      event.preventDefault();
      onEdit?.(field, input.value.trim());
    } else if (event.key === "Escape") {
      input.replaceWith(button);
      button.focus();
    }
  });
  button.replaceWith(input);
  input.focus();
}

export function hideScenario() {
  $("scenario").hidden = true;
}

/** The bar shown while the service plays the partner: the scene and the way out. */
export function showRolePlay(scenario) {
  const scene = [scenario.place, scenario.conversation_partner, scenario.conversation_goal].filter(Boolean);
  $("roleplay-scene").textContent = scene.join(" · ");
  $("roleplay").hidden = false;
  $("end-roleplay").disabled = false;
}

export function endRolePlay() {
  $("end-roleplay").disabled = true;
}

/** @param {{corrections: {said: string, better: string, why_ko: string}[], well_done: string, summary: string}} feedback */
export function showFeedback(feedback) {
  $("roleplay").hidden = true;
  $("feedback-summary").textContent = feedback.summary;
  $("feedback-well").textContent = feedback.well_done;
  const list = $("feedback-corrections");
  list.replaceChildren(
    ...feedback.corrections.map(({ said, better, why_ko: why }) => {
      const item = document.createElement("li");
      item.append(span("said", said, "en"), " → ", span("better", better, "en"), span("why", why, "ko"));
      return item;
    }),
  );
  if (feedback.corrections.length === 0) {
    const item = document.createElement("li");
    item.dataset.i18n = "noCorrections";
    item.textContent = t("noCorrections");
    list.append(item);
  }
  present($("feedback"));
}

/** Korean help under the question just asked: its translation, and answers to tap. */
export function showHelp({ translation_ko: translation, suggestions }, onPick) {
  const item = document.createElement("li");
  item.className = "help";
  const text = document.createElement("p");
  text.className = "translation";
  text.lang = "ko";
  text.textContent = translation;
  const chips = document.createElement("div");
  chips.className = "chips";
  for (const suggestion of suggestions) {
    const chip = document.createElement("button");
    chip.type = "button";
    chip.className = "chip";
    chip.lang = "en";
    chip.textContent = suggestion;
    chip.addEventListener("click", () => onPick(suggestion));
    chips.append(chip);
  }
  item.append(text, chips);
  $("transcript").append(item);
  keepLatestInView();
}

/** Chips answer the question they sit under only: once the learner goes on, they go. */
export function clearHelp() {
  document.querySelectorAll("#transcript .help .chips").forEach((chips) => chips.remove());
}

export function reset() {
  for (const id of ["scenario", "roleplay", "feedback"]) $(id).hidden = true;
}

function span(className, text, lang) {
  const element = document.createElement("span");
  element.className = className;
  element.lang = lang;
  element.textContent = text;
  return element;
}

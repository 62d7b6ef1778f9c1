// Interface text in Korean (the learners' language) with an English toggle.
// Static elements carry data-i18n / data-i18n-placeholder keys; dynamic text calls t().

/** Told to the learner when the service or the connection fails (same text as the service's). */
export const KOREAN_FALLBACK_MESSAGE =
  "죄송해요, 잠시 문제가 생겼어요. 잠시 후에 다시 말씀해 주세요.";

const STRINGS = {
  ko: {
    title: "영어 롤플레이 준비",
    intro: "어디에서, 누구와, 무엇을 하고 싶은지 말하거나 입력해 보세요.",
    example: "예: “I'm at a hotel talking to the receptionist to check in.”",
    examplePrefix: "예:",
    toggle: "English",
    speechNote: "말은 영어로 해 주세요. 입력은 한국어도 괜찮아요.",
    "phase.proposed": "시나리오가 맞는지 확인해 주세요.",
    "phase.role_play": "내 차례예요. 영어로 말하거나 입력하세요.",
    "state.finished": "롤플레이를 마쳤어요! 피드백을 확인하세요.",
    scenarioProposed: "이 시나리오가 맞나요?",
    proposedHint: "맞으면 롤플레이를 시작하세요. 틀린 곳은 눌러서 고칠 수 있어요.",
    startRoleplay: "롤플레이 시작",
    editSlot: "{slot} 고치기",
    roleplayTitle: "롤플레이 중",
    endRoleplay: "롤플레이 끝내기",
    partner: "상대",
    feedbackTitle: "피드백",
    wellDone: "잘한 점",
    correctionsTitle: "이렇게 말해 보세요",
    noCorrections: "고칠 문장이 없어요. 잘했어요!",
    alertAction: "‘다시 연결’을 누르면 새로 시작해요.",
    "state.connecting": "연결 중…",
    "state.ready": "준비됐어요. 마이크를 켜거나 입력하세요.",
    "state.listening": "듣고 있어요…",
    "state.thinking": "생각하는 중…",
    "state.speaking": "말하는 중…",
    "state.done": "시나리오가 완성됐어요!",
    "state.error": "문제가 생겼어요",
    "mic.on": "마이크 켜기",
    "mic.off": "마이크 끄기",
    "mic.ptt": "누르고 말하기",
    "mic.pttActive": "떼면 보내요",
    send: "보내기",
    textLabel: "입력",
    textPlaceholder: "영어나 한국어로 입력하세요",
    you: "나",
    service: "선생님",
    scenarioTitle: "완성된 시나리오",
    "slot.place": "장소",
    "slot.partner": "대화 상대",
    "slot.goal": "목표",
    unknown: "(정하지 않음)",
    restart: "새로 시작",
    reconnect: "다시 연결",
    reconnecting: "음성 엔진에 다시 연결하는 중이에요… ({n}번째)",
    resuming: "연결이 끊겼어요. 대화를 이어서 하려고 다시 연결하는 중이에요…",
    resumed: "다시 연결됐어요. 하던 대화를 이어서 해요.",
    "fail.connect": "서버에 연결할 수 없어요.",
    "fail.closed": "서버와의 연결이 끊어졌어요.",
    "fail.mic": "마이크를 쓸 수 없어요. 글로 입력해 주세요.",
    "fail.micInsecure": "마이크는 HTTPS나 localhost 주소에서만 쓸 수 있어요. 글로 입력해 주세요.",
    "error.no_speech_recognized": "말소리를 알아듣지 못했어요. 다시 말해 주세요.",
    "error.speech_not_english": "음성은 영어만 알아들어요. 영어로 말하거나, 한국어는 글로 입력해 주세요.",
    "error.transcription_failed": "말을 글로 옮기지 못했어요. 다시 말해 주세요.",
    "error.input_audio_commit_empty": "녹음된 소리가 거의 없어요. 버튼을 누른 채로 말해 주세요.",
    "error.llm_failed": "답을 만들지 못했어요. 다음 말을 들으면 다시 해 볼게요.",
    "error.tts_failed": "답을 소리로 들려드리지 못했어요. 글로 보여 드릴게요.",
    "error.upstream_error": "음성 엔진에서 오류가 났어요.",
    "error.engine_unavailable": "음성 엔진을 쓸 수 없어요.",
    "error.internal_error": "서비스에 문제가 생겼어요.",
    "error.session_completed": "시나리오가 이미 완성됐어요.",
    "error.text_too_long": "입력이 너무 길어요. 짧게 나눠서 보내 주세요.",
    "error.empty_text": "빈 입력은 보낼 수 없어요.",
    "error.invalid_text": "보낼 수 없는 글자가 들어 있어요.",
    "error.rate_limited": "너무 많이 보내고 있어요. 잠시 천천히 보내 주세요.",
    "error.audio_too_fast": "소리가 실제 속도보다 빨리 보내지고 있어요.",
    "error.audio_buffer_full": "말이 너무 길어요. 조금 쉬었다가 말해 주세요.",
    "error.idle_timeout": "한동안 아무 말이 없어서 연결을 끝냈어요.",
    "error.session_timeout": "대화 시간이 다 됐어요.",
    "error.server_busy": "지금은 사용하는 사람이 많아요. 잠시 후에 다시 연결해 주세요.",
    "error.server_shutting_down": "서버가 잠시 멈추는 중이에요. 대화를 이어서 하려고 다시 연결할게요.",
    "error.session_taken_over": "다른 창에서 이 대화를 이어서 하고 있어요.",
    "error.session_not_found": "이전 대화를 찾을 수 없어서 새로 시작해요.",
    "error.unauthorized": "접속 권한이 없어요. 받은 주소(토큰 포함)로 다시 열어 주세요.",
    "error.origin_not_allowed": "이 페이지에서는 서비스에 연결할 수 없어요.",
    "error.other": "요청을 처리하지 못했어요.",
  },
  en: {
    title: "Role-play set-up",
    intro: "Say or type where you are, who you talk to and what you want to do.",
    example: "e.g. “I'm at a hotel talking to the receptionist to check in.”",
    examplePrefix: "e.g.",
    toggle: "한국어",
    speechNote: "Speak in English; typing in Korean is fine.",
    "phase.proposed": "Check that the scenario is right.",
    "phase.role_play": "Your turn: speak or type in English.",
    "state.finished": "Role-play finished! Read your feedback.",
    scenarioProposed: "Is this your scenario?",
    proposedHint: "If it is right, start the role-play. Tap anything wrong to fix it.",
    startRoleplay: "Start the role-play",
    editSlot: "Fix {slot}",
    roleplayTitle: "Role-play",
    endRoleplay: "End the role-play",
    partner: "Partner",
    feedbackTitle: "Feedback",
    wellDone: "Well done",
    correctionsTitle: "Try saying it like this",
    noCorrections: "Nothing to correct. Well done!",
    alertAction: "Press ‘Reconnect’ to start again.",
    "state.connecting": "Connecting…",
    "state.ready": "Ready. Turn on the microphone or type.",
    "state.listening": "Listening…",
    "state.thinking": "Thinking…",
    "state.speaking": "Speaking…",
    "state.done": "Your scenario is ready!",
    "state.error": "Something went wrong",
    "mic.on": "Turn mic on",
    "mic.off": "Turn mic off",
    "mic.ptt": "Hold to talk",
    "mic.pttActive": "Release to send",
    send: "Send",
    textLabel: "Message",
    textPlaceholder: "Type in English or Korean",
    you: "You",
    service: "Tutor",
    scenarioTitle: "Your scenario",
    "slot.place": "Place",
    "slot.partner": "Partner",
    "slot.goal": "Goal",
    unknown: "(not set)",
    restart: "Start again",
    reconnect: "Reconnect",
    reconnecting: "Reconnecting to the speech engine… (attempt {n})",
    resuming: "The connection dropped. Reconnecting to go on with the dialog…",
    resumed: "Reconnected: the dialog goes on where it stopped.",
    "fail.connect": "Cannot reach the server.",
    "fail.closed": "The connection to the server was lost.",
    "fail.mic": "The microphone is not available. Please type instead.",
    "fail.micInsecure": "The microphone only works on HTTPS or localhost. Please type instead.",
    "error.no_speech_recognized": "I couldn't make out any words. Please say it again.",
    "error.speech_not_english": "Speech is understood in English only. Say it in English, or type it.",
    "error.transcription_failed": "Your speech could not be transcribed. Please say it again.",
    "error.input_audio_commit_empty": "Almost nothing was recorded. Hold the button while you talk.",
    "error.llm_failed": "No answer could be made; it will be tried again with your next turn.",
    "error.tts_failed": "The reply could not be spoken; here it is as text.",
    "error.upstream_error": "The speech engine reported an error.",
    "error.engine_unavailable": "The speech engine is not available.",
    "error.internal_error": "The service ran into a problem.",
    "error.session_completed": "The scenario is already complete.",
    "error.text_too_long": "That is too long. Please send it in shorter parts.",
    "error.empty_text": "An empty message cannot be sent.",
    "error.invalid_text": "The message holds characters that cannot be sent.",
    "error.rate_limited": "Too many messages; please slow down.",
    "error.audio_too_fast": "Audio is arriving faster than real time.",
    "error.audio_buffer_full": "That turn is too long. Pause, then go on.",
    "error.idle_timeout": "The session ended because nothing was said for a while.",
    "error.session_timeout": "The session reached its time limit.",
    "error.server_busy": "The service is busy. Please reconnect in a moment.",
    "error.server_shutting_down": "The server is restarting; reconnecting to go on with the dialog.",
    "error.session_taken_over": "This dialog goes on in another window.",
    "error.session_not_found": "The earlier dialog could not be found; starting a new one.",
    "error.unauthorized": "Access denied. Open the link you were given (with its token) again.",
    "error.origin_not_allowed": "This page may not connect to the service.",
    "error.other": "The request could not be handled.",
  },
};

const STORAGE_KEY = "scenario-engine.lang";
let language = initialLanguage();

function initialLanguage() {
  const fromUrl = new URLSearchParams(location.search).get("lang");
  const stored = fromUrl || safeStorage()?.getItem(STORAGE_KEY);
  return stored === "en" ? "en" : "ko";
}

function safeStorage() {
  try {
    return window.localStorage;
  } catch {
    return null; // storage can be disabled (private mode); the toggle still works per page
  }
}

export function currentLanguage() {
  return language;
}

/** The text for `key` in the current language, with {name} placeholders filled from `args`. */
export function t(key, args = {}) {
  const text = STRINGS[language][key] ?? STRINGS.ko[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(args[name] ?? ""));
}

/** The learner-facing explanation of an `error` event's code. */
export function errorText(code) {
  return t(`error.${code}` in STRINGS.ko ? `error.${code}` : "error.other");
}

export function setLanguage(next) {
  language = next === "en" ? "en" : "ko";
  safeStorage()?.setItem(STORAGE_KEY, language);
  applyTranslations(document);
}

/** Re-translate every element that carries a key (static text and already-shown notices). */
export function applyTranslations(root) {
  document.documentElement.lang = language;
  document.title = `${t("title")} · scenario-engine`;
  for (const element of root.querySelectorAll("[data-i18n]")) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const element of root.querySelectorAll("[data-i18n-placeholder]")) {
    element.placeholder = t(element.dataset.i18nPlaceholder);
  }
}

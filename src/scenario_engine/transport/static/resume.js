// Carrying one dialog across lost connections (docs/protocol.md, "Resuming a dialog").
// The resume token lives in this tab's sessionStorage only: never in a URL, never in
// localStorage (other tabs), gone when the tab closes.

const TOKEN_KEY = "scenario-engine.resume";
/** Closes after which the dialog may go on: the link died, going away, restart, busy. */
const RESUMABLE_CLOSES = new Set([1001, 1005, 1006, 1011, 1012, 1013]);
const MAX_ATTEMPTS = 5;
let attempts = 0;

function storage() {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled: the dialog still works, it just cannot resume
  }
}

export function savedToken() {
  return storage()?.getItem(TOKEN_KEY) ?? null;
}

/** session.ready: keep its token unless this connection is resuming another dialog. */
export function rememberToken(token, resuming) {
  if (!resuming && token) storage()?.setItem(TOKEN_KEY, token);
}

/** The dialog is over (completed, or unknown to the service): a reload starts anew. */
export function forgetToken() {
  storage()?.removeItem(TOKEN_KEY);
}

export function resumed() {
  attempts = 0;
}

/** Milliseconds to wait before resuming after `code`, or null when the dialog cannot go on. */
export function retryDelay(code) {
  if (!savedToken() || !RESUMABLE_CLOSES.has(code) || attempts >= MAX_ATTEMPTS) return null;
  attempts += 1;
  return Math.min(3000, 200 * 2 ** (attempts - 1));
}

// The client side of docs/protocol.md: one WebSocket, JSON text frames, base64 PCM16 audio.

/** ws(s)://<this host>/ws — the page is served by the service it talks to. */
export function serviceUrl() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}/ws`;
}

/**
 * The learner's token, from the page's address: `/#token=...` (a fragment never reaches the
 * server, so no log sees it) or, the old way, `/?token=...`, which is moved into the fragment
 * so that a reload does not send it again.
 */
export function takePageToken() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const query = new URLSearchParams(location.search);
  const token = fragment.get("token") || query.get("token");
  if (query.has("token")) {
    query.delete("token");
    fragment.set("token", token);
    const search = query.toString() ? `?${query}` : "";
    history.replaceState(null, "", `${location.pathname}${search}#${fragment}`);
  }
  return token || null;
}

/**
 * Subprotocols to offer: `scenario-engine`, and the token as `token.<base64url>` — browsers
 * cannot set an Authorization header on a WebSocket, and a URL would put it in access logs.
 */
export function serviceProtocols(token) {
  if (!token) return [];
  const bytes = new TextEncoder().encode(token);
  const encoded = bytesToBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return ["scenario-engine", `token.${encoded}`];
}

export class ServiceConnection {
  /**
   * @param {string} url
   * @param {string[]} protocols from serviceProtocols()
   * @param {{onEvent: (event: object) => void, onClose: (code: number, opened: boolean) => void}} handlers
   * @param {string|null} resumeToken sent as session.resume, the first frame, when given
   */
  constructor(url, protocols, { onEvent, onClose }, resumeToken = null) {
    this.opened = false;
    this.ready = false;
    this.socket = new WebSocket(url, protocols);
    this.socket.addEventListener("open", () => {
      this.opened = true;
      if (resumeToken) this.socket.send(JSON.stringify({ type: "session.resume", token: resumeToken }));
    });
    this.socket.addEventListener("message", (message) => {
      let event;
      try {
        event = JSON.parse(message.data);
      } catch {
        console.warn("ignoring a frame that is not JSON", message.data);
        return;
      }
      if (event.type === "session.ready") this.ready = true;
      onEvent(event);
    });
    this.socket.addEventListener("close", (close) => {
      this.ready = false;
      onClose(close.code, this.opened);
    });
  }

  /** Events may be sent only after session.ready (the protocol says the client waits). */
  send(event) {
    if (!this.ready || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(event));
    return true;
  }

  sendText(text) {
    return this.send({ type: "text", text });
  }

  /** @param {Int16Array} samples PCM16 mono at `sampleRate` */
  sendAudio(samples, sampleRate) {
    const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
    return this.send({ type: "input_audio_chunk", audio: bytesToBase64(bytes), sample_rate: sampleRate });
  }

  commit() {
    return this.send({ type: "input_audio_commit" });
  }

  close() {
    this.ready = false;
    if (this.socket.readyState <= WebSocket.OPEN) this.socket.close(1000, "client left");
  }
}

// Typed arrays are little-endian on every platform browsers run on, as PCM16 on the wire is.
export function bytesToBase64(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export function base64ToInt16(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length - (binary.length % 2));
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return new Int16Array(bytes.buffer);
}

// The client side of docs/protocol.md: one WebSocket, JSON text frames, base64 PCM16 audio.

/**
 * ws(s)://<this host>/ws — the page is served by the service it talks to. A `token` in the
 * page's own address (/?token=...) is passed on, since browsers cannot set WebSocket headers.
 */
export function serviceUrl() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const token = new URLSearchParams(location.search).get("token");
  const query = token ? `?token=${encodeURIComponent(token)}` : "";
  return `${scheme}://${location.host}/ws${query}`;
}

export class ServiceConnection {
  /**
   * @param {string} url
   * @param {{onEvent: (event: object) => void, onClose: (code: number, opened: boolean) => void}} handlers
   * @param {string|null} resumeToken sent as session.resume, the first frame, when given
   */
  constructor(url, { onEvent, onClose }, resumeToken = null) {
    this.opened = false;
    this.ready = false;
    this.socket = new WebSocket(url);
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

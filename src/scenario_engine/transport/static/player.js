// Gapless playback of a streamed reply: every response.audio.delta becomes an
// AudioBufferSourceNode started exactly where the previous one ends.

const START_LEAD_S = 0.06; // head start for the first chunk, so the second is never late
const WATCHDOG_SLACK_S = 1.0;

export class Player {
  /** @param {() => void} onIdle called once the last chunk of a finished reply has played */
  constructor(onIdle) {
    this.onIdle = onIdle;
    this.context = null;
    this.nextStart = 0;
    this.playing = new Set();
    this.replyDone = false;
    this.watchdog = null;
  }

  /** Create/resume the output context; call from a user gesture so autoplay rules allow it. */
  unlock() {
    this.context ??= new AudioContext();
    if (this.context.state === "suspended") this.context.resume();
  }

  get busy() {
    return this.playing.size > 0 || this.watchdog !== null;
  }

  /** @param {Int16Array} samples PCM16 mono at `sampleRate` */
  enqueue(samples, sampleRate) {
    this.unlock();
    const context = this.context;
    this.replyDone = false;
    if (samples.length === 0) return;
    const buffer = context.createBuffer(1, samples.length, sampleRate);
    const channel = buffer.getChannelData(0);
    for (let i = 0; i < samples.length; i += 1) channel[i] = samples[i] / 32768;
    const source = context.createBufferSource();
    source.buffer = buffer;
    source.connect(context.destination);
    const start = Math.max(this.nextStart, context.currentTime + START_LEAD_S);
    source.start(start);
    this.nextStart = start + buffer.duration;
    this.playing.add(source);
    source.onended = () => {
      this.playing.delete(source);
      this.#checkIdle();
    };
  }

  /** response.audio.done: idle once what is scheduled has played. */
  finishReply() {
    this.replyDone = true;
    // If the output never runs (autoplay blocked, no device), onended never fires: give up
    // waiting a little after the audio would have ended.
    const remaining = this.context ? Math.max(0, this.nextStart - this.context.currentTime) : 0;
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => this.#settle(), (remaining + WATCHDOG_SLACK_S) * 1000);
    this.#checkIdle();
  }

  /** Stop at once and forget what is scheduled (a new reply then starts without a gap). */
  stop() {
    for (const source of this.playing) source.stop();
    this.playing.clear();
    this.nextStart = 0;
    clearTimeout(this.watchdog);
    this.watchdog = null;
    this.replyDone = false;
  }

  #checkIdle() {
    if (this.replyDone && this.playing.size === 0) this.#settle();
  }

  #settle() {
    clearTimeout(this.watchdog);
    this.watchdog = null;
    if (!this.replyDone) return;
    this.replyDone = false;
    this.onIdle();
  }
}

// The microphone as a stream of PCM16 chunks: getUserMedia -> AudioWorklet (pcm-worklet.js).

const CAPTURE_RATE = 24000;
const CHUNK_MS = 20;

export class MicrophoneError extends Error {
  /** @param {"insecure" | "denied"} reason */
  constructor(reason, cause) {
    super(`microphone ${reason}`, { cause });
    this.reason = reason;
  }
}

export class Microphone {
  constructor() {
    this.stream = null;
    this.context = null;
  }

  get isOpen() {
    return this.context !== null;
  }

  /**
   * Start capturing; `onChunk(samples: Int16Array, sampleRate: number)` gets every 20 ms.
   * The context runs at 24 kHz where the browser allows it (the service's native rate); where
   * it does not, the device rate is used and sent along, and the service resamples.
   */
  async open(onChunk) {
    if (!navigator.mediaDevices?.getUserMedia) throw new MicrophoneError("insecure");
    try {
      // Echo cancellation keeps the service's own reply (from the speakers) out of the turn;
      // noise suppression is off because it smears speech for the recognizer (measured with
      // pocketsphinx through Chromium: words were lost with it on, none with it off).
      // Echo cancellation keeps the reply from the speakers out of the service, which would
      // otherwise hear it as the learner speaking over the reply (barge-in).
      this.stream = await navigator.mediaDevices.getUserMedia({
        audio: { channelCount: 1, echoCancellation: true, noiseSuppression: false, autoGainControl: true },
      });
    } catch (error) {
      throw new MicrophoneError("denied", error);
    }
    let source;
    try {
      this.context = new AudioContext({ sampleRate: CAPTURE_RATE });
      source = this.context.createMediaStreamSource(this.stream);
    } catch {
      await this.context?.close();
      this.context = new AudioContext(); // e.g. Firefox refuses to mix rates
      source = this.context.createMediaStreamSource(this.stream);
    }
    const context = this.context;
    await context.audioWorklet.addModule(new URL("./pcm-worklet.js", import.meta.url));
    const capture = new AudioWorkletNode(context, "pcm16-capture", {
      processorOptions: { chunkSamples: Math.round((context.sampleRate * CHUNK_MS) / 1000) },
    });
    capture.port.onmessage = (message) => onChunk(message.data, context.sampleRate);
    source.connect(capture);
    capture.connect(context.destination); // the node outputs silence; the link keeps it pulled
    await context.resume();
  }

  close() {
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.context?.close();
    this.stream = null;
    this.context = null;
  }
}

/** Root mean square of a chunk, 0..1, for the level ring around the microphone button. */
export function level(samples) {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return Math.sqrt(sum / Math.max(1, samples.length)) / 32768;
}

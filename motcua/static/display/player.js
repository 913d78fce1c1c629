// Plays announcements built from recorded clips with Web Audio: each clip is fetched and
// decoded once, then a whole announcement is scheduled back to back on the audio clock, so
// there are no gaps from loading between words. Announcements wait their turn and never
// overlap. When the browser blocks audio (autoplay policy) the board stays silent, says so
// through `onBlocked`, and drops the calls it could not say rather than saying them late.

const UNLOCK_WAIT_MS = 400; // how long a resume() may take before audio counts as blocked
const START_AHEAD_S = 0.05; // schedule slightly ahead so the first clip is not clipped
const MAX_QUEUED = 20; // a board that fell far behind drops the oldest calls

export class ClipPlayer {
  /**
   * @param {{onBlocked: () => void, onAllowed: () => void, onSpeaking: (text: string) => void}} hooks
   */
  constructor({ onBlocked, onAllowed, onSpeaking }) {
    this.context = new AudioContext();
    this.buffers = new Map(); // clip URL -> Promise<AudioBuffer>
    this.queue = []; // Promise<announcement | null>, in call order
    this.playing = false;
    this.onBlocked = onBlocked;
    this.onSpeaking = onSpeaking;
    this.context.addEventListener("statechange", () => {
      if (this.context.state === "running") onAllowed();
    });
    // One tap (or key) anywhere lets the browser play sound from then on.
    const unlock = () => this.context.resume().then(() => {
      if (this.context.state === "running") onAllowed();
    });
    document.addEventListener("pointerdown", unlock);
    document.addEventListener("keydown", unlock);
  }

  /** True when sound can play now; tells `onBlocked` otherwise. */
  async allowed() {
    if (this.context.state !== "running") {
      const waited = new Promise((resolve) => setTimeout(resolve, UNLOCK_WAIT_MS));
      await Promise.race([this.context.resume().catch(() => undefined), waited]);
    }
    if (this.context.state === "running") return true;
    this.onBlocked();
    return false;
  }

  /** The decoded clip at `url`, fetched at most once (a failed fetch is tried again later). */
  clip(url) {
    if (!this.buffers.has(url)) {
      const decoded = fetch(url)
        .then((response) => {
          if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
          return response.arrayBuffer();
        })
        .then((bytes) => this.context.decodeAudioData(bytes));
      decoded.catch(() => this.buffers.delete(url));
      this.buffers.set(url, decoded);
    }
    return this.buffers.get(url);
  }

  /** Decode the clips before the first call, one at a time so the server is not flooded. */
  async preload(urls) {
    for (const url of urls) {
      try {
        await this.clip(url);
      } catch (error) {
        console.warn("clip not loaded", error);
      }
    }
  }

  /** Queue an announcement; `pending` resolves to the server's announcement (or null). */
  enqueue(pending) {
    if (this.queue.length >= MAX_QUEUED) this.queue.shift();
    this.queue.push(pending);
    if (!this.playing) this.drain();
  }

  async drain() {
    this.playing = true;
    while (this.queue.length > 0) {
      const announcement = await this.queue.shift().catch(() => null);
      if (announcement === null) continue;
      try {
        await this.say(announcement);
      } catch (error) {
        console.warn("announcement not played", error);
      }
    }
    this.playing = false;
  }

  /** Schedule every clip of the announcement and resolve when the last one has finished. */
  async say(announcement) {
    if (!(await this.allowed())) return;
    const buffers = new Map();
    for (const [name, url] of Object.entries(announcement.clips)) {
      buffers.set(name, await this.clip(url));
    }
    const context = this.context;
    const wordGap = announcement.word_gap_ms / 1000;
    const partGap = announcement.part_gap_ms / 1000;
    let at = context.currentTime + START_AHEAD_S;
    let last = null;
    announcement.parts.forEach((part, partIndex) => {
      if (partIndex > 0) at += partGap;
      part.forEach((name, wordIndex) => {
        if (wordIndex > 0) at += wordGap;
        const source = context.createBufferSource();
        source.buffer = buffers.get(name);
        source.connect(context.destination);
        source.start(at);
        at += source.buffer.duration;
        last = source;
      });
    });
    if (last === null) return;
    this.onSpeaking(announcement.text);
    const endsInMs = (at - context.currentTime) * 1000;
    await new Promise((resolve) => {
      last.addEventListener("ended", resolve);
      setTimeout(resolve, endsInMs + 1000); // in case the audio clock stalls
    });
    this.onSpeaking("");
  }
}

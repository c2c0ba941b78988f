/**
 * A delay line between a live capture and the analysis: frames are held until they are
 * `holdSeconds` older (in capture time) than the newest frame, so that what a TLS client writes to
 * its key log while it handshakes is read before the analysis reaches that handshake. A client
 * writes its secrets only once it has the ServerHello; without the delay the ServerHello
 * would already have been analysed, with no secret to decrypt the session.
 *
 * Held frames are copied into one preallocated byte ring and metadata arrays (no allocation per
 * frame); when the ring is full the oldest frames are released early, without waiting for the key
 * logs (counted in `early`), and a frame larger than the whole ring is not held at all.
 * `beforeRelease` runs before frames are released on time, at most every `POLL_SECONDS` of capture
 * time (so a hold shorter than that guarantees nothing), and always at `flush()` (end of capture).
 * A frame without a timestamp (pcapng SPB) is released with the next frame that has one.
 */
import type { DecodeIssue } from '../core/issues.js';
import { newFrame, type EmbeddedSecrets, type Frame, type InterfaceInfo } from './frame.js';
import type { FrameSink } from './source.js';

/** Capture time between two calls of `beforeRelease` while frames flow. */
export const POLL_SECONDS = 0.05;
/** Uint32 fields per held frame: index, fileIndex, tsSec, tsNsec, caplen, origLen, linkType, ifIndex, direction, offset, length. */
const META = 11;

export class DelayLine implements FrameSink {
  private readonly bytes: Uint8Array;
  // Metadata ring, one slot per held frame.
  private readonly slots: number;
  private readonly ts: Float64Array;
  private readonly meta: Uint32Array;
  private head = 0; // oldest held slot
  private count = 0;
  /** Next free byte in the ring, and bytes held (0: the ring is empty whatever the frame count). */
  private writeAt = 0;
  private heldBytes = 0;
  private lastPoll = -Infinity;
  private readonly out = newFrame();
  /** Frames released before their hold time because the ring was full. */
  early = 0;

  constructor(
    private readonly sink: FrameSink,
    private readonly holdSeconds: number,
    private readonly beforeRelease: () => void,
    maxBytes = 32 << 20,
    maxFrames = 262_144,
  ) {
    this.bytes = new Uint8Array(maxBytes);
    this.slots = maxFrames;
    this.ts = new Float64Array(maxFrames);
    this.meta = new Uint32Array(maxFrames * META);
  }

  frame(f: Frame): void {
    const n = f.data.length;
    if (n > this.bytes.length) {
      // Larger than the whole ring: everything held goes first, then this frame, in order.
      this.flushHeld(true);
      this.sink.frame(f);
      return;
    }
    // Room at the write position (wrapping to the start when the tail is too short).
    let at = this.writeAt;
    if (at + n > this.bytes.length) at = 0;
    while (this.count > 0 && (this.count === this.slots || this.overlapsHeld(at, n))) this.releaseOldest(true);
    if (this.count === 0) {
      at = 0;
      this.heldBytes = 0;
    }
    this.bytes.set(f.data, at);
    this.writeAt = at + n;
    this.heldBytes += n;
    const slot = (this.head + this.count) % this.slots;
    this.count++;
    this.ts[slot] = f.ts;
    const m = slot * META;
    const meta = this.meta;
    meta[m] = f.index;
    meta[m + 1] = f.fileIndex;
    meta[m + 2] = f.tsSec;
    meta[m + 3] = f.tsNsec;
    meta[m + 4] = f.caplen;
    meta[m + 5] = f.origLen;
    meta[m + 6] = f.linkType;
    meta[m + 7] = f.ifIndex;
    meta[m + 8] = f.direction;
    meta[m + 9] = at;
    meta[m + 10] = n;
    if (!Number.isFinite(f.ts)) return;
    const due = f.ts - this.holdSeconds;
    // `!(ts > due)`: a held frame without a timestamp (NaN) goes with this one.
    if (this.count > 0 && !(this.ts[this.head]! > due)) {
      if (f.ts - this.lastPoll >= POLL_SECONDS) {
        this.lastPoll = f.ts;
        this.beforeRelease();
      }
      while (this.count > 0 && !(this.ts[this.head]! > due)) this.releaseOldest(false);
    }
  }

  /** End of capture: reads the key logs once more and releases every held frame. */
  flush(): void {
    this.beforeRelease();
    this.flushHeld(false);
  }

  issue(i: DecodeIssue): void {
    this.sink.issue(i);
  }

  interface(info: InterfaceInfo, fileIndex: number): void {
    this.sink.interface(info, fileIndex);
  }

  secrets(s: EmbeddedSecrets): void {
    this.sink.secrets(s);
  }

  /** Frames held now. */
  get held(): number {
    return this.count;
  }

  private flushHeld(early: boolean): void {
    while (this.count > 0) this.releaseOldest(early);
  }

  /** Whether [at, at+n) overlaps bytes still held. */
  private overlapsHeld(at: number, n: number): boolean {
    if (n === 0 || this.heldBytes === 0) return false;
    // The held bytes start at the oldest held frame that has any (an empty frame's offset says nothing).
    let slot = this.head;
    while (this.meta[slot * META + 10] === 0) slot = (slot + 1) % this.slots;
    const start = this.meta[slot * META + 9]!;
    const end = this.writeAt;
    // Held bytes run from `start` to `end`, possibly wrapped past the end of the ring.
    if (start < end) return at < end && at + n > start;
    return at < end || at + n > start;
  }

  private releaseOldest(early: boolean): void {
    const slot = this.head;
    const m = slot * META;
    const meta = this.meta;
    const f = this.out;
    f.index = meta[m]!;
    f.fileIndex = meta[m + 1]!;
    f.tsSec = meta[m + 2]!;
    f.tsNsec = meta[m + 3]!;
    f.ts = this.ts[slot]!;
    f.caplen = meta[m + 4]!;
    f.origLen = meta[m + 5]!;
    f.linkType = meta[m + 6]!;
    f.ifIndex = meta[m + 7]!;
    f.direction = meta[m + 8]!;
    const at = meta[m + 9]!;
    const n = meta[m + 10]!;
    f.data = this.bytes.subarray(at, at + n);
    this.head = (this.head + 1) % this.slots;
    this.count--;
    this.heldBytes -= n;
    if (early) this.early++;
    this.sink.frame(f);
  }
}

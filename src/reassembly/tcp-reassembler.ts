/**
 * TCP stream reassembly for one direction: in-order data is passed on as views (no copy);
 * out-of-order data is copied into a buffer bounded per direction and across all connections
 * (OooBudget); missing bytes become gap notices
 * when the peer ACKs past them, when the buffer is full, or at the end.
 */
import type { ChunkInfo, Dir, StreamDecoder } from '../protocols/stream.js';
import { gtSeq, ltSeq } from './tcp-analysis.js';

/** Out-of-order bytes held per direction before the hole is declared a gap. */
export const MAX_OOO_BYTES = 1 << 20;
/** Sequence distance beyond which data is not taken as part of this stream. */
const MAX_JUMP = 0x40000000;

/** Out-of-order bytes held by a set of reassemblers together, and how many they may hold. */
export interface OooBudget {
  held: number;
  max: number;
}

interface Held {
  seq: number;
  data: Uint8Array;
  frame: number;
  ts: number;
}

const INFO = { frame: 0, ts: 0 };

export class TcpReassembler {
  /** Next expected sequence number; undefined until the first data or SYN. */
  private next = 0;
  private started = false;
  private held: Held[] = [];
  private heldBytes = 0;
  delivered = 0;
  gapBytes = 0;
  gaps = 0;
  closed = false;

  constructor(
    private readonly dir: Dir,
    private readonly out: StreamDecoder,
    private readonly budget: OooBudget = { held: 0, max: Infinity },
  ) {}

  /** Whether `len` more held bytes would exceed this direction's or the shared limit. */
  private full(len: number): boolean {
    return this.heldBytes + len > MAX_OOO_BYTES || this.budget.held + len > this.budget.max;
  }

  /** The SYN fixes the initial sequence number. */
  syn(seq: number): void {
    if (!this.started) {
      this.next = (seq + 1) >>> 0;
      this.started = true;
    }
  }

  /**
   * A segment's captured payload. `wireLen` is its length per the IP header; when the
   * capture cut it (snaplen), the missing tail is reported as a gap.
   */
  segment(seq: number, payload: Uint8Array, wireLen: number, frame: number, ts: number): void {
    if (this.closed || wireLen === 0) return;
    if (!this.started) {
      this.next = seq;
      this.started = true;
    }
    const end = (seq + wireLen) >>> 0;
    if (!gtSeq(end, this.next)) return; // entirely old: retransmission
    if (gtSeq(seq, this.next)) {
      // A quarter of the sequence space ahead is not a segment of this stream (gapTo would not
      // move there either): holding it could never be resolved.
      if (((seq - this.next) >>> 0) >= MAX_JUMP) return;
      this.hold(seq, payload, frame, ts, wireLen);
      return;
    }
    this.deliver(seq, payload, wireLen, frame, ts);
    this.drain();
  }

  /** The peer acknowledged up to `ack`: bytes before it that we never saw were lost from the capture. */
  acked(ack: number, frame: number, ts: number): void {
    if (!this.started || this.closed) return;
    if (this.held.length > 0 && !ltSeq(ack, this.held[0]!.seq) && gtSeq(this.held[0]!.seq, this.next)) {
      this.gapTo(this.held[0]!.seq, frame, ts);
      this.drain();
    } else if (this.held.length === 0 && gtSeq(ack, this.next) && ((ack - this.next) >>> 0) < MAX_JUMP) {
      // ACKed data that was never captured (capture loss or a mid-stream start).
      if (this.delivered > 0 || this.gaps > 0) this.gapTo(ack, frame, ts);
      else this.next = ack;
    }
  }

  /**
   * The decoder is no longer wanted (the session layer stopped following): held data is let
   * go without being delivered, and its bytes are handed back to the shared budget.
   */
  discard(): void {
    this.budget.held -= this.heldBytes;
    this.held = [];
    this.heldBytes = 0;
    this.closed = true;
  }

  /** FIN/RST or end of capture: report what is still missing and close. */
  finish(frame: number, ts: number): void {
    if (this.closed) return;
    while (this.held.length > 0) {
      const h = this.held[0]!;
      if (gtSeq(h.seq, this.next)) this.gapTo(h.seq, frame, ts);
      this.drain();
    }
    this.closed = true;
    INFO.frame = frame;
    INFO.ts = ts;
    this.out.end(this.dir, INFO as ChunkInfo);
  }

  private deliver(seq: number, payload: Uint8Array, wireLen: number, frame: number, ts: number): void {
    const skip = (this.next - seq) >>> 0; // overlap with bytes already delivered
    const capLen = payload.length;
    INFO.frame = frame;
    INFO.ts = ts;
    if (skip < capLen) {
      const view = skip === 0 ? payload : payload.subarray(skip);
      this.out.push(this.dir, view, INFO as ChunkInfo);
      this.delivered += view.length;
    }
    const newEnd = (seq + wireLen) >>> 0;
    const capturedEnd = (seq + capLen) >>> 0;
    if (gtSeq(newEnd, capturedEnd) && gtSeq(newEnd, this.next)) {
      // Cut by snaplen: the rest of this segment is missing.
      const from = gtSeq(capturedEnd, this.next) ? capturedEnd : this.next;
      const missing = (newEnd - from) >>> 0;
      this.gapBytes += missing;
      this.gaps++;
      this.out.gap(this.dir, missing, INFO as ChunkInfo);
    }
    this.next = newEnd;
  }

  private hold(seq: number, payload: Uint8Array, frame: number, ts: number, wireLen: number): void {
    if (payload.length < wireLen) {
      // Only complete segments are held; a cut one will surface as a gap.
      return;
    }
    if (this.full(payload.length)) {
      // Give up waiting: declare the holes one at a time, delivering what was held between them
      // (as finish() does), until this segment fits after what remains.
      while (this.held.length > 0 && this.full(payload.length)) {
        const h = this.held[0]!;
        if (gtSeq(h.seq, this.next)) this.gapTo(h.seq, frame, ts);
        this.drain();
      }
      if (this.held.length === 0) {
        // Nothing of this direction left to let go (the shared limit may still be reached by
        // other connections): the hole before this segment is a gap now.
        if (gtSeq(seq, this.next)) this.gapTo(seq, frame, ts);
        this.deliver(seq, payload, wireLen, frame, ts);
        this.drain();
        return;
      }
    }
    let i = this.held.length;
    while (i > 0 && gtSeq(this.held[i - 1]!.seq, seq)) i--;
    if (i > 0 && this.held[i - 1]!.seq === seq) return; // duplicate
    this.held.splice(i, 0, { seq, data: payload.slice(), frame, ts });
    this.heldBytes += payload.length;
    this.budget.held += payload.length;
  }

  private drain(): void {
    while (this.held.length > 0) {
      const h = this.held[0]!;
      if (gtSeq(h.seq, this.next)) break;
      this.held.shift();
      this.heldBytes -= h.data.length;
      this.budget.held -= h.data.length;
      const end = (h.seq + h.data.length) >>> 0;
      if (gtSeq(end, this.next)) this.deliver(h.seq, h.data, h.data.length, h.frame, h.ts);
    }
  }

  private gapTo(seq: number, frame: number, ts: number): void {
    const missing = (seq - this.next) >>> 0;
    if (missing === 0 || missing >= MAX_JUMP) return;
    this.gapBytes += missing;
    this.gaps++;
    INFO.frame = frame;
    INFO.ts = ts;
    this.out.gap(this.dir, missing, INFO as ChunkInfo);
    this.next = seq;
  }
}

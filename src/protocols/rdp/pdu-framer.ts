/**
 * Cuts one direction of an RDP byte stream into whole PDUs (TPKT, fast-path, or a fixed
 * 4-byte PDU such as the Early User Authorization Result), whatever the segment boundaries.
 *
 * Complete PDUs inside a chunk are passed as views of that chunk (no copy); only a PDU split
 * across chunks is copied into a buffer of exactly its length (≤ 65535 bytes for TPKT,
 * ≤ 32767 for fast-path, so always below MAX_PDU_BUFFER). At every PDU boundary the owner
 * decides from the first byte how to frame what follows, or to stop (security upgrade, garbage).
 */
import { MAX_PDU_BUFFER, type ChunkInfo } from '../stream.js';
import { INVALID, NEED_MORE, fastPathLength, tpktLength } from './tpkt.js';

export type PduKind = 'tpkt' | 'fastpath' | 'fixed4';
export type BoundaryDecision = PduKind | 'upgrade' | 'invalid' | 'skip';

export interface FramerOwner {
  /** Called at each PDU boundary with the first byte of what follows. */
  classify(b0: number): BoundaryDecision;
  /** A whole PDU `buf[start..end)`; `firstFrame` is where it began. The view is valid during the call only. */
  pdu(kind: PduKind, buf: Uint8Array, start: number, end: number, firstFrame: number, info: ChunkInfo, streamOffset: number): void;
}

/** What push() ended with. */
export const FramerStop = {
  /** All bytes consumed (possibly a partial PDU buffered). */
  Consumed: -1,
  /** The bytes cannot start a PDU (or an illegal length): the direction should be given up. */
  Invalid: -2,
  /** The owner asked to drop the rest. */
  Skipped: -3,
} as const;

function lengthOf(kind: PduKind, b: Uint8Array, off: number, end: number): number {
  if (kind === 'tpkt') return tpktLength(b, off, end);
  if (kind === 'fastpath') return fastPathLength(b, off, end);
  return 4;
}

export class PduFramer {
  /** Stream offset (bytes of this direction seen before the current chunk). */
  private base = 0;
  private kind: PduKind = 'tpkt';
  /** Bytes of a PDU header split across chunks (allocated the first time one is). */
  private header: Uint8Array | null = null;
  private buf: Uint8Array | null = null;
  private have = 0;
  private total = 0;
  private firstFrame = 0;
  private pduOffset = 0;
  /** Offset (in the stream) of the problem when push() returned Invalid. */
  invalidOffset = 0;
  /** First byte seen at the failing boundary (or -1 for an illegal length). */
  invalidByte = -1;

  constructor(private readonly owner: FramerOwner) {}

  /** Bytes of a partial PDU currently buffered. */
  get pending(): number {
    return this.have;
  }
  /** Length of the partial PDU when known, else 0. */
  get pendingTotal(): number {
    return this.total;
  }
  get streamOffset(): number {
    return this.base;
  }

  /**
   * Frames `data`; returns FramerStop.Consumed, Invalid, Skipped, or the index in `data` where
   * the owner decided 'upgrade' (that index and everything after were not consumed).
   */
  push(data: Uint8Array, info: ChunkInfo): number {
    const n = data.length;
    let o = 0;
    try {
      while (o < n) {
        if (this.have > 0) {
          if (this.total === 0) {
            // Still collecting the header of a split PDU, one byte at a time (at most 3 more).
            const header = this.header!;
            header[this.have++] = data[o++]!;
            const len = lengthOf(this.kind, header, 0, this.have);
            if (len === INVALID) return this.fail(this.pduOffset, -1);
            if (len === NEED_MORE) {
              if (this.have >= 4) return this.fail(this.pduOffset, -1);
              continue;
            }
            if (len > MAX_PDU_BUFFER) return this.fail(this.pduOffset, -1);
            this.total = len;
            this.buf = new Uint8Array(len);
            this.buf.set(header.subarray(0, this.have));
            if (this.have >= len) {
              this.complete(info);
              continue;
            }
          }
          const take = Math.min(this.total - this.have, n - o);
          this.buf!.set(data.subarray(o, o + take), this.have);
          this.have += take;
          o += take;
          if (this.have === this.total) this.complete(info);
          continue;
        }
        const decision = this.owner.classify(data[o]!);
        if (decision === 'upgrade') return o;
        if (decision === 'skip') return FramerStop.Skipped;
        if (decision === 'invalid') return this.fail(this.base + o, data[o]!);
        const len = lengthOf(decision, data, o, n);
        if (len === INVALID || len > MAX_PDU_BUFFER) return this.fail(this.base + o, -1);
        if (len > 0 && o + len <= n) {
          this.owner.pdu(decision, data, o, o + len, info.frame, info, this.base + o);
          o += len;
          continue;
        }
        // Partial PDU: keep it.
        this.kind = decision;
        this.firstFrame = info.frame;
        this.pduOffset = this.base + o;
        const rest = n - o;
        if (len > 0) {
          this.total = len;
          this.buf = new Uint8Array(len);
          this.buf.set(data.subarray(o, n));
        } else {
          this.total = 0;
          (this.header ??= new Uint8Array(4)).set(data.subarray(o, n));
        }
        this.have = rest;
        o = n;
      }
      return FramerStop.Consumed;
    } finally {
      this.base += o;
    }
  }

  private complete(info: ChunkInfo): void {
    const buf = this.buf!;
    const total = this.total;
    const first = this.firstFrame;
    const off = this.pduOffset;
    this.reset();
    this.owner.pdu(this.kind, buf, 0, total, first, info, off);
  }

  private fail(offset: number, byte: number): number {
    this.invalidOffset = offset;
    this.invalidByte = byte;
    this.reset();
    return FramerStop.Invalid;
  }

  /** Drops a partial PDU (after a gap or at the end); returns how many bytes were dropped. */
  reset(): number {
    const had = this.have;
    this.buf = null;
    this.have = 0;
    this.total = 0;
    return had;
  }

  /** Accounts for `len` missing bytes (a gap): the stream offset moves on. */
  skip(len: number): void {
    this.base += len;
  }
}

/**
 * IPv4 and IPv6 fragment reassembly on capture time. Fragments are copied (they outlive
 * their frame); sets that never complete are reported with what was seen and how long
 * they waited. Memory is bounded by a byte budget; the oldest sets are expired first.
 */
import { ipv4ToString, ipv6ToString } from '../core/addr.js';
import type { Packet } from '../decode/packet.js';

/** Linux ipfrag_time (protocol-facts §2.3): a set older than this is declared lost. */
export const REASSEMBLY_TIMEOUT_V4 = 30;
/** RFC 8200 §4.5. */
export const REASSEMBLY_TIMEOUT_V6 = 60;
const MAX_BYTES = 32 << 20;
const MAX_DATAGRAM = 65535 + 40;

interface Piece {
  offset: number;
  data: Uint8Array;
  frame: number;
  more: boolean;
}

interface FragSet {
  key: string;
  v6: boolean;
  src: string;
  dst: string;
  proto: number;
  id: number;
  first: number;
  firstFrame: number;
  last: number;
  pieces: Piece[];
  /** Network header of the offset-0 fragment (copied), for rebuilding the datagram. */
  header: Uint8Array | null;
  totalLength: number;
  bytes: number;
  overlaps: number;
  overlapConflicts: number;
  srcPort: number;
  dstPort: number;
}

export interface IncompleteFragments {
  v6: boolean;
  src: string;
  dst: string;
  proto: number;
  id: number;
  /** Offsets and lengths of the fragments seen, with their frames. */
  seen: { offset: number; length: number; frame: number; more: boolean }[];
  hasFirst: boolean;
  hasLast: boolean;
  firstFrame: number;
  firstTs: number;
  lastTs: number;
  /** How long it waited: until the timeout, or until the end of the capture. */
  waited: number;
  reason: 'timeout' | 'end-of-capture' | 'memory';
  srcPort: number;
  dstPort: number;
}

export interface ReassembledDatagram {
  data: Uint8Array;
  l4Offset: number;
  frames: number[];
  overlaps: number;
  overlapConflicts: number;
}

export class IpDefragmenter {
  private readonly sets = new Map<string, FragSet>();
  private bytes = 0;
  readonly incomplete: IncompleteFragments[] = [];
  completed = 0;
  overlapConflicts = 0;
  private readonly maxIncompleteKept = 10_000;

  /**
   * Adds a fragment held in p (decoded to the network layer). Returns the rebuilt datagram
   * when this fragment completes its set, else null.
   */
  add(p: Packet, frame: number, ts: number): ReassembledDatagram | null {
    this.expire(ts);
    const v6 = p.ipVersion === 6;
    const id = v6 ? p.fragId6 : p.ipId;
    const src = v6 ? ipv6ToString(p.src6) : ipv4ToString(p.src4);
    const dst = v6 ? ipv6ToString(p.dst6) : ipv4ToString(p.dst4);
    const key = `${src}>${dst}/${p.proto}/${id}`;
    let set = this.sets.get(key);
    if (!set) {
      set = {
        key, v6, src, dst, proto: p.proto, id, first: ts, firstFrame: frame, last: ts, pieces: [], header: null,
        totalLength: -1, bytes: 0, overlaps: 0, overlapConflicts: 0, srcPort: 0, dstPort: 0,
      };
      this.sets.set(key, set);
    }
    if (Number.isFinite(ts)) set.last = ts;
    const data = p.data.subarray(p.l4Offset, p.l4End).slice();
    if (p.fragOffset === 0) {
      set.header = p.data.subarray(p.l3Offset, p.l4Offset).slice();
      if (data.length >= 4 && (p.proto === 6 || p.proto === 17)) {
        set.srcPort = (data[0]! << 8) | data[1]!;
        set.dstPort = (data[2]! << 8) | data[3]!;
      }
    }
    if (!p.mf) set.totalLength = p.fragOffset + p.l4WireLength;
    // overlap check
    for (const q of set.pieces) {
      const s = Math.max(q.offset, p.fragOffset);
      const e = Math.min(q.offset + q.data.length, p.fragOffset + data.length);
      if (s < e) {
        set.overlaps++;
        for (let i = s; i < e; i++) {
          if (q.data[i - q.offset] !== data[i - p.fragOffset]) {
            set.overlapConflicts++;
            this.overlapConflicts++;
            break;
          }
        }
      }
    }
    set.pieces.push({ offset: p.fragOffset, data, frame, more: p.mf });
    set.bytes += data.length;
    this.bytes += data.length;
    if (set.bytes > MAX_DATAGRAM * 2) {
      this.drop(set, 'memory', ts);
      return null;
    }
    const done = this.tryComplete(set);
    if (done) return done;
    while (this.bytes > MAX_BYTES && this.sets.size > 0) {
      const oldest = this.sets.values().next().value as FragSet;
      this.drop(oldest, 'memory', ts);
    }
    return null;
  }

  private tryComplete(set: FragSet): ReassembledDatagram | null {
    if (set.totalLength < 0 || !set.header) return null;
    const sorted = [...set.pieces].sort((a, b) => a.offset - b.offset);
    let covered = 0;
    for (const q of sorted) {
      if (q.offset > covered) return null;
      covered = Math.max(covered, q.offset + q.data.length);
    }
    if (covered < set.totalLength) return null;
    // The captured data may be short (snaplen): rebuild with what we have.
    const h = set.header;
    const out = new Uint8Array(h.length + set.totalLength);
    out.set(h, 0);
    // Later fragments win on overlap, like most stacks' "last" policy is not universal;
    // we keep the first-received bytes (BSD-like) by writing in reverse arrival order.
    for (let i = set.pieces.length - 1; i >= 0; i--) {
      const q = set.pieces[i]!;
      const len = Math.min(q.data.length, set.totalLength - q.offset);
      if (len > 0) out.set(q.data.subarray(0, len), h.length + q.offset);
    }
    if (!set.v6) {
      // Fix the header: total length, no MF/offset.
      const total = out.length;
      out[2] = (total >> 8) & 0xff;
      out[3] = total & 0xff;
      out[6] = out[6]! & 0x40;
      out[7] = 0;
    }
    this.sets.delete(set.key);
    this.bytes -= set.bytes;
    this.completed++;
    return { data: out, l4Offset: h.length, frames: set.pieces.map((q) => q.frame), overlaps: set.overlaps, overlapConflicts: set.overlapConflicts };
  }

  private drop(set: FragSet, reason: IncompleteFragments['reason'], now: number): void {
    this.sets.delete(set.key);
    this.bytes -= set.bytes;
    if (this.incomplete.length >= this.maxIncompleteKept) return;
    const timeout = set.v6 ? REASSEMBLY_TIMEOUT_V6 : REASSEMBLY_TIMEOUT_V4;
    this.incomplete.push({
      v6: set.v6,
      src: set.src,
      dst: set.dst,
      proto: set.proto,
      id: set.id,
      seen: set.pieces.map((q) => ({ offset: q.offset, length: q.data.length, frame: q.frame, more: q.more })),
      hasFirst: set.pieces.some((q) => q.offset === 0),
      hasLast: set.pieces.some((q) => !q.more),
      firstFrame: set.firstFrame,
      firstTs: set.first,
      lastTs: set.last,
      waited: reason === 'timeout' ? timeout : Math.max(0, now - set.first),
      reason,
      srcPort: set.srcPort,
      dstPort: set.dstPort,
    });
  }

  /** Declares sets older than the reassembly timeout lost. Capture time drives this. */
  expire(now: number): void {
    if (!Number.isFinite(now)) return;
    for (const set of this.sets.values()) {
      const timeout = set.v6 ? REASSEMBLY_TIMEOUT_V6 : REASSEMBLY_TIMEOUT_V4;
      if (now - set.first > timeout) this.drop(set, 'timeout', now);
      else break; // insertion order ≈ age order
    }
  }

  /** End of capture: whatever is left never completed. */
  flush(now: number): void {
    for (const set of [...this.sets.values()]) this.drop(set, 'end-of-capture', now);
  }
}

/**
 * IPv4 and IPv6 fragment reassembly on capture time. Fragments are copied (they outlive
 * their frame); sets that never complete are reported with what was seen and how long
 * they waited. Memory is bounded by a byte budget that counts what each pending set and each
 * held fragment costs besides its payload (a flood of first fragments with distinct IDs holds
 * a few bytes of payload per set but a kilobyte or more of bookkeeping), by a cap on the number
 * of pending sets and on the fragments of one set; over any of them the oldest sets are given
 * up first (reason `memory`, counted). Sets given up are listed up to a limit, and counted all.
 */
import { ipv4ToString, ipv6ToString } from '../core/addr.js';
import { slabCopy } from '../core/slab.js';
import type { Packet } from '../decode/packet.js';

/** Linux ipfrag_time (protocol-facts §2.3): a set older than this is declared lost. */
export const REASSEMBLY_TIMEOUT_V4 = 30;
/** RFC 8200 §4.5. */
export const REASSEMBLY_TIMEOUT_V6 = 60;
/** Payload and bookkeeping of all pending sets, at most. */
export const MAX_BYTES = 32 << 20;
/** Pending sets at most (Linux holds a few thousand queues under its 4 MB ipfrag_high_thresh). */
export const MAX_SETS = 4096;
/** Fragments of one set at most: a 64 KiB datagram cut for the IPv4 minimum MTU of 68 has 1 366. */
export const MAX_PIECES = 2048;
/** Estimated cost of a pending set besides its fragments (record, key and address strings, map entry). */
export const SET_OVERHEAD = 640;
/** Estimated cost of a held fragment besides its payload (record, its own small buffer). */
export const PIECE_OVERHEAD = 256;
/** Fragments listed per incomplete set in the report (all are counted). */
export const MAX_LISTED_PIECES = 64;
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
  /** Payload held plus PIECE_OVERHEAD per fragment (what the budget counts). */
  bytes: number;
  /** Payload held. */
  payload: number;
  overlaps: number;
  overlapConflicts: number;
  srcPort: number;
  dstPort: number;
  /**
   * Age order (oldest first), as an intrusive list: a Map's own order would do, but finding its
   * first live entry after many deletions walks every deleted slot until the table is rebuilt.
   */
  older: FragSet | null;
  newer: FragSet | null;
}

export interface IncompleteFragments {
  v6: boolean;
  src: string;
  dst: string;
  proto: number;
  id: number;
  /** Offsets and lengths of the fragments seen, with their frames (the first MAX_LISTED_PIECES). */
  seen: { offset: number; length: number; frame: number; more: boolean }[];
  /** Fragments seen in all. */
  fragments: number;
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
  private oldest: FragSet | null = null;
  private newest: FragSet | null = null;
  private bytes = 0;
  readonly incomplete: IncompleteFragments[] = [];
  completed = 0;
  overlapConflicts = 0;
  /** Sets given up, by reason (all of them, listed in `incomplete` or not). */
  readonly givenUp = { timeout: 0, 'end-of-capture': 0, memory: 0 };
  /** Sets given up but not listed in `incomplete` (over maxIncompleteKept). */
  notListed = 0;
  /** The most sets and bytes pending at once (for the report and tests). */
  peakSets = 0;
  peakBytes = 0;
  private readonly maxIncompleteKept = 10_000;

  /** Sets pending now. */
  get pending(): number {
    return this.sets.size;
  }

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
      // Room for one more set: the oldest go first.
      while (this.sets.size >= MAX_SETS && this.oldest !== null) this.drop(this.oldest, 'memory', ts);
      set = {
        key, v6, src, dst, proto: p.proto, id, first: ts, firstFrame: frame, last: ts, pieces: [], header: null,
        totalLength: -1, bytes: 0, payload: 0, overlaps: 0, overlapConflicts: 0, srcPort: 0, dstPort: 0, older: this.newest, newer: null,
      };
      this.sets.set(key, set);
      if (this.newest !== null) this.newest.newer = set;
      else this.oldest = set;
      this.newest = set;
      this.bytes += SET_OVERHEAD;
      if (this.sets.size > this.peakSets) this.peakSets = this.sets.size;
    }
    if (Number.isFinite(ts)) set.last = ts;
    // Small copies come from shared slabs (an own buffer costs ~1 KB whatever its length).
    const data = slabCopy(p.data.subarray(p.l4Offset, p.l4End));
    if (p.fragOffset === 0) {
      set.header = slabCopy(p.data.subarray(p.l3Offset, p.l4Offset));
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
    set.bytes += data.length + PIECE_OVERHEAD;
    set.payload += data.length;
    this.bytes += data.length + PIECE_OVERHEAD;
    if (this.bytes > this.peakBytes) this.peakBytes = this.bytes;
    if (set.payload > MAX_DATAGRAM * 2 || set.pieces.length > MAX_PIECES) {
      this.drop(set, 'memory', ts);
      return null;
    }
    const done = this.tryComplete(set);
    if (done) return done;
    while (this.bytes > MAX_BYTES && this.oldest !== null) this.drop(this.oldest, 'memory', ts);
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
    this.remove(set);
    this.completed++;
    return { data: out, l4Offset: h.length, frames: set.pieces.map((q) => q.frame), overlaps: set.overlaps, overlapConflicts: set.overlapConflicts };
  }

  private remove(set: FragSet): void {
    this.sets.delete(set.key);
    this.bytes -= set.bytes + SET_OVERHEAD;
    if (set.older !== null) set.older.newer = set.newer;
    else this.oldest = set.newer;
    if (set.newer !== null) set.newer.older = set.older;
    else this.newest = set.older;
    set.older = set.newer = null;
  }

  private drop(set: FragSet, reason: IncompleteFragments['reason'], now: number): void {
    this.remove(set);
    this.givenUp[reason]++;
    if (this.incomplete.length >= this.maxIncompleteKept) {
      this.notListed++;
      return;
    }
    const timeout = set.v6 ? REASSEMBLY_TIMEOUT_V6 : REASSEMBLY_TIMEOUT_V4;
    this.incomplete.push({
      v6: set.v6,
      src: set.src,
      dst: set.dst,
      proto: set.proto,
      id: set.id,
      seen: set.pieces.slice(0, MAX_LISTED_PIECES).map((q) => ({ offset: q.offset, length: q.data.length, frame: q.frame, more: q.more })),
      fragments: set.pieces.length,
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
    for (let set = this.oldest; set !== null; set = this.oldest) {
      const timeout = set.v6 ? REASSEMBLY_TIMEOUT_V6 : REASSEMBLY_TIMEOUT_V4;
      if (now - set.first > timeout) this.drop(set, 'timeout', now);
      else break; // insertion order ≈ age order
    }
  }

  /** End of capture: whatever is left never completed. */
  flush(now: number): void {
    while (this.oldest !== null) this.drop(this.oldest, 'end-of-capture', now);
  }
}

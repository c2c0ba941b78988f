/**
 * Finds KRB-ERROR messages carried inside other protocols' GSS-API blobs (SMB session setup,
 * LDAP bind, DCE-RPC auth) without decoding those protocols: it looks for the KRB-ERROR
 * header (APPLICATION 30, then pvno 5 and msg-type 30, RFC 4120 §5.9.1) in the stream and
 * parses from there. A clock-skew error seen there breaks the same Kerberos an RDP NLA needs.
 */
import { slabAlloc } from '../../core/slab.js';
import { isKrbRequest, krbEvent, type KrbEvent } from './events.js';
import { parseKerberosMessage } from './messages.js';
import { estimateSkew, skewInputFor } from './skew.js';
import type { ChunkInfo, Dir, Sink, StreamDecoder } from '../stream.js';

/** pvno [0] INTEGER 5, msg-type [1] INTEGER 30 — the fixed start of a KRB-ERROR SEQUENCE body. */
const PVNO_MSGTYPE = [0xa0, 0x03, 0x02, 0x01, 0x05, 0xa1, 0x03, 0x02, 0x01, 0x1e];
/** Bytes kept from the previous chunk so a header split across segments is still found. */
const OVERLAP = 32;
const MAX_MESSAGE = 8192;
const MAX_MESSAGES = 32;

export class GssKerberosScanner implements StreamDecoder {
  /** The last OVERLAP bytes of each direction's previous chunk (client half, server half), and their lengths. */
  private tail: Uint8Array | null = null;
  private readonly tailLen = [0, 0];
  /** Bytes of a candidate message still being collected, per direction. */
  private pending: [Uint8Array | null, Uint8Array | null] = [null, null];
  private found = 0;
  private lastRequestTs: number | undefined;

  constructor(private readonly sink: Sink<KrbEvent>) {}

  push(dir: Dir, data: Uint8Array, info: ChunkInfo): void {
    if (this.found >= MAX_MESSAGES) return;
    const pend = this.pending[dir];
    if (pend) {
      const joined = concat(pend, data.subarray(0, Math.max(0, MAX_MESSAGE - pend.length)));
      this.pending[dir] = null;
      if (this.tryParse(joined, 0, dir, info)) return;
    }
    // Scan the boundary (previous tail + start of this chunk) in a small buffer, then the chunk
    // itself as a view: no copy of whole segments.
    const tail = (this.tail ??= slabAlloc(2 * OVERLAP));
    const t0 = dir * OVERLAP;
    const tl = this.tailLen[dir]!;
    if (tl > 0 && hasByte(tail, t0, t0 + tl, 0x7e)) {
      // A header may start in the previous chunk's tail: scan candidates that start there, with
      // as much of this chunk after them as a message can need.
      const edge = concat(tail.subarray(t0, t0 + tl), data.subarray(0, Math.min(data.length, MAX_MESSAGE)));
      if (this.scan(edge, dir, info, tl)) return;
    }
    if (this.scan(data, dir, info, data.length)) return;
    // Kept in place: no copy per chunk.
    const keep = Math.min(OVERLAP, data.length);
    tail.set(data.subarray(data.length - keep), t0);
    this.tailLen[dir] = keep;
  }

  /** Looks for KRB-ERROR headers starting before `limit`; true when it kept bytes pending. */
  private scan(buf: Uint8Array, dir: Dir, info: ChunkInfo, limit: number): boolean {
    for (let i = buf.indexOf(0x7e); i >= 0 && i < limit && i + 4 + PVNO_MSGTYPE.length <= buf.length; i = buf.indexOf(0x7e, i + 1)) {
      const start = bodyStart(buf, i);
      if (start < 0 || !matches(buf, start)) continue;
      if (this.tryParse(buf, i, dir, info)) continue;
      // Probably cut by the segment end: wait for more.
      this.pending[dir] = buf.slice(i, Math.min(buf.length, i + MAX_MESSAGE));
      this.tailLen[dir] = 0;
      return true;
    }
    return false;
  }

  private tryParse(buf: Uint8Array, at: number, dir: Dir, info: ChunkInfo): boolean {
    const r = parseKerberosMessage(buf, at, Math.min(buf.length, at + MAX_MESSAGE));
    if (!r.ok) return false;
    const m = r.message;
    this.found++;
    const origin = { frame: info.frame, ts: info.ts, dir };
    if (isKrbRequest(m.msgType)) this.lastRequestTs = info.ts;
    if (m.msgType === 30) {
      const skewIn = skewInputFor(m, info.ts, this.lastRequestTs);
      this.sink(krbEvent(m, origin, 'embedded', estimateSkew(skewIn)));
    } else this.sink(krbEvent(m, origin, 'embedded'));
    return true;
  }

  gap(dir: Dir): void {
    this.tailLen[dir] = 0;
    this.pending[dir] = null;
  }

  end(dir: Dir): void {
    this.gap(dir);
  }
}

/** Offset of the SEQUENCE body after `7e len 30 len`, or -1. */
function bodyStart(b: Uint8Array, i: number): number {
  let p = i + 1;
  const l1 = b[p]!;
  p += l1 & 0x80 ? 1 + (l1 & 0x7f) : 1;
  if (b[p] !== 0x30) return -1;
  p++;
  const l2 = b[p]!;
  p += l2 & 0x80 ? 1 + (l2 & 0x7f) : 1;
  return p + PVNO_MSGTYPE.length <= b.length ? p : -1;
}

function matches(b: Uint8Array, p: number): boolean {
  for (let k = 0; k < PVNO_MSGTYPE.length; k++) if (b[p + k] !== PVNO_MSGTYPE[k]) return false;
  return true;
}

function hasByte(b: Uint8Array, from: number, to: number, v: number): boolean {
  for (let i = from; i < to; i++) if (b[i] === v) return true;
  return false;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

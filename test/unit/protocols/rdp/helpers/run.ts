/**
 * Test helper: run the RDP stream decoders over chunk lists and re-chunk streams for
 * split-invariance checks.
 */
import type { DecodeIssue } from '../../../../../src/core/issues.js';
import type { RdpEvent } from '../../../../../src/protocols/rdp/events.js';
import { RdpPduDecoder, type RdpPduDecoderOptions } from '../../../../../src/protocols/rdp/rdp-pdu-decoder.js';
import { RdpStreamDecoder } from '../../../../../src/protocols/rdp/rdp-decoder.js';
import type { Chunk } from './tshark-streams.js';

export type AnyEvent = RdpEvent | DecodeIssue;

export interface StreamRun {
  events: AnyEvent[];
  upgraded: [Uint8Array, Uint8Array];
  upgradeCalls: number;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function runStream(chunks: Chunk[], opts: { end?: boolean } = {}): StreamRun {
  const events: AnyEvent[] = [];
  const up: [Uint8Array[], Uint8Array[]] = [[], []];
  let calls = 0;
  const d = new RdpStreamDecoder((e) => events.push(e), {
    onUpgrade: (dir, rest) => {
      calls++;
      up[dir].push(rest.slice());
    },
  });
  for (const c of chunks) d.push(c.dir, c.data, { frame: c.frame, ts: c.ts });
  if (opts.end !== false) {
    const last = chunks[chunks.length - 1];
    const info = { frame: last?.frame ?? 0, ts: last?.ts ?? 0 };
    d.end(0, info);
    d.end(1, info);
  }
  return { events, upgraded: [concat(up[0]), concat(up[1])], upgradeCalls: calls };
}

export function runPdu(chunks: Chunk[], options: RdpPduDecoderOptions = { decrypted: true }): AnyEvent[] {
  const events: AnyEvent[] = [];
  const d = new RdpPduDecoder((e) => events.push(e), options);
  for (const c of chunks) d.push(c.dir, c.data, { frame: c.frame, ts: c.ts });
  const last = chunks[chunks.length - 1];
  const info = { frame: last?.frame ?? 0, ts: last?.ts ?? 0 };
  d.end(0, info);
  d.end(1, info);
  return events;
}

/** Same bytes, same direction order, every chunk given the same frame/ts (so events must be identical). */
export function flatten(chunks: Chunk[]): Chunk[] {
  return chunks.map((c) => ({ ...c, frame: 1, ts: 0 }));
}

/** Splits the chunk containing global byte offset `at` (over the interleaved sequence) in two. */
export function splitAt(chunks: Chunk[], at: number): Chunk[] {
  const out: Chunk[] = [];
  let base = 0;
  for (const c of chunks) {
    const end = base + c.data.length;
    if (at > base && at < end) {
      out.push({ ...c, data: c.data.subarray(0, at - base) });
      out.push({ ...c, data: c.data.subarray(at - base) });
    } else out.push(c);
    base = end;
  }
  return out;
}

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cuts every chunk into random pieces (1..maxPiece bytes). */
export function randomSplit(chunks: Chunk[], seed: number, maxPiece = 64): Chunk[] {
  const r = rng(seed);
  const out: Chunk[] = [];
  for (const c of chunks) {
    let o = 0;
    while (o < c.data.length) {
      const n = 1 + Math.floor(r() * maxPiece);
      out.push({ ...c, data: c.data.subarray(o, o + n) });
      o += n;
    }
  }
  return out;
}

/** Merges consecutive chunks of the same direction. */
export function coalesce(chunks: Chunk[]): Chunk[] {
  const out: Chunk[] = [];
  for (const c of chunks) {
    const last = out[out.length - 1];
    if (last && last.dir === c.dir) last.data = concat([last.data, c.data]);
    else out.push({ ...c, data: c.data.slice() });
  }
  return out;
}

/** Events without frame/firstFrame/ts (for comparisons across re-chunkings with real frames). */
export function stripTiming(events: AnyEvent[]): unknown[] {
  return events.map((e) => {
    const { frame: _f, ts: _t, ...rest } = e as AnyEvent & { firstFrame?: number };
    delete (rest as { firstFrame?: number }).firstFrame;
    return rest;
  });
}

export function ofType<T extends AnyEvent['type']>(events: AnyEvent[], type: T): Extract<AnyEvent, { type: T }>[] {
  return events.filter((e) => e.type === type) as Extract<AnyEvent, { type: T }>[];
}

export function hex(h: string): Uint8Array {
  const clean = h.replace(/[^0-9a-fA-F]/g, '');
  const out = new Uint8Array(clean.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
  return out;
}

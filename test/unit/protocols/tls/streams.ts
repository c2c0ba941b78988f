/**
 * Test helper: feeding a TlsStreamDecoder with a sequence of (direction, bytes) flights, whole or
 * split, and collecting what it reports.
 */
import type { DecodeIssue } from '../../../../src/core/issues.js';
import type { TlsEvent } from '../../../../src/protocols/tls/events.js';
import { TlsStreamDecoder, type TlsDecoderOptions } from '../../../../src/protocols/tls/tls-decoder.js';
import type { Dir } from '../../../../src/protocols/stream.js';
import type { FollowChunk } from './follow.js';

export type Ev = TlsEvent | DecodeIssue;
export interface Flight {
  dir: Dir;
  data: Uint8Array;
  gap?: number;
}

export function fromFollow(chunks: FollowChunk[]): Flight[] {
  return chunks.map((c) => (c.gap !== undefined ? { dir: c.dir, data: c.data, gap: c.gap } : { dir: c.dir, data: c.data }));
}

/**
 * Feeds flights; `cuts` are positions in the concatenation of all flights where an extra segment
 * boundary is made. Frame numbers: `frameOf(i)` for the i-th push (default: all 1, so that events
 * compare equal whatever the split).
 */
export function run(
  flights: Flight[],
  o: { cuts?: number[]; frameOf?: (push: number) => number; options?: TlsDecoderOptions; stopAt?: number; end?: boolean } = {},
): Ev[] {
  const events: Ev[] = [];
  const d = new TlsStreamDecoder((e) => events.push(e), o.options ?? {});
  const cuts = [...(o.cuts ?? [])].sort((a, b) => a - b);
  let pos = 0;
  let push = 0;
  let last = { frame: 1, ts: 0 };
  const stopAt = o.stopAt ?? Infinity;
  for (const f of flights) {
    if (pos >= stopAt) break;
    const info = (): { frame: number; ts: number } => {
      const frame = o.frameOf ? o.frameOf(push) : 1;
      push++;
      last = { frame, ts: frame / 1000 };
      return last;
    };
    if (f.gap !== undefined) {
      d.gap(f.dir, f.gap, info());
      continue;
    }
    let start = 0;
    const end = Math.min(f.data.length, stopAt - pos);
    for (const c of cuts) {
      const rel = c - pos;
      if (rel > start && rel < end) {
        d.push(f.dir, f.data.subarray(start, rel), info());
        start = rel;
      }
    }
    if (start < end || f.data.length === 0) d.push(f.dir, f.data.subarray(start, end), info());
    pos += f.data.length;
  }
  if (o.end !== false) {
    d.end(0, last);
    d.end(1, last);
  }
  return events;
}

export function totalLength(flights: Flight[]): number {
  return flights.reduce((n, f) => n + f.data.length, 0);
}

export const types = (events: Ev[]): string[] => events.map((e) => e.type);

/** Events without frame numbers (for comparisons across different segmentations). */
export function withoutFrames(events: Ev[]): unknown[] {
  return events.map((e) => {
    const { frame: _f, ts: _t, ...rest } = e as Ev & { firstFrame?: number };
    delete (rest as { firstFrame?: number }).firstFrame;
    return rest;
  });
}

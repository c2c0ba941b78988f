/**
 * A record's timestamp that no date can hold (a damaged or hostile capture: a 64-bit pcapng
 * count in seconds, a NetMon delta of 2^63 µs, a Sniffer tick rate near zero) is taken away
 * from the frame: the frame is analysed like a record without a time (a pcapng Simple Packet
 * Block), and the reader reports it with the frame and the offset of the field.
 */
import { inDateRange } from '../core/time.js';
import type { Frame } from './frame.js';

/** When `f.ts` is outside the Date range (or NaN), clears the frame's time and returns the wording for the warning; else null. */
export function impossibleTime(f: Frame): string | null {
  if (inDateRange(f.ts)) return null;
  const shown = Number.isFinite(f.ts) ? `${f.ts.toExponential(3)} s from 1970` : 'not a number';
  f.tsSec = 0;
  f.tsNsec = 0;
  f.ts = NaN;
  return `frame ${f.index}: timestamp out of range (${shown}); the frame is analysed without a time`;
}

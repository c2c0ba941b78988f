/**
 * Capture-time helpers. Frames carry exact seconds + nanoseconds; analysis uses
 * float seconds (µs precision for present-day epoch values).
 */
export function toSeconds(sec: number, nsec: number): number {
  return sec + nsec / 1e9;
}

/**
 * Largest distance from the epoch a JavaScript Date can hold (ECMA-262 "Time Values and Time
 * Range": ±8.64e15 ms), in seconds. A capture time beyond it cannot be shown as a date.
 */
export const MAX_DATE_SECONDS = 8.64e12;

/** Whether `ts` (epoch seconds) can be shown as a date; false for NaN and infinities. */
export function inDateRange(ts: number): boolean {
  return ts >= -MAX_DATE_SECONDS && ts <= MAX_DATE_SECONDS;
}

let memoSec = NaN;
let memoBase = '';

/** ISO 8601 UTC with microseconds, e.g. 2026-11-20T14:03:12.123456Z; '' for a time no date can hold. */
export function isoTime(ts: number): string {
  // One second of margin: rounding the microseconds may carry into the next second.
  if (!(ts > -MAX_DATE_SECONDS + 1 && ts < MAX_DATE_SECONDS - 1)) return '';
  const sec = Math.floor(ts);
  let micros = Math.round((ts - sec) * 1e6);
  let whole = sec;
  if (micros >= 1e6) {
    micros -= 1e6;
    whole += 1;
  }
  if (whole !== memoSec) {
    memoSec = whole;
    memoBase = new Date(whole * 1000).toISOString().slice(0, 19) + '.';
  }
  const m = String(micros);
  return memoBase + ZEROS[6 - m.length]! + m + 'Z';
}

const ZEROS = ['', '0', '00', '000', '0000', '00000'];

/** Seconds between two capture times, formatted for people: 0.042s, 12.5s, 3m05s. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '-';
  if (seconds < 1) return `${(seconds * 1000).toFixed(1)}ms`;
  if (seconds < 120) return `${seconds.toFixed(3)}s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - m * 60);
  return `${m}m${String(s).padStart(2, '0')}s`;
}

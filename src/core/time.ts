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
    // Years past 9999 are written with a sign and six digits (+151991-…): cut the milliseconds, not a fixed width.
    const iso = new Date(whole * 1000).toISOString();
    memoBase = iso.slice(0, iso.length - 4);
  }
  const m = String(micros);
  return memoBase + ZEROS[6 - m.length]! + m + 'Z';
}

const ZEROS = ['', '0', '00', '000', '0000', '00000'];

/** Longest span shown as a number: past a year between two frames of one capture, the timestamps jumped. */
export const MAX_PLAUSIBLE_SECONDS = 365 * 86400;

/** What a duration that cannot be one is shown as (timestamps that go backwards, or jump by years). */
export const DURATION_BACKWARDS = 'n/a (timestamps go backwards)';
export const DURATION_JUMP = 'n/a (timestamps jump by over a year)';

/**
 * Seconds between two capture times, formatted for people: 56µs, 4.2ms, 12.500s, 3m05s, 5h07m,
 * 12d04h; never more than three decimals. Negative spans (the clock went back) and spans of over
 * a year (a clock jump, a capture merged from different days' files) are said, not printed.
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '-';
  if (seconds < 0) return seconds > -5e-7 ? '0µs' : DURATION_BACKWARDS;
  if (seconds >= MAX_PLAUSIBLE_SECONDS) return DURATION_JUMP;
  if (seconds < 1e-3) return `${Math.round(seconds * 1e6)}µs`;
  if (seconds < 1) {
    const ms = Math.round(seconds * 1e4) / 10;
    return ms >= 1000 ? '1.000s' : `${ms.toFixed(1)}ms`;
  }
  if (seconds < 120) {
    const r = Math.round(seconds * 1000) / 1000;
    return r >= 120 ? '2m00s' : `${r.toFixed(3)}s`;
  }
  const whole = Math.round(seconds);
  if (whole < 7200) return `${Math.floor(whole / 60)}m${pad2(whole % 60)}s`;
  const mins = Math.round(seconds / 60);
  if (mins < 48 * 60) return `${Math.floor(mins / 60)}h${pad2(mins % 60)}m`;
  const hours = Math.round(seconds / 3600);
  return `${Math.floor(hours / 24)}d${pad2(hours % 24)}h`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

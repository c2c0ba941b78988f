/**
 * Validation of the analyze/live options whose values the parser takes as free text
 * (--failed-at, --tz, --client, --server, and the numeric options): a value that cannot mean
 * what the option says is refused before the analysis with a message naming the option and
 * the value (exit 2), instead of being ignored silently. The wording is the table below.
 */
import { isIP } from 'node:net';
import { ErrorCode, RdpdiagError } from '../core/errors.js';
import { hintAddress } from '../findings/context.js';
import { parseFailedAt } from '../findings/failed-at.js';

/** Time-zone offsets in use run from UTC−12:00 to UTC+14:00; ±14:00 bounds what is accepted. */
const MAX_TZ_MINUTES = 14 * 60;

/** 10000-01-01T00:00:00Z: a moment from year 10000 on is no time a client showed an error. */
const LAST_SECOND = 253402300800;

/** Host names as RFC 1123 §2.1 allows them: labels of letters, digits and hyphens, 253 characters in all. */
const HOST_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
const MAX_HOST_NAME = 253;

export const ARGUMENT_MESSAGES = {
  failedAtEmpty: () => `--failed-at: the value is empty; give when the client showed the error, e.g. "2026-11-20 14:03:12 +01:00"`,
  failedAtUnreadable: (v: string) => `--failed-at: cannot read '${v}' as a time (try "2026-11-20 14:03:12 +01:00")`,
  tzUnreadable: (v: string) => `--tz: '${v}' is not an offset like +01:00, -0500 or -300 (minutes east of UTC)`,
  tzOutOfRange: (v: string) => `--tz: '${v}' is outside the offsets in use (from -14:00 to +14:00, or -840 to 840 minutes)`,
  notAnAddress: (option: string, v: string) => `${option}: '${v}' is not an IP address (e.g. 192.0.2.10 or 2001:db8::10, optionally with a port)`,
  notAHost: (option: string, v: string) => `${option}: '${v}' is neither an IP address nor a host name`,
  notANumber: (option: string, v: string, what: string) => `${option}: '${v}' is not ${what}`,
} as const;

function bad(message: string): never {
  throw new RdpdiagError(ErrorCode.BAD_ARGUMENT, message);
}

/** --tz: minutes east of UTC; ±HH:MM, ±HHMM or a whole number of minutes, within ±14:00. */
export function parseTz(tz: string | undefined): number {
  if (tz === undefined) return 0;
  const s = tz.trim();
  let minutes: number;
  // ±H:MM / ±HH:MM / ±HHMM; three digits without a colon ('-300', as --help shows) are minutes.
  const m = /^([+-])(\d{1,2}):(\d{2})$/.exec(s) ?? /^([+-])(\d{2})(\d{2})$/.exec(s);
  if (m) {
    if (Number(m[3]) > 59) bad(ARGUMENT_MESSAGES.tzUnreadable(tz));
    minutes = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  } else if (/^[+-]?\d+$/.test(s)) {
    minutes = Number(s);
  } else {
    bad(ARGUMENT_MESSAGES.tzUnreadable(tz));
  }
  if (Math.abs(minutes) > MAX_TZ_MINUTES) bad(ARGUMENT_MESSAGES.tzOutOfRange(tz));
  return minutes;
}

/** --failed-at as seconds since the epoch, or null when the option is absent. */
export function failedAtOption(value: string | undefined, tz: string | undefined): number | null {
  const offset = parseTz(tz);
  if (value === undefined) return null;
  if (value.trim() === '') bad(ARGUMENT_MESSAGES.failedAtEmpty());
  // Outside the forms parseFailedAt reads itself, Date.parse takes nearly anything ('x 2' is
  // 1 February 2001): a failure moment needs at least a four-digit year and a time of day.
  const epoch = /^\s*\d{9,11}(\.\d+)?\s*$/.test(value);
  if (!epoch && !(/(^|\D)\d{4}(\D|$)/.test(value) && /\d{1,2}:\d{2}/.test(value))) bad(ARGUMENT_MESSAGES.failedAtUnreadable(value));
  const t = parseFailedAt(value, offset);
  if (t === null || !Number.isFinite(t) || t < 0 || t >= LAST_SECOND) bad(ARGUMENT_MESSAGES.failedAtUnreadable(value));
  return t;
}

/** The address part of a hint (`hintAddress`) when it is a real IPv4 or IPv6 address, else null. */
function realAddress(v: string): string | null {
  const a = hintAddress(v);
  return a !== null && isIP(a) !== 0 ? a : null;
}

/** --client: an IP address (with an optional port), as the verdict compares it. */
export function checkClient(value: string | undefined): void {
  if (value === undefined) return;
  if (realAddress(value) === null) bad(ARGUMENT_MESSAGES.notAnAddress('--client', value));
}

/** Whether the --server value is a host name (not an address): its presence is checked after the analysis. */
export function checkServer(value: string | undefined): { name: string } | null {
  if (value === undefined) return null;
  const v = value.trim();
  if (hintAddress(v) !== null) {
    if (realAddress(v) === null) bad(ARGUMENT_MESSAGES.notAnAddress('--server', value));
    return null;
  }
  if (/^[\d.]+$/.test(v)) bad(ARGUMENT_MESSAGES.notAnAddress('--server', value));
  const name = v.replace(/:\d{1,5}$/, '').replace(/\.$/, '');
  if (name === '' || name.length > MAX_HOST_NAME || !name.split('.').every((l) => HOST_LABEL.test(l))) bad(ARGUMENT_MESSAGES.notAHost('--server', value));
  return { name: name.toLowerCase() };
}

/** A numeric option: a finite number in [min, max] (whole when `integer`), or the message naming it. */
export function numberOption(option: string, value: string | undefined, opts: { min: number; max?: number; integer?: boolean; what: string }): number | undefined {
  if (value === undefined) return undefined;
  const s = value.trim();
  const n = s === '' ? NaN : Number(s);
  if (!Number.isFinite(n) || n < opts.min || (opts.max !== undefined && n > opts.max) || (opts.integer && !Number.isInteger(n))) {
    bad(ARGUMENT_MESSAGES.notANumber(option, value, opts.what));
  }
  return n;
}

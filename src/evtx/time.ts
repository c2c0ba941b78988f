/**
 * Windows times as ISO 8601 UTC strings with the 100 ns precision Windows writes
 * (`2016-06-29T15:24:34.3459999Z`, the form `wevtutil` and Event Viewer use), and as seconds
 * since the Unix epoch for lining events up with capture time.
 */
const EPOCH_DIFF_TICKS = 116444736000000000n;

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

/** FILETIME ticks → ISO string, or '' when outside what a Date holds. */
export function filetimeToIso(ticks: bigint): string {
  const unixTicks = ticks - EPOCH_DIFF_TICKS;
  let sec = unixTicks / 10000000n;
  let frac = unixTicks % 10000000n;
  if (frac < 0n) {
    frac += 10000000n;
    sec -= 1n;
  }
  const d = new Date(Number(sec) * 1000);
  if (Number.isNaN(d.getTime())) return '';
  return `${isoSeconds(d)}.${pad(Number(frac), 7)}Z`;
}

function isoSeconds(d: Date): string {
  const y = d.getUTCFullYear();
  if (y < 0 || y > 9999) return d.toISOString().slice(0, 19);
  return `${pad(y, 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
}

/** SYSTEMTIME fields (UTC as the log holds them) → ISO string with milliseconds. */
export function systemtimeToIso(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): string {
  return `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(ms, 3)}Z`;
}

/**
 * An ISO time (any number of fraction digits, `Z` or an offset, or none = UTC) → seconds since the
 * Unix epoch with the fraction kept to 100 ns; NaN when unreadable.
 */
export function isoToSeconds(iso: string): number {
  const m = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?\s*(Z|[+-]\d\d:?\d\d)?$/.exec(iso.trim());
  if (!m) return NaN;
  const whole = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) / 1000;
  const frac = m[7] ? Number(`0.${m[7].slice(0, 9)}`) : 0;
  let off = 0;
  const z = m[8];
  if (z && z !== 'Z') {
    const zz = z.replace(':', '');
    off = (zz[0] === '-' ? -1 : 1) * (Number(zz.slice(1, 3)) * 3600 + Number(zz.slice(3, 5)) * 60);
  }
  return whole + frac - off;
}

/**
 * Parses the time the user saw the error (--failed-at): ISO 8601 with or without zone,
 * "2026-11-20 14:03:12", with optional fraction and zone (Z, +01:00, UTC, GMT), epoch seconds,
 * and US-style "11/20/2026 2:03:12 PM". A time without zone is taken as UTC unless `tz`
 * (minutes east of UTC) says otherwise.
 */
export function parseFailedAt(input: string, tzOffsetMinutes = 0): number | null {
  const s = input.trim();
  if (/^\d{9,11}(\.\d+)?$/.test(s)) return Number(s);
  let m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i.exec(s);
  if (m) {
    const [, y, mo, d, h, mi, sec, frac, zone] = m;
    return toEpoch(+y!, +mo!, +d!, +h!, +mi!, sec ? +sec : 0, frac ? Number(frac) : 0, zone, tzOffsetMinutes);
  }
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(AM|PM)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i.exec(s);
  if (m) {
    const [, mo, d, y, h, mi, sec, ampm, zone] = m;
    let hour = +h!;
    if (ampm) {
      const pm = ampm.toUpperCase() === 'PM';
      if (hour === 12) hour = pm ? 12 : 0;
      else if (pm) hour += 12;
    }
    return toEpoch(+y!, +mo!, +d!, hour, +mi!, sec ? +sec : 0, 0, zone, tzOffsetMinutes);
  }
  const t = Date.parse(s);
  return Number.isFinite(t) ? t / 1000 : null;
}

function toEpoch(y: number, mo: number, d: number, h: number, mi: number, sec: number, frac: number, zone: string | undefined, tz: number): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return null;
  let offset = tz;
  if (zone) {
    const z = zone.toUpperCase();
    if (z === 'Z' || z === 'UTC' || z === 'GMT') offset = 0;
    else {
      const mm = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
      if (mm) offset = (mm[1] === '-' ? -1 : 1) * (+mm[2]! * 60 + +mm[3]!);
    }
  }
  return Date.UTC(y, mo - 1, d, h, mi, sec) / 1000 + frac - offset * 60;
}

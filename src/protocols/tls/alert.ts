/**
 * Alert protocol (RFC 5246 §7.2, RFC 8446 §6): level (1 warning, 2 fatal) and description.
 * Names of descriptions live in src/codes; events keep the numbers.
 */
export const AlertLevel = { warning: 1, fatal: 2 } as const;
export type AlertLevel = (typeof AlertLevel)[keyof typeof AlertLevel];

export const ALERT_LENGTH = 2;

export interface Alert {
  level: number;
  description: number;
}

/**
 * Reads the alert at `o` when `end - o` is exactly 2 and the level is 1 or 2; null otherwise
 * (an encrypted or malformed alert record).
 */
export function parseAlert(b: Uint8Array, o = 0, end = b.length): Alert | null {
  if (end - o !== ALERT_LENGTH || end > b.length) return null;
  const level = b[o]!;
  if (level !== AlertLevel.warning && level !== AlertLevel.fatal) return null;
  return { level, description: b[o + 1]! };
}

/**
 * Reads one or more plaintext alerts from a record body (TLS ≤ 1.2 allows several in one record).
 * Returns null unless the body is a non-empty whole number of well-formed alerts.
 */
export function parseAlertRecord(body: Uint8Array): Alert[] | null {
  if (body.length === 0 || body.length % 2 !== 0 || body.length > 16) return null;
  const out: Alert[] = [];
  for (let o = 0; o < body.length; o += 2) {
    const a = parseAlert(body, o, o + 2);
    if (a === null) return null;
    out.push(a);
  }
  return out;
}

/**
 * The few BER pieces MCS Connect Initial / Connect Response need (T.125 uses BER for the
 * connect PDUs): identifier (1 byte, or 0x7F + one tag byte for application tags > 30),
 * definite lengths (short or long form up to 4 bytes), small INTEGER / ENUMERATED values.
 * Over a Cursor: a short read latches cursor.ok = false.
 */
import type { Cursor } from '../../core/cursor.js';

/** Reads an identifier; returns the tag number with the class/constructed bits of the first byte in the high byte (0x7F65 for [APPLICATION 101]). */
export function berReadTag(c: Cursor): number {
  const t = c.u8();
  if ((t & 0x1f) !== 0x1f) return t;
  const n = c.u8();
  return (t << 8) | n;
}

/** Definite length; -1 for indefinite or lengths over 4 bytes (not used by MCS). */
export function berReadLength(c: Cursor): number {
  const b = c.u8();
  if (b < 0x80) return b;
  const n = b & 0x7f;
  if (n === 0 || n > 4) return -1;
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + c.u8();
  return v;
}

/** Unsigned value of `len` content bytes (INTEGER/ENUMERATED as used by MCS: small, non-negative). */
export function berReadUint(c: Cursor, len: number): number {
  let v = 0;
  for (let i = 0; i < len; i++) v = v * 256 + c.u8();
  return v;
}

/**
 * Reads one TLV with the expected tag; returns the content length (cursor left at the content),
 * or -1 when the tag differs, the length is unusable or the content runs past the cursor's end.
 */
export function berExpect(c: Cursor, tag: number): number {
  const t = berReadTag(c);
  if (!c.ok || t !== tag) return -1;
  const len = berReadLength(c);
  if (!c.ok || len < 0) return -1;
  return len;
}

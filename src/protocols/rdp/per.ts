/**
 * ALIGNED PER length determinant as used by T.124 (GCC) user data and MCS Send Data:
 * one byte when < 0x80, else two bytes `10xxxxxx xxxxxxxx` (14-bit value).
 */

/** Length value at `off`, or -1 when truncated / fragmented form (0xC0…). */
export function perLength(b: Uint8Array, off: number, end: number): number {
  if (off >= end) return -1;
  const b0 = b[off]!;
  if ((b0 & 0x80) === 0) return b0;
  if ((b0 & 0xc0) === 0xc0 || off + 1 >= end) return -1;
  return ((b0 & 0x3f) << 8) | b[off + 1]!;
}

/** Size in bytes of the length determinant at `off` (1 or 2). */
export function perLengthSize(b: Uint8Array, off: number): number {
  return (b[off]! & 0x80) === 0 ? 1 : 2;
}

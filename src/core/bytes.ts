/**
 * Free reader functions over byte arrays. Callers check bounds before reading;
 * these never allocate and never throw on their own.
 */
export function u16be(b: Uint8Array, o: number): number {
  return ((b[o]! << 8) | b[o + 1]!) >>> 0;
}
export function u16le(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8)) >>> 0;
}
export function u24be(b: Uint8Array, o: number): number {
  return ((b[o]! << 16) | (b[o + 1]! << 8) | b[o + 2]!) >>> 0;
}
export function u32be(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}
export function u32le(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}
/** 64-bit unsigned as a JS number (exact below 2^53). */
export function u64le(b: Uint8Array, o: number): number {
  return u32le(b, o) + u32le(b, o + 4) * 0x1_0000_0000;
}
export function u64be(b: Uint8Array, o: number): number {
  return u32be(b, o) * 0x1_0000_0000 + u32be(b, o + 4);
}
export function u32(b: Uint8Array, o: number, littleEndian: boolean): number {
  return littleEndian ? u32le(b, o) : u32be(b, o);
}
export function u16(b: Uint8Array, o: number, littleEndian: boolean): number {
  return littleEndian ? u16le(b, o) : u16be(b, o);
}


/** Lower-case hex of a byte range (cold paths only: it allocates). */
export function toHex(b: Uint8Array, start = 0, end = b.length): string {
  // Buffer's encoder gives one flat string (appending byte by byte built a chain of ~n cons
  // strings that long-lived facts such as TLS randoms kept alive).
  if (!(start >= 0)) start = 0;
  const e = Math.min(end, b.length);
  if (e <= start) return '';
  return Buffer.from(b.buffer, b.byteOffset + start, e - start).toString('hex');
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/[^0-9a-fA-F]/g, '');
  const out = new Uint8Array(clean.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
  return out;
}

/** ASCII/latin1 text of a range, stopping at the first NUL (cold paths only). */
export function latin1(b: Uint8Array, start: number, end: number): string {
  if (!(start >= 0)) start = 0;
  let e = start;
  const stop = Math.min(end, b.length);
  while (e < stop && b[e] !== 0) e++;
  if (e <= start) return '';
  // One flat string (see toHex).
  return Buffer.from(b.buffer, b.byteOffset + start, e - start).toString('latin1');
}

/** UTF-16LE text of a range, stopping at the first NUL code unit (cold paths only). */
export function utf16le(b: Uint8Array, start: number, end: number): string {
  if (!(start >= 0)) start = 0;
  let e = start;
  const stop = Math.min(end, b.length);
  while (e + 1 < stop && (b[e]! | b[e + 1]!) !== 0) e += 2;
  if (e <= start) return '';
  return Buffer.from(b.buffer, b.byteOffset + start, e - start).toString('utf16le');
}

/** Equality of two byte ranges. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

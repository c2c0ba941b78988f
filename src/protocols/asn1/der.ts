/**
 * Minimal, bounds-checked BER/DER reader (X.690) for the authentication protocols
 * (CredSSP, SPNEGO, Kerberos, MS-KKDCP). Every function returns `null` or an `ok:false`
 * result on malformed or truncated input; nothing here throws.
 *
 * Accepted: low and high tag numbers (up to 28 bits), definite lengths in short form and
 * long form with 1–4 length octets (non-minimal long forms are tolerated, as BER allows).
 * Not supported: indefinite length (0x80), reported as `reason: 'indefinite-length'`.
 * Cold path: results are small objects, allocated per TLV.
 */

export const DerClass = {
  universal: 0,
  application: 1,
  context: 2,
  private: 3,
} as const;
export type DerClass = (typeof DerClass)[keyof typeof DerClass];

/** Universal tag numbers used by the decoders. */
export const DerTag = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OBJECT_IDENTIFIER: 6,
  ENUMERATED: 10,
  UTF8String: 12,
  SEQUENCE: 16,
  SET: 17,
  PrintableString: 19,
  IA5String: 22,
  UTCTime: 23,
  GeneralizedTime: 24,
  VisibleString: 26,
  GeneralString: 27,
} as const;

/** A decoded identifier + length; the content is `buf[contentStart, contentEnd)`. */
export interface DerHeader {
  readonly ok: true;
  readonly cls: DerClass;
  readonly constructed: boolean;
  readonly tag: number;
  /** Offset of the identifier octet. */
  readonly start: number;
  readonly headerLength: number;
  readonly contentStart: number;
  readonly contentLength: number;
  /** contentStart + contentLength (may lie beyond the available bytes for a header only). */
  readonly contentEnd: number;
}

/** A TLV whose content lies fully inside the given bounds. */
export type DerTlv = DerHeader;

export type DerFailureReason =
  | 'truncated' // more bytes are needed
  | 'indefinite-length' // BER indefinite length, unsupported
  | 'bad-length' // reserved 0xFF or more than 4 length octets
  | 'bad-tag' // high tag number too long
  | 'unexpected'; // structure does not match what the caller expected

export interface DerFailure {
  readonly ok: false;
  readonly reason: DerFailureReason;
  /** Offset at which the problem was found. */
  readonly offset: number;
}

function fail(reason: DerFailureReason, offset: number): DerFailure {
  return { ok: false, reason, offset };
}

/**
 * Reads identifier and length octets at `off` (not beyond `end`). The content itself may be
 * incomplete: use this for stream framing ("how long is this PDU?").
 */
export function readDerHeader(buf: Uint8Array, off: number, end = buf.length): DerHeader | DerFailure {
  if (end > buf.length) end = buf.length;
  let p = off;
  if (p >= end) return fail('truncated', p);
  const id = buf[p++]!;
  const cls = (id >> 6) as DerClass;
  const constructed = (id & 0x20) !== 0;
  let tag = id & 0x1f;
  if (tag === 0x1f) {
    tag = 0;
    let n = 0;
    for (;;) {
      if (p >= end) return fail('truncated', p);
      const b = buf[p++]!;
      if (++n > 4) return fail('bad-tag', off);
      tag = tag * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  if (p >= end) return fail('truncated', p);
  const l0 = buf[p++]!;
  let len: number;
  if (l0 < 0x80) {
    len = l0;
  } else if (l0 === 0x80) {
    return fail('indefinite-length', p - 1);
  } else {
    const n = l0 & 0x7f;
    if (n > 4) return fail('bad-length', p - 1);
    if (p + n > end) return fail('truncated', end);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++]!;
  }
  return {
    ok: true,
    cls,
    constructed,
    tag,
    start: off,
    headerLength: p - off,
    contentStart: p,
    contentLength: len,
    contentEnd: p + len,
  };
}

/** Reads a complete TLV at `off`: fails with 'truncated' unless its content fits before `end`. */
export function readTlv(buf: Uint8Array, off: number, end = buf.length): DerTlv | DerFailure {
  if (end > buf.length) end = buf.length;
  const h = readDerHeader(buf, off, end);
  if (!h.ok) return h;
  if (h.contentEnd > end) return fail('truncated', end);
  return h;
}

/** True when `t` is the given class/tag (and constructed flag when given). */
export function isTag(t: DerTlv, cls: DerClass, tag: number, constructed?: boolean): boolean {
  return t.cls === cls && t.tag === tag && (constructed === undefined || t.constructed === constructed);
}

/**
 * The direct children of a constructed TLV, or null when they do not tile its content
 * exactly (a truncated or malformed child).
 */
export function derChildren(buf: Uint8Array, parent: DerTlv): DerTlv[] | null {
  if (!parent.constructed) return null;
  const out: DerTlv[] = [];
  let p = parent.contentStart;
  while (p < parent.contentEnd) {
    const c = readTlv(buf, p, parent.contentEnd);
    if (!c.ok) return null;
    out.push(c);
    p = c.contentEnd;
  }
  return out;
}

/** The single TLV inside an explicit tag ([n] EXPLICIT T), or null. */
export function derExplicitInner(buf: Uint8Array, tagged: DerTlv): DerTlv | null {
  if (!tagged.constructed) return null;
  const c = readTlv(buf, tagged.contentStart, tagged.contentEnd);
  if (!c.ok || c.contentEnd !== tagged.contentEnd) return null;
  return c;
}

/**
 * A SEQUENCE of explicitly context-tagged fields ([0] T0, [1] T1, …), as used throughout
 * RFC 4120, RFC 4178 and MS-CSSP: returns an array indexed by tag number holding the
 * inner TLV of each field, or null when the structure is malformed (a child that is not
 * a context tag, a tag number above `maxTag`, a duplicate, or a bad inner TLV).
 */
export function derContextFields(
  buf: Uint8Array,
  seq: DerTlv,
  maxTag = 31,
): Array<DerTlv | undefined> | null {
  const kids = derChildren(buf, seq);
  if (!kids) return null;
  const out: Array<DerTlv | undefined> = [];
  for (const k of kids) {
    if (k.cls !== DerClass.context || k.tag > maxTag || out[k.tag] !== undefined) return null;
    const inner = derExplicitInner(buf, k);
    if (!inner) return null;
    out[k.tag] = inner;
  }
  return out;
}

/** Reads a SEQUENCE (universal 16, constructed) at `off` and returns its context fields. */
export function derSequenceFields(
  buf: Uint8Array,
  off: number,
  end = buf.length,
  maxTag = 31,
): { seq: DerTlv; fields: Array<DerTlv | undefined> } | null {
  const t = readTlv(buf, off, end);
  if (!t.ok || !isTag(t, DerClass.universal, DerTag.SEQUENCE, true)) return null;
  const fields = derContextFields(buf, t, maxTag);
  return fields ? { seq: t, fields } : null;
}

function isIntegerLike(t: DerTlv): boolean {
  return (
    t.cls === DerClass.universal &&
    !t.constructed &&
    (t.tag === DerTag.INTEGER || t.tag === DerTag.ENUMERATED) &&
    t.contentLength > 0
  );
}

/**
 * INTEGER/ENUMERATED as a signed JS number; null when absent, not an integer, or outside
 * the safe-integer range (more than 6 content octets).
 */
export function derInteger(buf: Uint8Array, t: DerTlv | undefined): number | null {
  if (!t || !isIntegerLike(t) || t.contentLength > 6) return null;
  let v = buf[t.contentStart]! >= 0x80 ? -1 : 0;
  for (let i = t.contentStart; i < t.contentEnd; i++) v = v * 256 + buf[i]!;
  return v;
}

/**
 * INTEGER read as an unsigned 32-bit value. Encoders differ for NTSTATUS-like values:
 * Windows writes 0xC000006D as the 4-octet negative INTEGER `C0 00 00 6D`, others as the
 * 5-octet positive `00 C0 00 00 6D`; both give 0xC000006D here. Null outside 32 bits.
 */
export function derUint32(buf: Uint8Array, t: DerTlv | undefined): number | null {
  const v = derInteger(buf, t);
  if (v === null || v < -0x8000_0000 || v > 0xffff_ffff) return null;
  return v >>> 0;
}

/** INTEGER of any size as a bigint (two's complement). */
export function derBigInt(buf: Uint8Array, t: DerTlv | undefined): bigint | null {
  if (!t || !isIntegerLike(t)) return null;
  let v = 0n;
  for (let i = t.contentStart; i < t.contentEnd; i++) v = (v << 8n) | BigInt(buf[i]!);
  if (buf[t.contentStart]! >= 0x80) v -= 1n << BigInt(8 * t.contentLength);
  return v;
}

/** INTEGER content octets as lower-case hex (e.g. serial numbers). */
export function derIntegerHex(buf: Uint8Array, t: DerTlv | undefined): string | null {
  if (!t || !isIntegerLike(t)) return null;
  let s = '';
  for (let i = t.contentStart; i < t.contentEnd; i++) s += buf[i]!.toString(16).padStart(2, '0');
  return s;
}

/** BOOLEAN (any non-zero octet is true, as BER allows). */
export function derBoolean(buf: Uint8Array, t: DerTlv | undefined): boolean | null {
  if (!t || t.cls !== DerClass.universal || t.tag !== DerTag.BOOLEAN || t.constructed || t.contentLength !== 1)
    return null;
  return buf[t.contentStart]! !== 0;
}

/** OCTET STRING content as a view (primitive encoding only, as DER requires). */
export function derOctetString(buf: Uint8Array, t: DerTlv | undefined): Uint8Array | null {
  if (!t || t.cls !== DerClass.universal || t.tag !== DerTag.OCTET_STRING || t.constructed) return null;
  return buf.subarray(t.contentStart, t.contentEnd);
}

export interface DerBitString {
  readonly unusedBits: number;
  readonly bytes: Uint8Array;
}

/** BIT STRING: unused-bit count and a view of the bit bytes. */
export function derBitString(buf: Uint8Array, t: DerTlv | undefined): DerBitString | null {
  if (!t || t.cls !== DerClass.universal || t.tag !== DerTag.BIT_STRING || t.constructed || t.contentLength < 1)
    return null;
  const unusedBits = buf[t.contentStart]!;
  if (unusedBits > 7 || (t.contentLength === 1 && unusedBits !== 0)) return null;
  return { unusedBits, bytes: buf.subarray(t.contentStart + 1, t.contentEnd) };
}

/**
 * A BIT STRING of up to 32 flags (Kerberos KDCOptions/APOptions, SPNEGO ContextFlags) as a
 * number with ASN.1 bit 0 as the most significant bit: bit n of the ASN.1 string is
 * `0x80000000 >>> n`, which is how RFC 4120 implementations print KDCOptions (0x40810010…).
 */
export function derBitFlags32(buf: Uint8Array, t: DerTlv | undefined): number | null {
  const b = derBitString(buf, t);
  if (!b) return null;
  let v = 0;
  for (let i = 0; i < 4; i++) v = v * 256 + (b.bytes[i] ?? 0);
  return v >>> 0;
}

/** Primitive character strings (GeneralString/KerberosString, IA5, UTF8, Printable, Visible). */
const STRING_TAGS: ReadonlySet<number> = new Set([
  DerTag.UTF8String,
  DerTag.PrintableString,
  DerTag.IA5String,
  DerTag.VisibleString,
  DerTag.GeneralString,
]);

const utf8Fatal = new TextDecoder('utf-8', { fatal: true });

function decodeText(b: Uint8Array): string {
  let ascii = true;
  for (let i = 0; i < b.length; i++) if (b[i]! >= 0x80) ascii = false;
  if (!ascii) {
    try {
      return utf8Fatal.decode(b);
    } catch {
      // not UTF-8: fall through to latin1 so no byte is lost
    }
  }
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/**
 * A character string. KerberosString is a GeneralString restricted to IA5 by RFC 4120;
 * Windows sometimes sends UTF-8, so non-ASCII content is read as UTF-8 when valid,
 * else latin1.
 */
export function derString(buf: Uint8Array, t: DerTlv | undefined): string | null {
  if (!t || t.cls !== DerClass.universal || t.constructed || !STRING_TAGS.has(t.tag)) return null;
  return decodeText(buf.subarray(t.contentStart, t.contentEnd));
}

function digits(buf: Uint8Array, p: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = buf[p + i]! - 0x30;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return v;
}

/**
 * GeneralizedTime `YYYYMMDDHHMMSS[.fff]Z` (UTC) → epoch seconds (fraction kept).
 * KerberosTime never has a fraction. Local times (no `Z`) and offsets are rejected (null).
 */
export function derGeneralizedTime(buf: Uint8Array, t: DerTlv | undefined): number | null {
  if (!t || t.cls !== DerClass.universal || t.tag !== DerTag.GeneralizedTime || t.constructed) return null;
  const p = t.contentStart;
  const n = t.contentLength;
  if (n < 15 || buf[t.contentEnd - 1] !== 0x5a /* Z */) return null;
  const year = digits(buf, p, 4);
  const month = digits(buf, p + 4, 2);
  const day = digits(buf, p + 6, 2);
  const hour = digits(buf, p + 8, 2);
  const min = digits(buf, p + 10, 2);
  const sec = digits(buf, p + 12, 2);
  if ([year, month, day, hour, min, sec].some((v) => Number.isNaN(v))) return null;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) return null;
  let frac = 0;
  if (n > 15) {
    const sep = buf[p + 14];
    if ((sep !== 0x2e && sep !== 0x2c) || n < 17) return null;
    const fd = n - 16;
    const f = digits(buf, p + 15, fd);
    if (Number.isNaN(f)) return null;
    frac = f / 10 ** fd;
  }
  return Date.UTC(year, month - 1, day, hour, min, sec) / 1000 + frac;
}

/** OBJECT IDENTIFIER → dotted string ("1.3.6.1.5.5.2"), or null. */
export function derOid(buf: Uint8Array, t: DerTlv | undefined): string | null {
  if (!t || t.cls !== DerClass.universal || t.tag !== DerTag.OBJECT_IDENTIFIER || t.constructed) return null;
  return oidFromContent(buf, t.contentStart, t.contentEnd);
}

/** Dotted string of raw OID content octets (also used for GSS-API token OIDs). */
export function oidFromContent(buf: Uint8Array, start: number, end: number): string | null {
  if (end <= start || end > buf.length) return null;
  const arcs: number[] = [];
  let v = 0;
  let inArc = false;
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (!inArc && b === 0x80) return null; // non-minimal arc
    v = v * 128 + (b & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 128) return null;
    inArc = (b & 0x80) !== 0;
    if (!inArc) {
      arcs.push(v);
      v = 0;
    }
  }
  if (inArc) return null;
  const first = arcs[0]!;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join('.');
}

/** Iterates SEQUENCE OF / SET OF children, returning null when malformed. Alias of derChildren. */
export const derSequenceOf = derChildren;

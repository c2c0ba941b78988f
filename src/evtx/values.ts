/**
 * Substitution value types of Binary XML (the EVT_VARIANT_TYPE numbering of winevt.h) and their
 * text form, as Windows renders them in an event's XML: integers in decimal, HexInt32/HexInt64
 * and size_t as 0x-hex, GUIDs in braces, SIDs as S-1-…, FILETIME/SYSTEMTIME as ISO UTC, binary
 * as upper-case hex. Arrays (type | 0x80) become their elements joined by ', '; an array of
 * strings holds NUL-terminated UTF-16 strings.
 */
import { filetimeToIso, systemtimeToIso } from './time.js';

export const ValueType = {
  Null: 0x00,
  String: 0x01,
  AnsiString: 0x02,
  Int8: 0x03,
  UInt8: 0x04,
  Int16: 0x05,
  UInt16: 0x06,
  Int32: 0x07,
  UInt32: 0x08,
  Int64: 0x09,
  UInt64: 0x0a,
  Real32: 0x0b,
  Real64: 0x0c,
  Bool: 0x0d,
  Binary: 0x0e,
  Guid: 0x0f,
  SizeT: 0x10,
  FileTime: 0x11,
  SystemTime: 0x12,
  Sid: 0x13,
  HexInt32: 0x14,
  HexInt64: 0x15,
  EvtHandle: 0x20,
  BinXml: 0x21,
  EvtXml: 0x23,
  ArrayFlag: 0x80,
} as const;

const utf16 = new TextDecoder('utf-16le');
const latin1 = new TextDecoder('latin1');

/** UTF-16LE text of b[start, start+len), trailing NULs removed. */
export function readUtf16(b: Uint8Array, start: number, len: number): string {
  let end = start + (len & ~1);
  while (end >= start + 2 && b[end - 1] === 0 && b[end - 2] === 0) end -= 2;
  return end > start ? utf16.decode(b.subarray(start, end)) : '';
}

/** Windows writes HexInt32, HexInt64 and size_t as 0x and lower-case digits without leading zeros. */
function hex(n: bigint | number): string {
  return '0x' + n.toString(16);
}

function guid(v: DataView, o: number): string {
  const h = (x: number, w: number) => x.toString(16).padStart(w, '0');
  let s = `{${h(v.getUint32(o, true), 8)}-${h(v.getUint16(o + 4, true), 4)}-${h(v.getUint16(o + 6, true), 4)}-`;
  for (let i = 8; i < 16; i++) {
    if (i === 10) s += '-';
    s += h(v.getUint8(o + i), 2);
  }
  return (s + '}').toUpperCase();
}

/** A SID (revision, count, 48-bit big-endian authority, 32-bit LE sub-authorities), or null when cut off. */
function sid(v: DataView, o: number, len: number): string | null {
  if (len < 8) return null;
  const count = v.getUint8(o + 1);
  if (len < 8 + 4 * count) return null;
  let auth = 0;
  for (let i = 2; i < 8; i++) auth = auth * 256 + v.getUint8(o + i);
  let s = `S-${v.getUint8(o)}-${auth}`;
  for (let i = 0; i < count; i++) s += `-${v.getUint32(o + 8 + 4 * i, true)}`;
  return s;
}

function binaryHex(b: Uint8Array, start: number, len: number): string {
  let s = '';
  for (let i = start; i < start + len; i++) s += (b[i]! < 16 ? '0' : '') + b[i]!.toString(16);
  return s.toUpperCase();
}

/** Size of one element of a fixed-size type (0 = variable). */
function fixedSize(t: number, len: number): number {
  switch (t) {
    case ValueType.Int8: case ValueType.UInt8: return 1;
    case ValueType.Int16: case ValueType.UInt16: return 2;
    case ValueType.Int32: case ValueType.UInt32: case ValueType.Real32: case ValueType.Bool: case ValueType.HexInt32: return 4;
    case ValueType.Int64: case ValueType.UInt64: case ValueType.Real64: case ValueType.FileTime: case ValueType.HexInt64: return 8;
    case ValueType.Guid: case ValueType.SystemTime: return 16;
    case ValueType.SizeT: return len === 4 ? 4 : 8;
    default: return 0;
  }
}

/** Text of one scalar value at b[o, o+len); null when the length does not fit the type. */
function scalar(b: Uint8Array, v: DataView, t: number, o: number, len: number): string | null {
  const need = fixedSize(t, len);
  if (need > 0 && len < need) return null;
  switch (t) {
    case ValueType.Null: return '';
    case ValueType.String: return readUtf16(b, o, len);
    case ValueType.AnsiString: {
      let end = o + len;
      while (end > o && b[end - 1] === 0) end--;
      return latin1.decode(b.subarray(o, end));
    }
    case ValueType.Int8: return String(v.getInt8(o));
    case ValueType.UInt8: return String(v.getUint8(o));
    case ValueType.Int16: return String(v.getInt16(o, true));
    case ValueType.UInt16: return String(v.getUint16(o, true));
    case ValueType.Int32: return String(v.getInt32(o, true));
    case ValueType.UInt32: return String(v.getUint32(o, true));
    case ValueType.Int64: return String(v.getBigInt64(o, true));
    case ValueType.UInt64: return String(v.getBigUint64(o, true));
    case ValueType.Real32: return String(v.getFloat32(o, true));
    case ValueType.Real64: return String(v.getFloat64(o, true));
    case ValueType.Bool: return v.getUint32(o, true) !== 0 ? 'true' : 'false';
    case ValueType.Binary: return binaryHex(b, o, len);
    case ValueType.Guid: return guid(v, o);
    case ValueType.SizeT: return len === 4 ? hex(v.getUint32(o, true)) : hex(v.getBigUint64(o, true));
    case ValueType.FileTime: return filetimeToIso(v.getBigUint64(o, true));
    case ValueType.SystemTime: {
      // wYear, wMonth, wDayOfWeek, wDay, wHour, wMinute, wSecond, wMilliseconds
      const w = (i: number) => v.getUint16(o + 2 * i, true);
      return systemtimeToIso(w(0), w(1), w(3), w(4), w(5), w(6), w(7));
    }
    case ValueType.Sid: return sid(v, o, len);
    case ValueType.HexInt32: return hex(v.getUint32(o, true));
    case ValueType.HexInt64: return hex(v.getBigUint64(o, true));
    case ValueType.EvtHandle: return len === 4 ? String(v.getUint32(o, true)) : len >= 8 ? String(v.getBigUint64(o, true)) : null;
    case ValueType.EvtXml: return readUtf16(b, o, len);
    default: return null;
  }
}

/**
 * Text of a substitution value of type `t` (not BinXml, which the Binary XML parser expands), or
 * null when the bytes do not fit the type (the caller reports it and shows the bytes in hex).
 */
export function renderValue(b: Uint8Array, v: DataView, t: number, o: number, len: number): string | null {
  if ((t & ValueType.ArrayFlag) === 0) return scalar(b, v, t, o, len);
  const items = renderItems(b, v, t, o, len);
  return items === null ? null : items.join(', ');
}

/** The items of an array value (type | 0x80) as text, or null when the bytes do not fit the type. */
export function renderItems(b: Uint8Array, v: DataView, t: number, o: number, len: number): string[] | null {
  const et = t & 0x7f;
  const parts: string[] = [];
  if (et === ValueType.String) {
    // NUL-terminated UTF-16 strings one after another.
    let s = o;
    const end = o + (len & ~1);
    for (let i = o; i < end; i += 2) {
      if (b[i] === 0 && b[i + 1] === 0) {
        parts.push(readUtf16(b, s, i - s));
        s = i + 2;
      }
    }
    if (s < end) parts.push(readUtf16(b, s, end - s));
    return parts;
  }
  if (et === ValueType.AnsiString) {
    let s = o;
    for (let i = o; i < o + len; i++) {
      if (b[i] === 0) {
        parts.push(latin1.decode(b.subarray(s, i)));
        s = i + 1;
      }
    }
    if (s < o + len) parts.push(latin1.decode(b.subarray(s, o + len)));
    return parts;
  }
  if (et === ValueType.Sid) {
    let p = o;
    while (p + 8 <= o + len) {
      const n = 8 + 4 * v.getUint8(p + 1);
      const s = sid(v, p, o + len - p);
      if (s === null) return null;
      parts.push(s);
      p += n;
    }
    return parts;
  }
  const size = et === ValueType.SizeT ? 8 : fixedSize(et, 8);
  if (size === 0 || len % size !== 0) return null;
  for (let p = o; p < o + len; p += size) {
    const s = scalar(b, v, et, p, size);
    if (s === null) return null;
    parts.push(s);
  }
  return parts;
}

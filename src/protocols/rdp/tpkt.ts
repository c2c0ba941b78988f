/**
 * TPKT framing (RFC 1006) and RDP fast-path recognition: how long is the PDU that starts here?
 *
 * TPKT: version 3 | reserved | length (u16 BE, includes the 4-byte header, 7..65535).
 * Fast-path (MS-RDPBCGR 2.2.9.1.2 / 2.2.8.1.2): first byte's low 2 bits = 0 (action FASTPATH),
 * then a 1-byte length, or 2 bytes (15-bit) when the top bit of the first length byte is set;
 * the length counts the whole PDU including the header bytes.
 */
import { u16be } from '../../core/bytes.js';

export const TPKT_VERSION = 3;
export const TPKT_HEADER_LENGTH = 4;
/** Smallest legal TPKT: header + the 3-byte X.224 DT header. */
export const TPKT_MIN_LENGTH = 7;

/** Returned by the length functions when more bytes are needed to know the length. */
export const NEED_MORE = 0;
/** Returned when the bytes cannot start a PDU of that kind (or the length is illegal). */
export const INVALID = -1;

/** First byte 0x03: a TPKT (slow-path) PDU. */
export function isTpktStart(b0: number): boolean {
  return b0 === TPKT_VERSION;
}

/** Low two bits 00: a fast-path PDU (FASTPATH_INPUT/OUTPUT_ACTION_FASTPATH). */
export function isFastPathStart(b0: number): boolean {
  return (b0 & 0x03) === 0;
}

/** Fast-path header flag bits (top two bits of the first byte): 0x2 ENCRYPTED, 0x1 SECURE_CHECKSUM. */
export function fastPathFlags(b0: number): number {
  return (b0 >> 6) & 0x03;
}
export const FASTPATH_FLAG_SECURE_CHECKSUM = 0x1;
export const FASTPATH_FLAG_ENCRYPTED = 0x2;

/**
 * Total length of the TPKT PDU at `off` (bytes available up to `end`): > 0 the length,
 * NEED_MORE when fewer than 4 bytes are there, INVALID when not version 3 or length < 7.
 */
export function tpktLength(b: Uint8Array, off: number, end: number): number {
  if (off >= end) return NEED_MORE;
  if (b[off] !== TPKT_VERSION) return INVALID;
  if (end - off < TPKT_HEADER_LENGTH) return NEED_MORE;
  const len = u16be(b, off + 2);
  return len < TPKT_MIN_LENGTH ? INVALID : len;
}

/** Bytes of the fast-path header needed to know the length: 2, or 3 with a 2-byte length. */
export function fastPathHeaderLength(b: Uint8Array, off: number, end: number): number {
  if (end - off < 2) return NEED_MORE;
  return (b[off + 1]! & 0x80) !== 0 ? 3 : 2;
}

/**
 * Total length of the fast-path PDU at `off`: > 0 the length, NEED_MORE, or INVALID when the
 * first byte is not a fast-path header or the length is shorter than the header itself.
 */
export function fastPathLength(b: Uint8Array, off: number, end: number): number {
  if (off >= end) return NEED_MORE;
  if (!isFastPathStart(b[off]!)) return INVALID;
  const hl = fastPathHeaderLength(b, off, end);
  if (hl === NEED_MORE || end - off < hl) return NEED_MORE;
  const l1 = b[off + 1]!;
  const len = hl === 3 ? ((l1 & 0x7f) << 8) | b[off + 2]! : l1;
  return len < hl ? INVALID : len;
}

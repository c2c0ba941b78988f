/**
 * TLS record layer framing (RFC 5246 §6.2, RFC 8446 §5.1) and recognition of the
 * SSLv2-compatible record header used by old ClientHellos (RFC 5246 Appendix E.2).
 */
import { u16be } from '../../core/bytes.js';

export const ContentType = {
  changeCipherSpec: 20,
  alert: 21,
  handshake: 22,
  applicationData: 23,
  heartbeat: 24,
} as const;
export type ContentType = (typeof ContentType)[keyof typeof ContentType];

export const RECORD_HEADER_LENGTH = 5;
/** Largest record fragment a TLS <= 1.2 peer may send (ciphertext): 2^14 + 2048. */
export const MAX_RECORD_LENGTH = 16384 + 2048;
/** Largest TLS 1.3 ciphertext fragment: 2^14 + 256. */
export const MAX_TLS13_RECORD_LENGTH = 16384 + 256;
/** SSLv2 two-byte header: high bit set, 15-bit length. */
export const SSLV2_HEADER_LENGTH = 2;

export interface RecordHeader {
  contentType: number;
  /** legacy_record_version, e.g. 0x0301 */
  version: number;
  length: number;
}

/** Reads a 5-byte record header at `o`; null when fewer than 5 bytes are available. */
export function parseRecordHeader(b: Uint8Array, o = 0, end = b.length): RecordHeader | null {
  if (o < 0 || o + RECORD_HEADER_LENGTH > end || end > b.length) return null;
  return { contentType: b[o]!, version: u16be(b, o + 1), length: u16be(b, o + 3) };
}

/** True for the content types RFC 5246/8446/6520 define (20..24). */
export function isKnownContentType(t: number): boolean {
  return t >= ContentType.changeCipherSpec && t <= ContentType.heartbeat;
}

/**
 * Why a record header cannot be a TLS record header, or null when it can.
 * A failure here means the stream is not TLS (or is out of step): the caller stops that direction.
 */
export function recordHeaderProblem(contentType: number, version: number, length: number): string | null {
  if (!isKnownContentType(contentType) || version >> 8 !== 3) {
    return `not a TLS record header: content type ${contentType}, version 0x${version.toString(16).padStart(4, '0')}`;
  }
  if (length > MAX_RECORD_LENGTH) {
    return `record length ${length} exceeds the 2^14+2048 limit`;
  }
  return null;
}

/** The first byte of an SSLv2 record with a 2-byte header has its high bit set. */
export function isSslv2HeaderByte(b0: number): boolean {
  return (b0 & 0x80) !== 0;
}

/** Body length of an SSLv2 record with a 2-byte header (first byte high bit set). */
export function sslv2RecordLength(b0: number, b1: number): number {
  return ((b0 & 0x7f) << 8) | b1;
}

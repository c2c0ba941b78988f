import { describe, expect, it } from 'vitest';
import {
  ContentType,
  MAX_RECORD_LENGTH,
  isKnownContentType,
  isSslv2HeaderByte,
  parseRecordHeader,
  recordHeaderProblem,
  sslv2RecordLength,
} from '../../../../src/protocols/tls/record.js';

describe('TLS record header', () => {
  it('reads type, legacy version and length (RFC 5246 §6.2.1)', () => {
    const b = Uint8Array.from([0x16, 0x03, 0x01, 0x00, 0x74, 0x01]);
    expect(parseRecordHeader(b)).toEqual({ contentType: 22, version: 0x0301, length: 0x74 });
    expect(parseRecordHeader(b, 1)).toEqual({ contentType: 3, version: 0x0100, length: 0x7401 });
  });

  it('returns null for every header shorter than 5 bytes', () => {
    const b = Uint8Array.from([0x17, 0x03, 0x03, 0x00, 0x10]);
    for (let n = 0; n < 5; n++) expect(parseRecordHeader(b.subarray(0, n))).toBeNull();
    expect(parseRecordHeader(b, 1)).toBeNull();
    expect(parseRecordHeader(b, -1)).toBeNull();
  });

  it('accepts the five content types and SSL 3.0 … TLS 1.3 record versions', () => {
    for (const t of Object.values(ContentType)) {
      expect(isKnownContentType(t)).toBe(true);
      for (const v of [0x0300, 0x0301, 0x0302, 0x0303, 0x0304]) expect(recordHeaderProblem(t, v, 100)).toBeNull();
    }
    expect(recordHeaderProblem(23, 0x0303, MAX_RECORD_LENGTH)).toBeNull();
  });

  it('rejects unknown types, non-3.x versions and over-long records', () => {
    expect(recordHeaderProblem(25, 0x0303, 10)).toMatch(/content type 25/);
    expect(recordHeaderProblem(19, 0x0303, 10)).toMatch(/not a TLS record/);
    expect(recordHeaderProblem(22, 0x0200, 10)).toMatch(/version 0x0200/);
    expect(recordHeaderProblem(0x47, 0x4554, 0x202f)).toMatch(/not a TLS record/); // "GET /"
    expect(recordHeaderProblem(23, 0x0303, MAX_RECORD_LENGTH + 1)).toMatch(/exceeds the 2\^14\+2048 limit/);
  });

  it('recognises SSLv2 two-byte headers', () => {
    expect(isSslv2HeaderByte(0x80)).toBe(true);
    expect(isSslv2HeaderByte(0x16)).toBe(false);
    expect(sslv2RecordLength(0x80, 0x2e)).toBe(0x2e);
    expect(sslv2RecordLength(0xff, 0xff)).toBe(0x7fff);
  });
});

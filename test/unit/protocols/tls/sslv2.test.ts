import { describe, expect, it } from 'vitest';
import { toHex } from '../../../../src/core/bytes.js';
import { parseSslv2ClientHello, parseSslv2ServerHello } from '../../../../src/protocols/tls/sslv2.js';
import { concat, u16 } from './build.js';

// Hand-built from draft-hickman-netscape-ssl-00 §2.5 / RFC 5246 Appendix E.2.
const CHALLENGE = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
const CLIENT_HELLO = concat([1], u16(0x0301), u16(9), u16(0), u16(16), [0x01, 0x00, 0x80, 0x00, 0x00, 0x2f, 0x00, 0x00, 0x35], CHALLENGE);
const SERVER_HELLO = concat([4, 0, 1], u16(0x0002), u16(4), u16(3), u16(16), [0xde, 0xad, 0xbe, 0xef], [0x01, 0x00, 0x80], new Uint8Array(16));

describe('SSLv2 hellos', () => {
  it('reads an SSLv2-compatible CLIENT-HELLO and right-justifies the challenge in 32 bytes', () => {
    const r = parseSslv2ClientHello(CLIENT_HELLO);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.version).toBe(0x0301);
    expect(r.value.cipherSpecs).toEqual([0x010080, 0x00002f, 0x000035]);
    expect(toHex(r.value.clientRandom)).toBe('00'.repeat(16) + toHex(CHALLENGE));
  });

  it('reads a SERVER-HELLO', () => {
    const r = parseSslv2ServerHello(SERVER_HELLO);
    expect(r.ok && r.value).toEqual({ sessionIdHit: false, certificateType: 1, version: 2, certificateLength: 4, cipherSpecs: [0x010080], connectionIdLength: 16 });
  });

  it('refuses every strict prefix and inconsistent lengths', () => {
    for (let n = 0; n < CLIENT_HELLO.length; n++) expect(parseSslv2ClientHello(CLIENT_HELLO.subarray(0, n)).ok).toBe(false);
    for (let n = 0; n < SERVER_HELLO.length; n++) expect(parseSslv2ServerHello(SERVER_HELLO.subarray(0, n)).ok).toBe(false);
    const bad = CLIENT_HELLO.slice();
    bad[4] = 8; // cipher_spec_length not a multiple of 3
    expect(parseSslv2ClientHello(bad).ok).toBe(false);
    expect(parseSslv2ClientHello(concat([2], CLIENT_HELLO.subarray(1))).ok).toBe(false);
  });
});

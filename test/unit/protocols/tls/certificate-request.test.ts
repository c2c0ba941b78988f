import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCertificateRequest } from '../../../../src/protocols/tls/certificate-request.js';
import { concat, ext, extensions, u16, vec16, vec8 } from './build.js';
import { HAVE_SHARED, HAVE_TSHARK, SHARED_PUBLIC, clearHandshakeMessages, directionBytes, followStreams } from './follow.js';

const dn = (n: number): Uint8Array => vec16(new Uint8Array(n).fill(0x30));

describe('CertificateRequest', () => {
  it('TLS 1.2: types, signature algorithms, authorities', () => {
    const body = concat(vec8([1, 64]), vec16(concat(u16(0x0401), u16(0x0804))), vec16(concat(dn(10), dn(20))));
    const r = parseCertificateRequest(body, 0x0303, false);
    expect(r.ok && r.value).toEqual({ certificateTypes: [1, 64], signatureAlgorithms: [0x0401, 0x0804], authorityCount: 2 });
  });

  it('TLS 1.0/1.1: no signature algorithm list', () => {
    const body = concat(vec8([1]), vec16(dn(5)));
    expect(parseCertificateRequest(body, 0x0301, false)).toMatchObject({ ok: true, value: { certificateTypes: [1], signatureAlgorithms: [], authorityCount: 1 } });
  });

  it('TLS 1.3: context and extensions (signature_algorithms, certificate_authorities)', () => {
    const body = concat(vec8([7, 7]), extensions([ext(13, vec16(concat(u16(0x0804)))), ext(47, vec16(concat(dn(3), dn(4), dn(5))))]));
    const r = parseCertificateRequest(body, 0x0304, true);
    expect(r.ok && r.value).toEqual({ certificateTypes: [], signatureAlgorithms: [0x0804], authorityCount: 3, requestContextLength: 2, extensions: [13, 47] });
  });

  it('every strict prefix is refused or flagged, nothing throws', () => {
    const body = concat(vec8([1, 64]), vec16(concat(u16(0x0401))), vec16(concat(dn(10))));
    for (let n = 0; n < body.length; n++) {
      const r = parseCertificateRequest(body.subarray(0, n), 0x0303, false);
      expect(!r.ok || r.problems.length > 0).toBe(true);
    }
    expect(parseCertificateRequest(concat(vec8([1]), vec16(concat([0, 9], [1]))), 0x0301, false).ok).toBe(false);
  });
});

describe.skipIf(!HAVE_SHARED || !HAVE_TSHARK)('CertificateRequest of a real capture (tshark: cert_type 1, sig_hash_alg 0x0401, one 74-byte DN)', () => {
  it('zeek certificate-request-failed.pcap', () => {
    const file = path.join(SHARED_PUBLIC, 'zeek__zeek/testing/btest/Traces/tls/certificate-request-failed.pcap');
    const s = followStreams(file)[0]!;
    const msg = clearHandshakeMessages(directionBytes(s.chunks, 1)).find((m) => m.msgType === 13)!;
    const r = parseCertificateRequest(msg.body, 0x0303, false);
    expect(r.ok && r.value).toEqual({ certificateTypes: [1], signatureAlgorithms: [0x0401], authorityCount: 1 });
  });
});

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeCertificate, parseCertificate } from '../../../../src/protocols/tls/certificate.js';
import { TEST_CERT_DER, certificateBody12, certificateBody13, concat, ext, u16 } from './build.js';
import { HAVE_SHARED, HAVE_TSHARK, SHARED_PUBLIC, clearHandshakeMessages, directionBytes, followStreams, tshark } from './follow.js';

describe('certificate description (node:crypto X509Certificate)', () => {
  it('describes the self-signed EC test certificate', () => {
    const c = describeCertificate(TEST_CERT_DER);
    expect(c).toMatchObject({
      derLength: TEST_CERT_DER.length,
      subject: 'O=rdpdiag test, CN=rdp-test.example',
      issuer: 'O=rdpdiag test, CN=rdp-test.example',
      subjectCN: 'rdp-test.example',
      notBefore: '2026-11-24T04:07:52.000Z',
      notAfter: '2036-11-21T04:07:52.000Z',
      keyType: 'ec',
      keyBits: 256,
      namedCurve: 'prime256v1',
      selfSigned: true,
      san: ['DNS:rdp-test.example', 'IP Address:10.0.0.1'],
      serial: '1234ABCD',
      isCA: true,
    });
    expect(c.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(c.parseError).toBeUndefined();
  });

  it('never throws on damaged DER: every prefix and a corrupted byte give parseError or a description', () => {
    for (let n = 0; n < TEST_CERT_DER.length; n += 1) {
      const c = describeCertificate(TEST_CERT_DER.subarray(0, n));
      expect(c.parseError).toBeDefined();
      expect(c.subject).toBe('');
    }
    const flipped = TEST_CERT_DER.slice();
    flipped[flipped.length - 10]! ^= 0xff; // inside the signature: parses, no longer self-signed
    const c = describeCertificate(flipped);
    expect(c.parseError).toBeUndefined();
    expect(c.selfSigned).toBe(false);
  });
});

describe('Certificate message', () => {
  it('parses the TLS <= 1.2 layout (leaf first)', () => {
    const r = parseCertificate(certificateBody12([TEST_CERT_DER, TEST_CERT_DER]), false);
    expect(r.ok && r.value.entries.length).toBe(2);
    expect(r.ok && r.value.entries[0]!.info.subjectCN).toBe('rdp-test.example');
    expect(r.ok && r.value.entries[0]!.extensions).toBeUndefined();
    expect(r.ok && r.problems).toEqual([]);
  });

  it('parses the TLS 1.3 layout with request context and per-entry extensions', () => {
    const r = parseCertificate(certificateBody13([TEST_CERT_DER], [[ext(5, [1, 2, 3]), ext(18, [])]]), true);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.requestContextLength).toBe(0);
    expect(r.value.entries[0]!.extensions).toEqual([5, 18]);
    expect(r.value.entries[0]!.info.serial).toBe('1234ABCD');
  });

  it('accepts an empty list (a client without certificate)', () => {
    const r = parseCertificate(certificateBody12([]), false);
    expect(r.ok && r.value.entries).toEqual([]);
  });

  it('every strict prefix of a message is refused, never thrown', () => {
    for (const [body, tls13] of [
      [certificateBody12([TEST_CERT_DER]), false],
      [certificateBody13([TEST_CERT_DER]), true],
    ] as const) {
      for (let n = 0; n < body.length; n++) {
        const r = parseCertificate(body.subarray(0, n), tls13);
        expect(!r.ok || r.problems.length > 0).toBe(true);
      }
    }
  });

  it('keeps an unparsable certificate with its error and reports it', () => {
    const r = parseCertificate(certificateBody12([Uint8Array.from([0x30, 0x03, 1, 2, 3])]), false);
    expect(r.ok && r.value.entries[0]!.info.parseError).toBeDefined();
    expect(r.ok && r.problems[0]!.message).toMatch(/certificate 1 is not parsable DER X\.509/);
    const long = concat([0, 0, 9], [0, 0, 20], u16(0));
    expect(parseCertificate(long, false).ok).toBe(false);
  });
});

describe.skipIf(!HAVE_SHARED || !HAVE_TSHARK)('certificates of real RDP captures against tshark', () => {
  it.each([
    // Windows RDP self-signed certificate (CN = host name), TLS 1.0
    ['ajbanjara__Wireshark/uploads/__moin_import__/attachments/SampleCaptures/rdp-ssl.pcap', true],
    // RD Gateway capture: CA-issued chain
    ['awakecoding__wireshark-rdp/captures/rdp-rdg-same-creds-kerberos-password-success2.pcapng', false],
    ['awakecoding__wireshark-rdp/captures/rdp-nla-kerberos-auth1.pcapng', undefined],
  ] as const)('%s', (rel, selfSigned) => {
    const file = path.join(SHARED_PUBLIC, rel);
    const stream = followStreams(file).find((s) => clearHandshakeMessages(directionBytes(s.chunks, 1)).some((m) => m.msgType === 11))!;
    const msg = clearHandshakeMessages(directionBytes(stream.chunks, 1)).find((m) => m.msgType === 11)!;
    const r = parseCertificate(msg.body, false);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const args = ['-r', file, '-d', 'tcp.port==3389,tls', '-Y', `tcp.stream == ${stream.index} && tls.handshake.type == 11`, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=;'];
    for (const f of ['tls.handshake.certificate_length', 'x509af.serialNumber', 'x509af.utcTime', 'x509af.generalizedTime', 'x509ce.dNSName']) args.push('-e', f);
    const c = tshark(args).split('\n')[0]!.split('\t');
    const lengths = c[0]!.split(';').map(Number);
    expect(r.value.entries.map((e) => e.info.derLength)).toEqual(lengths);
    const serials = c[1]!.split(';').map((s) => s.replace(/:/g, '').toUpperCase().replace(/^0+(?=.)/, ''));
    expect(r.value.entries.map((e) => e.info.serial.replace(/^0+(?=.)/, ''))).toEqual(serials.slice(0, r.value.entries.length));
    // tshark: "2010-03-11 23:15:22 (UTC)" — the leaf's notBefore and notAfter come first
    const times = (c[2] ?? '').split(';').filter(Boolean).map((t) => t.replace(' (UTC)', 'Z').replace(' ', 'T'));
    const leaf = r.value.entries[0]!.info;
    if (times.length >= 2) {
      expect(leaf.notBefore).toBe(new Date(times[0]!).toISOString());
      expect(leaf.notAfter).toBe(new Date(times[1]!).toISOString());
    }
    if (selfSigned !== undefined) expect(leaf.selfSigned).toBe(selfSigned);
    if (c[4]) expect(leaf.san?.filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4))).toEqual(c[4].split(';').slice(0, leaf.san?.filter((s) => s.startsWith('DNS:')).length));
    expect(leaf.keyType).toMatch(/^(rsa|ec)$/);
    expect(leaf.keyBits).toBeGreaterThanOrEqual(256);
  });
});

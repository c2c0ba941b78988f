import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../../src/core/bytes.js';
import { HELLO_RETRY_REQUEST_RANDOM, isTls13Version, parseServerHello } from '../../../../src/protocols/tls/server-hello.js';
import { alpnExt, concat, ext, keyShareServerExt, randomBytes, selectedVersionExt, serverHelloBody, u16 } from './build.js';
import { HAVE_SHARED, HAVE_TSHARK, SHARED_PUBLIC, clearHandshakeMessages, directionBytes, followStreams, tshark } from './follow.js';

describe('ServerHello', () => {
  it('takes the version from supported_versions when present (RFC 8446 §4.2.1)', () => {
    const r = parseServerHello(serverHelloBody({ suite: 0x1302, exts: [selectedVersionExt(0x0304), keyShareServerExt(29)] }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ legacyVersion: 0x0303, selectedVersion: 0x0304, cipherSuite: 0x1302, helloRetryRequest: false, keyShareGroup: 29, extensions: [43, 51] });
    expect(r.problems).toEqual([]);
  });

  it('falls back to legacy_version and reads ALPN, ETM, EMS, renegotiation_info', () => {
    const r = parseServerHello(serverHelloBody({ version: 0x0302, exts: [alpnExt(['http/1.1']), ext(22), ext(23), ext(0xff01, [0])] }));
    expect(r.ok && r.value).toMatchObject({ selectedVersion: 0x0302, alpn: 'http/1.1', encryptThenMac: true, extendedMasterSecret: true, renegotiationInfo: true });
  });

  it('recognises a HelloRetryRequest by its random and reads its selected_group', () => {
    const r = parseServerHello(serverHelloBody({ random: HELLO_RETRY_REQUEST_RANDOM, suite: 0x1301, exts: [selectedVersionExt(0x0304), ext(51, u16(23))] }));
    expect(r.ok && r.value).toMatchObject({ helloRetryRequest: true, keyShareGroup: 23, selectedVersion: 0x0304 });
    expect(parseServerHello(serverHelloBody({})).ok && (parseServerHello(serverHelloBody({})) as { value: { helloRetryRequest: boolean } }).value.helloRetryRequest).toBe(false);
  });

  it('reports the RFC 8446 downgrade sentinels', () => {
    const r12 = randomBytes(3);
    r12.set([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01], 24);
    expect((parseServerHello(serverHelloBody({ random: r12 })) as { value: { downgradeSentinel?: string } }).value.downgradeSentinel).toBe('tls12');
    const r11 = r12.slice();
    r11[31] = 0;
    expect((parseServerHello(serverHelloBody({ random: r11, version: 0x0302 })) as { value: { downgradeSentinel?: string } }).value.downgradeSentinel).toBe('tls11');
    expect((parseServerHello(serverHelloBody({})) as { value: { downgradeSentinel?: string } }).value.downgradeSentinel).toBeUndefined();
  });

  it('reads the TLS 1.3 draft layout (no session id, no compression) of drafts before -22', () => {
    // version 0x7f12 (draft-18) | random | cipher_suite | extensions
    const body = concat(u16(0x7f12), randomBytes(4), u16(0x1301), [0, 8], u16(51), [0, 4], u16(29), [0, 0]);
    const r = parseServerHello(body);
    expect(r.ok && r.value).toMatchObject({ legacyVersion: 0x7f12, selectedVersion: 0x7f12, cipherSuite: 0x1301, sessionIdLength: 0 });
    expect(isTls13Version(0x7f12)).toBe(true);
    expect(isTls13Version(0x0304)).toBe(true);
    expect(isTls13Version(0x0303)).toBe(false);
  });

  it('every strict prefix is refused or flagged, nothing throws', () => {
    const full = serverHelloBody({ exts: [selectedVersionExt(0x0304), keyShareServerExt(29)] });
    const boundary = 2 + 32 + 1 + 32 + 3;
    for (let n = 0; n < full.length; n++) {
      const r = parseServerHello(full.subarray(0, n));
      if (n === boundary) expect(r.ok && r.problems).toEqual([]);
      else expect(!r.ok || r.problems.length > 0).toBe(true);
    }
    expect(parseServerHello(concat(serverHelloBody({ exts: null }).subarray(0, 34), [40])).ok).toBe(false); // session id 40
    const badVer = parseServerHello(serverHelloBody({ exts: [ext(43, [3, 4, 0])] }));
    expect(badVer.ok && badVer.problems.map((p) => p.message)).toEqual(['malformed supported_versions extension in ServerHello']);
  });
});

describe.skipIf(!HAVE_SHARED || !HAVE_TSHARK)('ServerHello of real captures against tshark', () => {
  it.each([
    'ajbanjara__Wireshark/uploads/__moin_import__/attachments/SampleCaptures/rdp-ssl.pcap',
    'awakecoding__wireshark-rdp/captures/rdp-nla-kerberos-auth1.pcapng',
    'petercsauer__probe/tests/fixtures/captures/tls/tls13.pcapng',
    'zeek__zeek/testing/btest/Traces/tls/hrr.pcap',
  ])('%s', (rel) => {
    const file = path.join(SHARED_PUBLIC, rel);
    const stream = followStreams(file).find((s) => clearHandshakeMessages(directionBytes(s.chunks, 1)).some((m) => m.msgType === 2))!;
    const hellos = clearHandshakeMessages(directionBytes(stream.chunks, 1)).filter((m) => m.msgType === 2);
    const args = ['-r', file, '-d', 'tcp.port==3389,tls', '-Y', `tcp.stream == ${stream.index} && tls.handshake.type == 2`, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=;'];
    for (const f of ['tls.handshake.version', 'tls.handshake.random', 'tls.handshake.ciphersuite', 'tls.handshake.extension.type', 'tls.handshake.extensions.supported_version']) args.push('-e', f);
    const lines = tshark(args).trim().split('\n');
    expect(hellos.length).toBeGreaterThan(0);
    // hrr.pcap: the HelloRetryRequest and the ServerHello are both type 2, each in its own frame
    expect(lines.length).toBe(hellos.length);
    hellos.forEach((h, i) => {
      const c = lines[i]!.split('\t');
      const r = parseServerHello(h.body);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.value.legacyVersion).toBe(Number(c[0]));
      expect(toHex(r.value.random)).toBe(c[1]);
      expect(r.value.cipherSuite).toBe(Number(c[2]));
      expect(r.value.extensions).toEqual(c[3] ? c[3].split(';').map(Number) : []);
      expect(r.value.selectedVersion).toBe(Number(c[4] || c[0]));
      expect(r.value.helloRetryRequest).toBe(c[1] === toHex(HELLO_RETRY_REQUEST_RANDOM));
      for (let n = 0; n < h.body.length; n++) parseServerHello(h.body.subarray(0, n)); // never throws
    });
    if (rel.endsWith('hrr.pcap')) expect(parseServerHello(hellos[0]!.body).ok && (parseServerHello(hellos[0]!.body) as { value: { helloRetryRequest: boolean } }).value.helloRetryRequest).toBe(true);
  });
});

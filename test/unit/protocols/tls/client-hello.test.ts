import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../../src/core/bytes.js';
import { parseClientHello } from '../../../../src/protocols/tls/client-hello.js';
import {
  alpnExt,
  clientHelloBody,
  concat,
  ext,
  keyShareClientExt,
  randomBytes,
  sniExt,
  supportedVersionsExt,
  u16ListExt,
} from './build.js';
import { HAVE_SHARED, HAVE_TSHARK, SHARED_PUBLIC, clearHandshakeMessages, directionBytes, followStreams, tshark } from './follow.js';

/** Hand-built ClientHello with every extension the decoder reports. */
const FULL = clientHelloBody({
  random: randomBytes(9),
  suites: [0x1301, 0x1302, 0xc02f, 0x00ff],
  exts: [
    sniExt('gw.example.test'),
    u16ListExt(10, [29, 23, 24]),
    ext(11, [1, 0]),
    u16ListExt(13, [0x0804, 0x0403, 0x0401]),
    alpnExt(['h2', 'http/1.1']),
    ext(22),
    ext(23),
    supportedVersionsExt([0x0304, 0x0303]),
    keyShareClientExt([29]),
    ext(0xff01, [0]),
    ext(0x4a4a, []), // GREASE
  ],
});

describe('ClientHello', () => {
  it('reads every reported field of a hand-built hello', () => {
    const r = parseClientHello(FULL);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.problems).toEqual([]);
    const v = r.value;
    expect(v.legacyVersion).toBe(0x0303);
    expect(toHex(v.random)).toBe(toHex(randomBytes(9)));
    expect(v.sessionIdLength).toBe(32);
    expect(v.cipherSuites).toEqual([0x1301, 0x1302, 0xc02f, 0x00ff]);
    expect(v.compressionMethods).toEqual([0]);
    expect(v.extensions).toEqual([0, 10, 11, 13, 16, 22, 23, 43, 51, 0xff01, 0x4a4a]);
    expect(v.sni).toBe('gw.example.test');
    expect(v.groups).toEqual([29, 23, 24]);
    expect(v.signatureAlgorithms).toEqual([0x0804, 0x0403, 0x0401]);
    expect(v.alpn).toEqual(['h2', 'http/1.1']);
    expect(v.supportedVersions).toEqual([0x0304, 0x0303]);
    expect(v.keyShareGroups).toEqual([29]);
    expect(v.encryptThenMac).toBe(true);
    expect(v.extendedMasterSecret).toBe(true);
    expect(v.renegotiationInfo).toBe(true);
  });

  it('accepts a hello without extensions (SSL 3.0 / early TLS) and the SCSV as renegotiation support', () => {
    const r = parseClientHello(clientHelloBody({ version: 0x0300, suites: [0x0004, 0x00ff], exts: null }));
    expect(r.ok && r.value.extensions).toEqual([]);
    expect(r.ok && r.value.renegotiationInfo).toBe(true);
    expect(r.ok && r.value.sni).toBeUndefined();
  });

  it('every strict prefix is refused or flagged (no silent success), and nothing throws', () => {
    const boundary = 2 + 32 + 1 + 32 + 2 + 8 + 2; // end of compression_methods: a complete extension-less hello
    for (let n = 0; n < FULL.length; n++) {
      const r = parseClientHello(FULL.subarray(0, n));
      if (n === boundary) expect(r.ok && r.problems).toEqual([]);
      else expect(!r.ok || r.problems.length > 0).toBe(true);
    }
  });

  it('reports malformed pieces as problems or failures', () => {
    const bad = (b: Uint8Array) => parseClientHello(b);
    // session_id length 33
    const sid = clientHelloBody({});
    const s2 = sid.slice();
    s2[34] = 33;
    expect(bad(s2).ok).toBe(false);
    // odd cipher_suites length
    const odd = concat(clientHelloBody({ exts: null }).subarray(0, 67), [0, 3, 0, 1, 2, 1, 0]);
    expect(bad(odd).ok).toBe(false);
    // SNI whose inner length runs past the extension: kept hello, problem reported, no sni
    const r = bad(clientHelloBody({ exts: [ext(0, [0, 5, 0, 0, 9, 0x61, 0x62])] }));
    expect(r.ok && r.problems.map((p) => p.message)).toEqual(['malformed server_name extension in ClientHello']);
    expect(r.ok && r.value.sni).toBeUndefined();
    // ALPN with an empty protocol name
    expect((bad(clientHelloBody({ exts: [ext(16, [0, 1, 0])] })) as { problems: readonly unknown[] }).problems).toHaveLength(1);
    // supported_versions with an odd list
    expect((bad(clientHelloBody({ exts: [ext(43, [3, 3, 4, 3])] })) as { problems: readonly unknown[] }).problems).toHaveLength(1);
    // extension length past the block: hello kept with the extensions before it
    const cut = clientHelloBody({ exts: [sniExt('a.test'), ext(13, [0, 2, 4, 1])] });
    const broken = cut.slice();
    broken[broken.length - 5] = 0x40; // extension 13 length 0x4004
    const rb = bad(broken);
    expect(rb.ok && rb.value.sni).toBe('a.test');
    expect(rb.ok && rb.problems.length).toBe(1);
    // zero compression methods (seen in ntop tls_invalid_reads.pcap): kept, flagged
    const z = bad(clientHelloBody({ compression: [], exts: null }));
    expect(z.ok && z.problems.map((p) => p.message)).toEqual(['ClientHello offers no compression method (null is mandatory)']);
  });
});

const CAPTURES = [
  'ajbanjara__Wireshark/uploads/__moin_import__/attachments/SampleCaptures/rdp-ssl.pcap',
  'awakecoding__wireshark-rdp/captures/rdp-nla-kerberos-auth1.pcapng',
  'petercsauer__probe/tests/fixtures/captures/tls/tls13.pcapng',
  'zeek__zeek/testing/btest/Traces/tls/hrr.pcap',
];

describe.skipIf(!HAVE_SHARED || !HAVE_TSHARK)('ClientHello of real captures against tshark', () => {
  it.each(CAPTURES)('%s: first ClientHello, all fields, and every truncated prefix', (rel) => {
    const file = path.join(SHARED_PUBLIC, rel);
    const stream = followStreams(file).find((s) => clearHandshakeMessages(directionBytes(s.chunks, 0)).some((m) => m.msgType === 1))!;
    const body = clearHandshakeMessages(directionBytes(stream.chunks, 0)).find((m) => m.msgType === 1)!.body;
    const fields = ['tls.handshake.version', 'tls.handshake.random', 'tls.handshake.session_id_length', 'tls.handshake.ciphersuite', 'tls.handshake.extension.type', 'tls.handshake.sig_hash_alg', 'tls.handshake.extensions_supported_group', 'tls.handshake.extensions_key_share_group', 'tls.handshake.extensions.supported_version', 'tls.handshake.extensions_server_name', 'tls.handshake.extensions_alpn_str'];
    const args = ['-r', file, '-d', 'tcp.port==3389,tls', '-Y', `tcp.stream == ${stream.index} && tls.handshake.type == 1`, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=;'];
    for (const f of fields) args.push('-e', f);
    const line = tshark(args).split('\n')[0]!.split('\t');
    const nums = (i: number): number[] => (line[i] ? line[i]!.split(';').map((x) => Number(x)) : []);
    const r = parseClientHello(body);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const v = r.value;
    expect(v.legacyVersion).toBe(nums(0)[0]);
    expect(toHex(v.random)).toBe(line[1]);
    expect(v.sessionIdLength).toBe(nums(2)[0]);
    expect(v.cipherSuites).toEqual(nums(3));
    expect(v.extensions).toEqual(nums(4));
    // tshark also lists signature_algorithms_cert (50) values in sig_hash_alg
    expect(nums(5).slice(0, v.signatureAlgorithms.length)).toEqual(v.signatureAlgorithms);
    expect(v.groups).toEqual(nums(6));
    expect(v.keyShareGroups).toEqual(nums(7));
    expect(v.supportedVersions).toEqual(nums(8));
    expect(v.sni ?? '').toBe(line[9] ?? '');
    expect(v.alpn).toEqual(line[10] ? line[10].split(';') : []);
    expect(r.problems).toEqual([]);

    let successes = 0;
    for (let n = 0; n < body.length; n++) {
      const p = parseClientHello(body.subarray(0, n)); // must not throw
      if (p.ok && p.problems.length === 0) successes++;
    }
    expect(successes).toBeLessThanOrEqual(1); // only the prefix that ends exactly before the extensions
  });
});

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DecodeIssue } from '../../../../src/core/issues.js';
import { HELLO_RETRY_REQUEST_RANDOM } from '../../../../src/protocols/tls/server-hello.js';
import {
  TEST_CERT_DER,
  certificateBody12,
  clientHelloBody,
  concat,
  ext,
  handshake,
  keyShareClientExt,
  keyShareServerExt,
  randomBytes,
  record,
  selectedVersionExt,
  serverHelloBody,
  sniExt,
  supportedVersionsExt,
  u16,
} from './build.js';
import { HAVE_SHARED, HAVE_TSHARK, SHARED_PUBLIC, followStreams, skipLeadingTpkt, skipToTls } from './follow.js';
import { fromFollow, run, totalLength, types, withoutFrames, type Ev, type Flight } from './streams.js';

const issues = (events: Ev[]): DecodeIssue[] => events.filter((e): e is DecodeIssue => e.type === 'analyzer.violation');
const find = <T extends Ev['type']>(events: Ev[], type: T): Extract<Ev, { type: T }>[] =>
  events.filter((e) => e.type === type) as Extract<Ev, { type: T }>[];

/** A hand-built TLS 1.2 full handshake (RSA key exchange), then data and an encrypted alert. */
function tls12(): Flight[] {
  return [
    { dir: 0, data: record(22, handshake(1, clientHelloBody({ exts: [sniExt('rdp.example.test')] })), 0x0301) },
    {
      dir: 1,
      data: record(22, concat(handshake(2, serverHelloBody({ exts: [] })), handshake(11, certificateBody12([TEST_CERT_DER])), handshake(14, []))),
    },
    { dir: 0, data: concat(record(22, handshake(16, new Uint8Array(130).fill(5))), record(20, [1]), record(22, new Uint8Array(40).fill(9))) },
    { dir: 1, data: concat(record(20, [1]), record(22, new Uint8Array(40).fill(8))) },
    { dir: 0, data: record(23, new Uint8Array(100).fill(1)) },
    { dir: 1, data: record(23, new Uint8Array(200).fill(2)) },
    { dir: 0, data: record(21, new Uint8Array(26).fill(3)) },
  ];
}

/** A hand-built TLS 1.3 handshake seen without keys (middlebox-compatibility CCS). */
function tls13(): Flight[] {
  return [
    { dir: 0, data: record(22, handshake(1, clientHelloBody({ exts: [supportedVersionsExt([0x0304, 0x0303]), keyShareClientExt([29])] })), 0x0301) },
    {
      dir: 1,
      data: concat(
        record(22, handshake(2, serverHelloBody({ suite: 0x1301, exts: [selectedVersionExt(0x0304), keyShareServerExt(29)] }))),
        record(20, [1]),
        record(23, new Uint8Array(30)),
        record(23, new Uint8Array(900)),
        record(23, new Uint8Array(280)),
        record(23, new Uint8Array(69)),
      ),
    },
    { dir: 0, data: concat(record(20, [1]), record(23, new Uint8Array(53))) },
    { dir: 0, data: record(23, new Uint8Array(300)) },
    { dir: 1, data: record(23, new Uint8Array(19)) },
  ];
}

describe('TlsStreamDecoder on hand-built streams', () => {
  it('TLS 1.2: hellos, certificate, CCS, Finished both ways, then application records', () => {
    const ev = run(tls12(), { frameOf: (i) => i + 1 });
    expect(types(ev)).toEqual([
      'tls.client_hello',
      'tls.server_hello',
      'tls.certificate',
      'tls.server_hello_done',
      'tls.handshake_message',
      'tls.change_cipher_spec',
      'tls.encrypted_handshake',
      'tls.change_cipher_spec',
      'tls.encrypted_handshake',
      'tls.handshake_complete',
      'tls.app_record',
      'tls.app_record',
      'tls.app_record',
      'tls.encrypted_alert',
    ]);
    const ch = find(ev, 'tls.client_hello')[0]!;
    expect(ch).toMatchObject({ frame: 1, dir: 0, legacyVersion: 0x0303, sni: 'rdp.example.test', cipherSuites: [0x1301, 0xc02f, 0x002f], sessionIdLength: 32, extensions: [0], afterHelloRetryRequest: false });
    expect(ch.clientRandom).toHaveLength(64);
    expect(find(ev, 'tls.server_hello')[0]).toMatchObject({ frame: 2, dir: 1, selectedVersion: 0x0303, cipherSuite: 0xc02f, helloRetryRequest: false });
    expect(find(ev, 'tls.certificate')[0]!.certificates.map((c) => c.subjectCN)).toEqual(['rdp-test.example']);
    expect(find(ev, 'tls.handshake_message')[0]).toMatchObject({ msgType: 16, length: 130, dir: 0 });
    expect(find(ev, 'tls.change_cipher_spec').map((e) => e.middleboxCompat)).toEqual([false, false]);
    expect(find(ev, 'tls.handshake_complete')[0]).toMatchObject({ frame: 4, dir: 1, version: 0x0303, inferred: false });
    expect(find(ev, 'tls.app_record').map((e) => [e.dir, e.contentType, e.length])).toEqual([
      [0, 23, 100],
      [1, 23, 200],
      [0, 21, 26],
    ]);
    expect(find(ev, 'tls.encrypted_alert')[0]).toMatchObject({ dir: 0, length: 26 });
    expect(issues(ev)).toEqual([]);
  });

  it('TLS 1.3 without keys: compat CCS, handshake completion inferred from the first application records', () => {
    const ev = run(tls13(), { frameOf: (i) => i + 1 });
    expect(find(ev, 'tls.server_hello')[0]).toMatchObject({ selectedVersion: 0x0304, keyShareGroup: 29 });
    expect(find(ev, 'tls.change_cipher_spec').map((e) => e.middleboxCompat)).toEqual([true, true]);
    // server flight (4 records), client Finished (frame 3), client data (frame 4) completes it
    expect(find(ev, 'tls.handshake_complete')).toEqual([{ type: 'tls.handshake_complete', frame: 4, ts: 0.004, dir: 0, version: 0x0304, inferred: true }]);
    expect(find(ev, 'tls.app_record')).toHaveLength(7);
    expect(find(ev, 'tls.encrypted_handshake')).toEqual([]);
    expect(issues(ev)).toEqual([]);
  });

  it('HelloRetryRequest: recognised, and the second ClientHello is marked', () => {
    const ev = run([
      { dir: 0, data: record(22, handshake(1, clientHelloBody({ exts: [supportedVersionsExt([0x0304])] }))) },
      { dir: 1, data: concat(record(22, handshake(2, serverHelloBody({ random: HELLO_RETRY_REQUEST_RANDOM, suite: 0x1301, exts: [selectedVersionExt(0x0304), ext(51, u16(23))] }))), record(20, [1])) },
      { dir: 0, data: concat(record(20, [1]), record(22, handshake(1, clientHelloBody({ exts: [supportedVersionsExt([0x0304]), keyShareClientExt([23])] })))) },
      { dir: 1, data: record(22, handshake(2, serverHelloBody({ suite: 0x1301, exts: [selectedVersionExt(0x0304), keyShareServerExt(23)] }))) },
    ]);
    expect(find(ev, 'tls.server_hello').map((e) => e.helloRetryRequest)).toEqual([true, false]);
    expect(find(ev, 'tls.client_hello').map((e) => e.afterHelloRetryRequest)).toEqual([false, true]);
    expect(find(ev, 'tls.change_cipher_spec').every((e) => e.middleboxCompat)).toBe(true);
    expect(issues(ev)).toEqual([]);
  });

  it('SSLv2-compatible ClientHello answered in TLS', () => {
    const challenge = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
    const v2body = concat([1], u16(0x0301), u16(6), u16(0), u16(16), [0, 0, 0x2f, 0, 0, 0x35], challenge);
    const ev = run([
      { dir: 0, data: concat([0x80 | (v2body.length >> 8), v2body.length & 0xff], v2body) },
      { dir: 1, data: record(22, handshake(2, serverHelloBody({ version: 0x0301, suite: 0x002f })), 0x0301) },
      { dir: 0, data: record(22, handshake(16, new Uint8Array(10)), 0x0301) },
    ]);
    expect(types(ev)).toEqual(['tls.sslv2_client_hello', 'tls.server_hello', 'tls.handshake_message']);
    expect(find(ev, 'tls.sslv2_client_hello')[0]).toMatchObject({ version: 0x0301, cipherSpecs: [0x2f, 0x35], clientRandom: '00'.repeat(16) + '0102030405060708090a0b0c0d0e0f10' });
  });
});

describe('TlsStreamDecoder robustness', () => {
  it('is chunk-split invariant on hand-built streams (every split offset, then byte by byte)', () => {
    for (const flights of [tls12(), tls13()]) {
      const want = run(flights);
      const n = totalLength(flights);
      for (let k = 1; k < n; k++) expect(run(flights, { cuts: [k] })).toEqual(want);
      expect(run(flights, { cuts: Array.from({ length: n }, (_, i) => i) })).toEqual(want);
    }
  });

  it('every prefix: no throw, and the events are a prefix of the full decode (no bogus event)', () => {
    for (const flights of [tls12(), tls13()]) {
      const full = run(flights, { end: false });
      const n = totalLength(flights);
      for (let k = 0; k <= n; k++) {
        const ev = run(flights, { stopAt: k });
        const decoded = ev.filter((e) => e.type !== 'analyzer.violation');
        expect(decoded).toEqual(full.slice(0, decoded.length));
        // the only issues a clean prefix may raise are "stream ended inside …" warnings
        for (const i of issues(ev)) expect(i.message).toMatch(/^stream ended/);
      }
    }
  });

  it('a stream that is not TLS: one error, then silence in that direction', () => {
    const ev = run([
      { dir: 0, data: new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n') },
      { dir: 0, data: record(22, handshake(1, clientHelloBody({}))) },
      { dir: 1, data: record(21, [2, 70]) },
    ]);
    expect(issues(ev)).toHaveLength(1);
    expect(issues(ev)[0]).toMatchObject({ protocol: 'tls', offset: 0, severity: 'error' });
    expect(issues(ev)[0]!.message).toMatch(/client→server: not a TLS record header: content type 71/);
    expect(find(ev, 'tls.alert')).toEqual([{ type: 'tls.alert', frame: 1, ts: 0.001, dir: 1, level: 2, description: 70, encrypted: false }]);
  });

  it('an over-long record length stops the direction with its stream offset', () => {
    const first = record(22, handshake(1, clientHelloBody({})));
    const ev = run([{ dir: 0, data: concat(first, [22, 3, 3, 0x48, 0x01], new Uint8Array(10)) }]);
    expect(issues(ev).map((i) => [i.offset, i.message])).toEqual([[first.length, 'client→server: record length 18433 exceeds the 2^14+2048 limit: stopped decoding this direction']]);
    expect(find(ev, 'tls.client_hello')).toHaveLength(1);
  });

  it('after a gap a direction is abandoned with one issue; the other direction goes on', () => {
    const ev = run([
      { dir: 0, data: record(22, handshake(1, clientHelloBody({}))) },
      { dir: 0, data: new Uint8Array(0), gap: 1000 },
      { dir: 0, data: record(21, [2, 40]) },
      { dir: 0, data: new Uint8Array(0), gap: 10 },
      { dir: 1, data: record(21, [2, 40]) },
    ]);
    expect(issues(ev)).toHaveLength(1);
    expect(issues(ev)[0]!.message).toMatch(/^client→server: 1000 byte\(s\) missing from the stream: stopped decoding/);
    expect(find(ev, 'tls.alert').map((a) => a.dir)).toEqual([1]);
  });

  it('a malformed ClientHello inside a good record: issue with the stream offset of the field, next record decoded', () => {
    const body = clientHelloBody({});
    const bad = body.slice();
    bad[34] = 40; // session_id length 40
    const ev = run([{ dir: 0, data: concat(record(22, handshake(1, bad)), record(21, [1, 0])) }]);
    expect(issues(ev).map((i) => [i.offset, i.message])).toEqual([[5 + 4 + 34, 'ClientHello session_id length 40 > 32']]);
    expect(find(ev, 'tls.alert')).toHaveLength(1);
  });

  it('a handshake message larger than MAX_PDU_BUFFER is refused without buffering; records still decoded', () => {
    const ev = run([
      { dir: 1, data: record(22, [11, 0x20, 0x00, 0x00, 1, 2, 3]) }, // Certificate announcing 2 MiB
      { dir: 1, data: record(22, new Uint8Array(100)) },
      { dir: 1, data: record(21, [2, 42]) },
    ]);
    expect(issues(ev)).toHaveLength(1);
    expect(issues(ev)[0]!.message).toMatch(/handshake message of 2097156 bytes exceeds the 1048576-byte bound/);
    expect(find(ev, 'tls.alert')[0]).toMatchObject({ level: 2, description: 42 });
  });

  it('empty records, a bad CCS body, a stream cut inside a record and an unreadable alert are reported', () => {
    const ev = run([
      { dir: 0, data: concat(record(22, []), record(20, [2]), record(21, [9, 9, 9])) },
      { dir: 1, data: record(22, handshake(2, serverHelloBody({}))).subarray(0, 20) },
    ]);
    expect(issues(ev).map((i) => i.message)).toEqual([
      'empty record of content type 22',
      'ChangeCipherSpec body is not the single byte 1 (length 1)',
      'stream ended after 20 byte(s) of a 81-byte record',
    ]);
    expect(find(ev, 'tls.encrypted_alert')).toEqual([{ type: 'tls.encrypted_alert', frame: 1, ts: 0.001, dir: 0, length: 3 }]);
  });

  it('random garbage never throws', () => {
    let seed = 42;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (let t = 0; t < 300; t++) {
      const start = [22, 21, 20, 23, 0x80][t % 5]!;
      const data = Uint8Array.from({ length: 50 + (t % 200) }, (_, i) => (i === 0 ? start : i < 3 ? 3 : rnd()));
      expect(() => run([{ dir: (t % 2) as 0 | 1, data }], { cuts: [7, 13, 40] })).not.toThrow();
    }
  });
});

const REAL = [
  // RDP with TLS 1.0 (Windows 2008 self-signed certificate)
  ['ajbanjara__Wireshark/uploads/__moin_import__/attachments/SampleCaptures/rdp-ssl.pcap', 0],
  // RDP NLA, TLS 1.2 after the X.224 exchange
  ['awakecoding__wireshark-rdp/captures/rdp-nla-kerberos-auth1.pcapng', 0],
  // TLS 1.3 (no keys)
  ['petercsauer__probe/tests/fixtures/captures/tls/tls13.pcapng', 0],
  // fatal alert 70 (protocol_version) right after the ClientHello
  ['ntop__nDPI/tests/cfgs/default/pcap/tls_alert.pcap', 0],
] as const;

describe.skipIf(!HAVE_SHARED || !HAVE_TSHARK)('TlsStreamDecoder on real streams', () => {
  const streams = new Map<string, Flight[]>();
  const flightsOf = (rel: string, index: number): Flight[] => {
    const key = `${rel}#${index}`;
    if (!streams.has(key)) {
      const s = followStreams(path.join(SHARED_PUBLIC, rel)).find((x) => x.index === index)!;
      let flights = fromFollow(skipToTls(skipLeadingTpkt(s.chunks)));
      // keep the test fast: the handshake and the first application records are enough
      let n = 0;
      flights = flights.filter((f) => (n += f.data.length) < 12000);
      streams.set(key, flights);
    }
    return streams.get(key)!;
  };

  it.each(REAL)('%s: chunk-split invariant at every offset and under random segmentation', (rel, index) => {
    const flights = flightsOf(rel, index);
    const want = run(flights);
    expect(want.length).toBeGreaterThanOrEqual(2);
    const n = totalLength(flights);
    const step = n > 6000 ? 3 : 1;
    for (let k = 1; k < n; k += step) expect(run(flights, { cuts: [k] })).toEqual(want);
    let seed = 7;
    const rnd = (m: number): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % m;
    const wantNoFrames = withoutFrames(want);
    for (let t = 0; t < 30; t++) {
      const cuts = Array.from({ length: 1 + rnd(60) }, () => rnd(n));
      expect(withoutFrames(run(flights, { cuts, frameOf: (i) => i + 1 }))).toEqual(wantNoFrames);
    }
  });

  it.each(REAL)('%s: every prefix gives a prefix of the events', (rel, index) => {
    const flights = flightsOf(rel, index);
    const full = run(flights, { end: false });
    const n = totalLength(flights);
    const step = n > 6000 ? 5 : 1;
    for (let k = 0; k <= n; k += step) {
      const decoded = run(flights, { stopAt: k }).filter((e) => e.type !== 'analyzer.violation');
      expect(decoded).toEqual(full.slice(0, decoded.length));
    }
  });

  it('rdp-ssl.pcap: TLS 1.0 handshake of an RDP server with its self-signed certificate', () => {
    const ev = run(flightsOf(REAL[0][0], 0));
    expect(types(ev).slice(0, 10)).toEqual([
      'tls.client_hello',
      'tls.server_hello',
      'tls.certificate',
      'tls.server_hello_done',
      'tls.handshake_message',
      'tls.change_cipher_spec',
      'tls.encrypted_handshake',
      'tls.change_cipher_spec',
      'tls.encrypted_handshake',
      'tls.handshake_complete',
    ]);
    const cert = find(ev, 'tls.certificate')[0]!.certificates[0]!;
    // tshark: id-at-commonName=WIN-08Q9KQFPPO6, utcTime 2010-03-11 23:15:22 / 2020-03-11 00:00:00
    expect(cert).toMatchObject({ subject: 'CN=WIN-08Q9KQFPPO6', issuer: 'CN=WIN-08Q9KQFPPO6', selfSigned: true, keyType: 'rsa', keyBits: 2048, notBefore: '2010-03-11T23:15:22.000Z', notAfter: '2020-03-11T00:00:00.000Z', serial: '3380C6EED5EDEC864B09053936E488A4' });
    expect(find(ev, 'tls.server_hello')[0]).toMatchObject({ selectedVersion: 0x0301, cipherSuite: 0x002f });
    expect(issues(ev)).toEqual([]);
  });

  it('tls13.pcapng: TLS 1.3 completion is inferred at the client\'s first application record', () => {
    const ev = run(flightsOf(REAL[2][0], 0), { frameOf: (i) => i + 1 });
    const done = find(ev, 'tls.handshake_complete');
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ version: 0x0304, inferred: true, dir: 0 });
    const appBefore = ev.slice(0, ev.indexOf(done[0]!)).filter((e) => e.type === 'tls.app_record' && e.dir === 0);
    expect(appBefore).toHaveLength(2); // client Finished, then the first data record
  });

  it('tls_alert.pcap: the server refuses TLS 1.0 with a fatal protocol_version alert', () => {
    const ev = run(flightsOf(REAL[3][0], 0));
    expect(find(ev, 'tls.client_hello')[0]).toMatchObject({ legacyVersion: 0x0301 });
    expect(find(ev, 'tls.alert')).toEqual([expect.objectContaining({ dir: 1, level: 2, description: 70, encrypted: false })]);
    expect(find(ev, 'tls.server_hello')).toEqual([]);
  });
});

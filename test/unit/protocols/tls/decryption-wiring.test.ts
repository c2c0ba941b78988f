/**
 * The TLS decoder's side of the decryption contract (src/protocols/tls/decrypt/types.ts), tested
 * with a fake DecryptorFactory: "ciphertext" is innerType | plaintext | 0xAA (the "tag"); any other
 * last byte is an authentication failure. Streams are hand-built.
 */
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../../src/core/bytes.js';
import type { DecryptorFactory, DecryptResult, RecordDecryptor, TlsSessionParams } from '../../../../src/protocols/tls/decrypt/types.js';
import type { Dir } from '../../../../src/protocols/stream.js';
import { HELLO_RETRY_REQUEST_RANDOM } from '../../../../src/protocols/tls/server-hello.js';
import {
  TEST_CERT_DER,
  certificateBody12,
  certificateBody13,
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
  supportedVersionsExt,
  u16,
} from './build.js';
import { run, totalLength, types, type Ev, type Flight } from './streams.js';

const TAG = 0xaa;
const seal = (innerType: number, plaintext: Uint8Array | number[]): Uint8Array => concat([innerType], plaintext, [TAG]);
const broken = (innerType: number, plaintext: Uint8Array | number[]): Uint8Array => concat([innerType], plaintext, [0x55]);
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

interface Fake {
  factory: DecryptorFactory;
  created: { params: TlsSessionParams; frame: number }[];
  calls: [Dir, number, number][];
  ccs: Dir[];
}

function fake(result: 'ok' | { reason: string } = 'ok'): Fake {
  const f: Fake = { factory: { create: () => ({ ok: false, reason: '' }) }, created: [], calls: [], ccs: [] };
  const decryptor: RecordDecryptor = {
    decrypt(dir: Dir, contentType: number, body: Uint8Array): DecryptResult {
      f.calls.push([dir, contentType, body.length]);
      if (body.length < 2 || body[body.length - 1] !== TAG) return { ok: false, reason: 'authentication tag mismatch' };
      return { ok: true, contentType: body[0]!, plaintext: body.slice(1, body.length - 1) };
    },
    changeCipherSpec(dir: Dir): void {
      f.ccs.push(dir);
    },
  };
  f.factory = {
    create(params, atFrame) {
      f.created.push({ params: { ...params, clientRandom: params.clientRandom.slice(), serverRandom: params.serverRandom.slice() }, frame: atFrame });
      return result === 'ok' ? { ok: true, decryptor, origin: 'keylog:test.keys' } : { ok: false, reason: result.reason };
    },
  };
  return f;
}

function decode(flights: Flight[], f: Fake, cuts: number[] = []) {
  const plaintext: [Dir, string, number][] = [];
  const gaps: Dir[] = [];
  const events = run(flights, {
    cuts,
    frameOf: cuts.length === 0 ? (i) => i + 1 : undefined,
    options: {
      decryption: f.factory,
      onPlaintext: (dir, data, info) => plaintext.push([dir, new TextDecoder().decode(data), info.frame]),
      onPlaintextGap: (dir) => gaps.push(dir),
    },
  });
  return { events, plaintext, gaps };
}

const find = <T extends Ev['type']>(events: Ev[], type: T): Extract<Ev, { type: T }>[] =>
  events.filter((e) => e.type === type) as Extract<Ev, { type: T }>[];

const CR = randomBytes(11);
const SR = randomBytes(12);

/** TLS 1.2 (ECDHE-RSA-AES128-GCM, ETM and EMS offered and accepted), then data and alerts. */
function tls12(serverData: Uint8Array = seal(23, text('world'))): Flight[] {
  return [
    { dir: 0, data: record(22, handshake(1, clientHelloBody({ random: CR, exts: [ext(22), ext(23)] }))) },
    {
      dir: 1,
      data: record(22, concat(handshake(2, serverHelloBody({ random: SR, suite: 0xc02f, exts: [ext(22), ext(23)] })), handshake(11, certificateBody12([TEST_CERT_DER])), handshake(14, []))),
    },
    { dir: 0, data: concat(record(22, handshake(16, new Uint8Array(66))), record(20, [1]), record(22, seal(22, handshake(20, new Uint8Array(12).fill(1))))) },
    { dir: 1, data: concat(record(20, [1]), record(22, seal(22, handshake(20, new Uint8Array(12).fill(2))))) },
    { dir: 0, data: record(23, seal(23, text('hello'))) },
    { dir: 1, data: record(23, serverData) },
    { dir: 1, data: record(23, seal(23, text('again'))) },
    { dir: 0, data: record(23, seal(23, text('more'))) },
    { dir: 1, data: record(21, seal(21, [1, 0])) },
  ];
}

/** TLS 1.3 with the server's encrypted flight (EE, Certificate, CertificateVerify, Finished). */
function tls13(): Flight[] {
  return [
    { dir: 0, data: record(22, handshake(1, clientHelloBody({ random: CR, exts: [supportedVersionsExt([0x0304]), keyShareClientExt([29])] })), 0x0301) },
    {
      dir: 1,
      data: concat(
        record(22, handshake(2, serverHelloBody({ random: SR, suite: 0x1302, exts: [selectedVersionExt(0x0304), keyShareServerExt(29)] }))),
        record(20, [1]),
        record(23, seal(22, handshake(8, [0, 0]))),
        record(23, seal(22, concat(handshake(11, certificateBody13([TEST_CERT_DER], [[ext(5, [1, 0, 0, 0, 0])]])), handshake(15, new Uint8Array(72))))),
        record(23, seal(22, handshake(20, new Uint8Array(48)))),
      ),
    },
    { dir: 0, data: concat(record(20, [1]), record(23, seal(22, handshake(20, new Uint8Array(48))))) },
    { dir: 0, data: record(23, seal(23, text('tsrequest'))) },
    { dir: 1, data: concat(record(23, seal(22, handshake(4, new Uint8Array(20)))), record(23, seal(23, text('reply')))) },
    { dir: 1, data: record(23, seal(21, [2, 0x2a])) },
  ];
}

describe('decryption wiring (fake DecryptorFactory)', () => {
  it('TLS 1.2: asks once with the session parameters, follows CCS, decrypts Finished, data and alerts', () => {
    const f = fake();
    const { events, plaintext, gaps } = decode(tls12(), f);
    expect(f.created).toHaveLength(1);
    expect(f.created[0]!.frame).toBe(2);
    const p = f.created[0]!.params;
    expect({ ...p, clientRandom: toHex(p.clientRandom), serverRandom: toHex(p.serverRandom) }).toEqual({
      version: 0x0303,
      cipherSuite: 0xc02f,
      clientRandom: toHex(CR),
      serverRandom: toHex(SR),
      encryptThenMac: true,
      extendedMasterSecret: true,
      helloRetryRequest: false,
    });
    expect(f.ccs).toEqual([0, 1]);
    // only records after each side's CCS reach the decryptor, with their outer type
    expect(f.calls.map(([d, t]) => [d, t])).toEqual([
      [0, 22],
      [1, 22],
      [0, 23],
      [1, 23],
      [1, 23],
      [0, 23],
      [1, 21],
    ]);
    expect(find(events, 'tls.decrypt_status')).toEqual([
      { type: 'tls.decrypt_status', frame: 3, ts: 0.003, dir: 0, ok: true, reason: 'decrypting with the secret from keylog:test.keys', origin: 'keylog:test.keys' },
    ]);
    expect(find(events, 'tls.handshake_message').filter((e) => e.msgType === 20).map((e) => [e.dir, e.decrypted])).toEqual([
      [0, true],
      [1, true],
    ]);
    expect(find(events, 'tls.encrypted_handshake')).toEqual([]);
    expect(find(events, 'tls.handshake_complete')).toEqual([{ type: 'tls.handshake_complete', frame: 4, ts: 0.004, dir: 1, version: 0x0303, inferred: false }]);
    expect(plaintext).toEqual([
      [0, 'hello', 5],
      [1, 'world', 6],
      [1, 'again', 7],
      [0, 'more', 8],
    ]);
    expect(find(events, 'tls.alert')).toEqual([
      { type: 'tls.alert', frame: 9, ts: 0.009, dir: 1, decrypted: true, level: 1, description: 0, encrypted: true },
    ]);
    expect(find(events, 'tls.encrypted_alert')).toEqual([]);
    expect(find(events, 'tls.app_record')).toHaveLength(5);
    expect(gaps).toEqual([]);
  });

  it('a tag mismatch is reported once and stops decrypting that direction only', () => {
    const f = fake();
    const { events, plaintext, gaps } = decode(tls12(broken(23, text('world'))), f);
    expect(find(events, 'tls.decrypt_status').map((e) => [e.ok, e.reason])).toEqual([
      [true, 'decrypting with the secret from keylog:test.keys'],
      [false, 'secret does not decrypt: authentication tag mismatch at frame 6'],
    ]);
    expect(plaintext).toEqual([
      [0, 'hello', 5],
      [0, 'more', 8],
    ]);
    expect(gaps).toEqual([1]);
    // after the failure the server's records are no longer offered to the decryptor
    expect(f.calls.filter(([d]) => d === 1)).toHaveLength(2);
    expect(find(events, 'tls.encrypted_alert')).toEqual([expect.objectContaining({ dir: 1, length: 4 })]);
  });

  it('no secret: one status with the factory\'s reason, nothing decrypted, phases still tracked', () => {
    const f = fake({ reason: 'no secret for client random 0b…' });
    const { events, plaintext } = decode(tls12(), f);
    expect(find(events, 'tls.decrypt_status').map((e) => [e.frame, e.ok, e.reason])).toEqual([[2, false, 'no secret for client random 0b…']]);
    expect(f.calls).toEqual([]);
    expect(plaintext).toEqual([]);
    expect(find(events, 'tls.handshake_complete')).toHaveLength(1);
    expect(find(events, 'tls.encrypted_handshake')).toHaveLength(2);
  });

  it('no ClientHello in the capture: the attempt is reported as impossible', () => {
    const f = fake();
    const { events } = decode(tls12().slice(1), f);
    expect(f.created).toEqual([]);
    expect(find(events, 'tls.decrypt_status').map((e) => [e.ok, e.reason])).toEqual([[false, 'no ClientHello seen: the client random is unknown']]);
  });

  it('TLS 1.3: decrypted handshake (1.3 Certificate with entry extensions), Finished both ways, data, alert', () => {
    const f = fake();
    const { events, plaintext } = decode(tls13(), f);
    expect(f.created.map((c) => [c.params.version, c.params.cipherSuite, c.params.helloRetryRequest])).toEqual([[0x0304, 0x1302, false]]);
    expect(f.ccs).toEqual([]); // compatibility CCS records do not touch the record layer
    expect(find(events, 'tls.handshake_message').map((e) => [e.dir, e.msgType, e.decrypted])).toEqual([
      [1, 8, true],
      [1, 15, true],
      [1, 20, true],
      [0, 20, true],
      [1, 4, true],
    ]);
    const cert = find(events, 'tls.certificate')[0]!;
    expect(cert).toMatchObject({ dir: 1, decrypted: true, tls13: true });
    expect(cert.certificates.map((c) => [c.subjectCN, c.extensions])).toEqual([['rdp-test.example', [5]]]);
    expect(find(events, 'tls.handshake_complete')).toEqual([{ type: 'tls.handshake_complete', frame: 3, ts: 0.003, dir: 0, version: 0x0304, inferred: false }]);
    expect(plaintext).toEqual([
      [0, 'tsrequest', 4],
      [1, 'reply', 5],
    ]);
    expect(find(events, 'tls.alert')).toEqual([expect.objectContaining({ dir: 1, level: 2, description: 42, encrypted: true, decrypted: true })]);
    expect(find(events, 'tls.decrypt_status')).toHaveLength(1);
  });

  it('TLS 1.3 after a HelloRetryRequest: the final ServerHello drives create(), flagged helloRetryRequest', () => {
    const f = fake();
    const flights: Flight[] = [
      { dir: 0, data: record(22, handshake(1, clientHelloBody({ random: CR, exts: [supportedVersionsExt([0x0304])] }))) },
      { dir: 1, data: concat(record(22, handshake(2, serverHelloBody({ random: HELLO_RETRY_REQUEST_RANDOM, suite: 0x1301, exts: [selectedVersionExt(0x0304), ext(51, u16(23))] }))), record(20, [1])) },
      { dir: 0, data: concat(record(20, [1]), record(22, handshake(1, clientHelloBody({ random: CR, exts: [supportedVersionsExt([0x0304]), keyShareClientExt([23])] })))) },
      { dir: 1, data: concat(record(22, handshake(2, serverHelloBody({ random: SR, suite: 0x1301, exts: [selectedVersionExt(0x0304), keyShareServerExt(23)] }))), record(23, seal(22, handshake(8, [0, 0])))) },
    ];
    const { events } = decode(flights, f);
    expect(f.created).toHaveLength(1);
    expect(f.created[0]!.frame).toBe(4);
    expect(f.created[0]!.params).toMatchObject({ version: 0x0304, cipherSuite: 0x1301, helloRetryRequest: true });
    expect(toHex(f.created[0]!.params.serverRandom)).toBe(toHex(SR));
    expect(find(events, 'tls.handshake_message').map((e) => e.msgType)).toEqual([8]);
  });

  it('a decryptor that finds its secret but gets no protected record says so at the end', () => {
    const f = fake();
    const { events } = decode(tls12().slice(0, 2), f);
    expect(find(events, 'tls.decrypt_status').map((e) => [e.ok, e.reason])).toEqual([[true, 'secret found (keylog:test.keys) but no protected record was decrypted']]);
  });

  it('events and plaintext do not depend on segmentation (every split offset)', () => {
    for (const flights of [tls12(), tls13()]) {
      const want = decode(flights, fake(), [0]);
      const n = totalLength(flights);
      for (let k = 1; k < n; k++) {
        const got = decode(flights, fake(), [k]);
        expect(got.events).toEqual(want.events);
        expect(got.plaintext.map(([d, s]) => [d, s])).toEqual(want.plaintext.map(([d, s]) => [d, s]));
      }
    }
  });

  it('a gap while decrypting reports a plaintext gap for that direction', () => {
    const f = fake();
    const flights = tls12();
    flights.splice(5, 0, { dir: 1, data: new Uint8Array(0), gap: 100 });
    const { gaps, plaintext, events } = decode(flights, f);
    expect(gaps).toEqual([1]);
    expect(plaintext.map(([d]) => d)).toEqual([0, 0]);
    expect(types(events).filter((t) => t === 'analyzer.violation')).toHaveLength(1);
  });
});

/**
 * Failure behaviour and robustness of the decryptors, on real records (public corpus) and on a
 * hand-built TLS 1.3 KeyUpdate sequence (secrets made up here; record protection written from
 * RFC 8446 §5.2–5.3 / §7.1–7.2 with an independent HKDF in this file).
 */
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDecryptorFactory } from '../../../../src/protocols/tls/decrypt/factory.js';
import { SecretStore } from '../../../../src/protocols/tls/decrypt/keylog.js';
import { Tls13Decryptor } from '../../../../src/protocols/tls/decrypt/tls13.js';
import { cipherSuiteInfo, unsupportedSuiteReason } from '../../../../src/protocols/tls/decrypt/suites.js';
import type { RecordDecryptor, SecretLookup, SessionSecrets, TlsSessionParams } from '../../../../src/protocols/tls/decrypt/types.js';
import type { Dir } from '../../../../src/protocols/stream.js';
import { follow, HAVE_PUBLIC, HAVE_TSHARK, PUBLIC, readDsbSecrets, sessionOf, type TlsSession } from './records.js';

function loadSession(file: string, stream: number, keylog?: string): { session: TlsSession; store: SecretStore } {
  const f = path.join(PUBLIC, file);
  const store = new SecretStore();
  if (keylog) store.addText(readFileSync(path.join(PUBLIC, keylog), 'latin1'), 'keylog');
  else for (const d of readDsbSecrets(f)) store.addText(d.text, 'dsb', d.fromFrame);
  const session = sessionOf(stream, follow(f, 'tcp', [stream]).get(stream)!)!;
  return { session, store };
}

/** Protected records of one direction, as the TLS decoder would pass them. */
function protectedRecords(s: TlsSession, dir: Dir): { type: number; body: Buffer }[] {
  const out: { type: number; body: Buffer }[] = [];
  let enc = false;
  for (const r of s.records[dir]) {
    if (s.params.version === 0x0304) {
      if (r.type === 23) out.push(r);
    } else if (r.type === 20) enc = true;
    else if (enc) out.push(r);
  }
  return out;
}

function flipFirstBit(lookup: SecretLookup, field: keyof SessionSecrets): SecretLookup {
  return {
    find(cr, at) {
      const s = lookup.find(cr, at);
      if (!s) return s;
      const v = s[field];
      if (!(v instanceof Uint8Array)) return s;
      const copy = Uint8Array.from(v);
      copy[0] = copy[0]! ^ 1;
      return { ...s, [field]: copy };
    },
  };
}

function start(s: TlsSession, lookup: SecretLookup): RecordDecryptor {
  const r = createDecryptorFactory(lookup).create(s.params, Number.MAX_SAFE_INTEGER);
  if (!r.ok) throw new Error(r.reason);
  if (s.params.version !== 0x0304) {
    r.decryptor.changeCipherSpec(0);
    r.decryptor.changeCipherSpec(1);
  }
  return r.decryptor;
}

const REAL = [
  { name: 'TLS 1.2 AES-256-GCM (RDP, DSB)', file: 'awakecoding__wireshark-rdp/captures/rdp-nla-kerberos-auth1.pcapng', stream: 0, field: 'masterSecret' as const, reason: 'authentication tag mismatch' },
  { name: 'TLS 1.2 AES-256-CBC-SHA (probe)', file: 'petercsauer__probe/tests/fixtures/captures/tls/tls12.pcapng', keylog: 'petercsauer__probe/tests/fixtures/captures/tls/tls12.keylog', stream: 4, field: 'masterSecret' as const, reason: 'bad record MAC or padding' },
  { name: 'TLS 1.3 AES-256-GCM (probe)', file: 'petercsauer__probe/tests/fixtures/captures/tls/tls13.pcapng', keylog: 'petercsauer__probe/tests/fixtures/captures/tls/tls13.keylog', stream: 0, field: 'serverHandshakeTrafficSecret' as const, reason: 'authentication tag mismatch' },
];

describe.skipIf(!HAVE_PUBLIC || !HAVE_TSHARK)('decryptors on real records', () => {
  for (const c of REAL) {
    describe(c.name, () => {
      const { session, store } = loadSession(c.file, c.stream, c.keylog);
      const server = protectedRecords(session, 1);

      it('wrong secret (one bit flipped): failure with a reason, never garbage, no throw', () => {
        const dec = start(session, flipFirstBit(store, c.field));
        for (const r of server.slice(0, 5)) {
          const res = dec.decrypt(1, r.type, r.body);
          expect(res).toEqual({ ok: false, reason: c.reason });
        }
      });

      it('every prefix of a real record fails cleanly and does not advance the sequence number', () => {
        const dec = start(session, store);
        const target = server[1] ?? server[0]!;
        const before = server.indexOf(target);
        for (const r of server.slice(0, before)) expect(dec.decrypt(1, r.type, r.body).ok).toBe(true);
        for (let n = 0; n < target.body.length; n++) {
          const res = dec.decrypt(1, target.type, target.body.subarray(0, n));
          expect(res.ok, `prefix ${n}`).toBe(false);
        }
        expect(dec.decrypt(1, target.type, target.body).ok).toBe(true);
        for (const r of server.slice(before + 1, before + 4)) expect(dec.decrypt(1, r.type, r.body).ok).toBe(true);
      });

      it('malformed bodies (random bytes, corrupted ciphertext) fail without throwing, then the stream goes on', () => {
        const dec = start(session, store);
        for (let i = 0; i < 200; i++) {
          const body = randomBytes(i % 3 === 0 ? i : (i * 37) % 1500);
          expect(() => dec.decrypt(1, 23, body)).not.toThrow();
          expect(dec.decrypt(1, 23, body).ok).toBe(false);
        }
        const first = server[0]!;
        const bad = Buffer.from(first.body);
        bad[bad.length - 1] = bad[bad.length - 1]! ^ 0x80;
        expect(dec.decrypt(1, first.type, bad).ok).toBe(false);
        expect(dec.decrypt(1, first.type, first.body).ok).toBe(true);
      });

      it('a lost record does not break the rest of the direction (resynchronisation)', () => {
        const recs = protectedRecords(session, 1);
        if (recs.length < 4) return;
        const dec = start(session, store);
        expect(dec.decrypt(1, recs[0]!.type, recs[0]!.body).ok).toBe(true);
        // recs[1] is lost; TLS 1.3 handshake records carry the key switch, so lose an app record there.
        const lostAt = session.params.version === 0x0304 ? recs.length - 2 : 1;
        for (let i = 1; i < recs.length; i++) {
          if (i === lostAt) continue;
          if (session.params.version === 0x0304 && i < lostAt) {
            expect(dec.decrypt(1, recs[i]!.type, recs[i]!.body).ok).toBe(true);
            continue;
          }
          expect(dec.decrypt(1, recs[i]!.type, recs[i]!.body).ok, `record ${i}`).toBe(true);
        }
      });
    });
  }

  it('missing secret, unsupported suite, version/suite mismatches: reasons', () => {
    const { session, store } = loadSession(REAL[0]!.file, 0);
    const empty = createDecryptorFactory(new SecretStore());
    const hex8 = Buffer.from(session.params.clientRandom).toString('hex').slice(0, 8);
    expect(empty.create(session.params, 1)).toEqual({ ok: false, reason: `no secret for client random ${hex8}…` });
    const f = createDecryptorFactory(store);
    const p = (over: Partial<TlsSessionParams>): TlsSessionParams => ({ ...session.params, ...over });
    expect(f.create(p({ cipherSuite: 0x0005 }), 1)).toEqual({ ok: false, reason: 'cipher suite 0x0005: not supported (RC4 is not available in node:crypto)' });
    expect(f.create(p({ cipherSuite: 0x1234 }), 1)).toEqual({ ok: false, reason: 'cipher suite 0x1234: not supported' });
    expect(f.create(p({ version: 0x0300 }), 1)).toEqual({ ok: false, reason: 'TLS version 0x0300: not supported' });
    expect(f.create(p({ version: 0x0304 }), 1).ok).toBe(false);
    expect(f.create(p({ cipherSuite: 0xc02f, version: 0x0301 }), 1)).toEqual({ ok: false, reason: 'cipher suite 0xc02f needs TLS 1.2 but the version is 0x0301' });
    // DSB secrets apply from the frame where the block is: not before it.
    const dsbFrame = readDsbSecrets(path.join(PUBLIC, REAL[0]!.file))[0]!.fromFrame;
    expect(f.create(session.params, dsbFrame).ok).toBe(true);
    expect(f.create(session.params, dsbFrame - 1).ok).toBe(false);
    // TLS 1.3 session, but only a 1.2 master secret logged for its client random
    const only12 = new SecretStore();
    only12.addText(`CLIENT_RANDOM ${Buffer.from(session.params.clientRandom).toString('hex')} ${'ab'.repeat(48)}`, 'k');
    const r = createDecryptorFactory(only12).create(p({ version: 0x0304, cipherSuite: 0x1301 }), 1);
    expect(r.ok ? '' : r.reason).toMatch(/^TLS 1\.3 session but the key log has no traffic secrets/);
    expect(unsupportedSuiteReason(0xc030)).toBeNull();
  });

  it('a TLS 1.2 record before change_cipher_spec is refused', () => {
    const { session, store } = loadSession(REAL[0]!.file, 0);
    const r = createDecryptorFactory(store).create(session.params, Number.MAX_SAFE_INTEGER);
    expect(r.ok && r.decryptor.decrypt(0, 23, new Uint8Array(40))).toEqual({ ok: false, reason: 'no change_cipher_spec seen in this direction' });
  });
});

// ---- Hand-built TLS 1.3 stream with a KeyUpdate (independent HKDF and record protection). ----
function expandLabel(secret: Buffer, label: string, length: number): Buffer {
  const full = Buffer.from('tls13 ' + label);
  const info = Buffer.concat([Buffer.from([length >> 8, length & 0xff, full.length]), full, Buffer.from([0])]);
  let t = Buffer.alloc(0);
  const out: Buffer[] = [];
  for (let i = 1; Buffer.concat(out).length < length; i++) {
    t = createHmac('sha256', secret).update(Buffer.concat([t, info, Buffer.from([i])])).digest();
    out.push(t);
  }
  return Buffer.concat(out).subarray(0, length);
}
function seal(secret: Buffer, seq: number, inner: Buffer, innerType: number, pad = 0): Buffer {
  const key = expandLabel(secret, 'key', 16);
  const iv = expandLabel(secret, 'iv', 12);
  const nonce = Buffer.from(iv);
  nonce.writeUInt32BE((nonce.readUInt32BE(8) ^ seq) >>> 0, 8);
  const pt = Buffer.concat([inner, Buffer.from([innerType]), Buffer.alloc(pad)]);
  const aad = Buffer.from([23, 3, 3, (pt.length + 16) >> 8, (pt.length + 16) & 0xff]);
  const c = createCipheriv('aes-128-gcm', key, nonce);
  c.setAAD(aad);
  const ct = Buffer.concat([c.update(pt), c.final()]);
  return Buffer.concat([ct, c.getAuthTag()]);
}

describe('TLS 1.3 key schedule on a hand-built stream', () => {
  const hs = Buffer.alloc(32, 0x11);
  const app0 = Buffer.alloc(32, 0x22);
  const app1 = expandLabel(app0, 'traffic upd', 32);
  const app2 = expandLabel(app1, 'traffic upd', 32);
  const suite = cipherSuiteInfo(0x1301)!;
  const finished = Buffer.concat([Buffer.from([20, 0, 0, 32]), Buffer.alloc(32, 0xf1)]);
  const keyUpdate = Buffer.from([24, 0, 0, 1, 0]);

  it('switches to application keys after Finished (split across records), follows two KeyUpdates, strips padding', () => {
    const dec = new Tls13Decryptor(suite, { serverHandshakeTrafficSecret: hs, serverTrafficSecret0: app0 });
    const ee = Buffer.from([8, 0, 0, 2, 0, 0]);
    const recs = [
      seal(hs, 0, Buffer.concat([ee, finished.subarray(0, 2)]), 22), // Finished header split
      seal(hs, 1, finished.subarray(2), 22, 7),
      seal(app0, 0, Buffer.from('first'), 23),
      seal(app0, 1, keyUpdate, 22),
      seal(app1, 0, Buffer.from('second'), 23, 100),
      seal(app1, 1, Buffer.from([21]).subarray(0, 0), 23), // empty app data record
      seal(app1, 2, keyUpdate, 22),
      seal(app2, 0, Buffer.from([1, 0]), 21), // alert
    ];
    const got = recs.map((r) => dec.decrypt(1, 23, r));
    expect(got.map((g) => (g.ok ? `${g.contentType}:${Buffer.from(g.plaintext).toString('latin1')}` : g.reason))).toEqual([
      `22:${Buffer.concat([ee, finished.subarray(0, 2)]).toString('latin1')}`,
      `22:${finished.subarray(2).toString('latin1')}`,
      '23:first',
      `22:${keyUpdate.toString('latin1')}`,
      '23:second',
      '23:',
      `22:${keyUpdate.toString('latin1')}`,
      '21:\u0001\u0000',
    ]);
    expect(dec.state(1)).toEqual({ phase: 'application', generation: 2, seq: 1 });
  });

  it('with only the application secret logged, handshake records fail with a clear reason and app data still decrypts', () => {
    const dec = new Tls13Decryptor(suite, { serverTrafficSecret0: app0 });
    expect(dec.decrypt(1, 23, seal(hs, 0, finished, 22))).toEqual({ ok: false, reason: 'encrypted handshake record: no handshake traffic secret for this direction' });
    const r = dec.decrypt(1, 23, seal(app0, 0, Buffer.from('data'), 23));
    expect(r.ok && Buffer.from(r.plaintext).toString()).toBe('data');
    expect(dec.decrypt(0, 23, seal(hs, 0, finished, 22))).toEqual({ ok: false, reason: 'no application traffic secret for this direction' });
  });

  it('an all-zero inner plaintext is refused (no content type)', () => {
    const dec = new Tls13Decryptor(suite, { serverTrafficSecret0: app0 });
    const key = expandLabel(app0, 'key', 16);
    const iv = expandLabel(app0, 'iv', 12);
    const c = createCipheriv('aes-128-gcm', key, iv);
    c.setAAD(Buffer.from([23, 3, 3, 0, 20]));
    const body = Buffer.concat([c.update(Buffer.alloc(4)), c.final(), c.getAuthTag()]);
    expect(dec.decrypt(1, 23, body)).toEqual({ ok: false, reason: 'decrypted record has no inner content type' });
  });
});

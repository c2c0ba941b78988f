/**
 * TLS DEFLATE record compression (RFC 3749) behind decryption: hand-built stream, fake decryptor
 * (ciphertext = innerType | compressed | 0xAA), records compressed by one zlib stream with a
 * Z_SYNC_FLUSH after each record, as OpenSSL did.
 */
import { constants, createDeflate } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { RecordInflater } from '../../../../src/protocols/tls/compression.js';
import type { DecryptorFactory } from '../../../../src/protocols/tls/decrypt/types.js';
import { clientHelloBody, concat, handshake, record, serverHelloBody } from './build.js';
import { run, type Flight } from './streams.js';

async function deflateRecords(parts: Uint8Array[]): Promise<Uint8Array[]> {
  const z = createDeflate();
  const out: Uint8Array[] = [];
  for (const p of parts) {
    const chunks: Buffer[] = [];
    const onData = (b: Buffer): number => chunks.push(b);
    z.on('data', onData);
    z.write(p);
    await new Promise<void>((resolve) => z.flush(constants.Z_SYNC_FLUSH, () => resolve()));
    await new Promise((r) => setImmediate(r));
    z.off('data', onData);
    out.push(new Uint8Array(Buffer.concat(chunks)));
  }
  z.close();
  return out;
}

const fakeFactory: DecryptorFactory = {
  create: () => ({
    ok: true,
    origin: 'test',
    decryptor: {
      decrypt: (_dir, _t, body) =>
        body[body.length - 1] === 0xaa ? { ok: true, contentType: body[0]!, plaintext: body.slice(1, -1) } : { ok: false, reason: 'authentication tag mismatch' },
      changeCipherSpec: () => {},
    },
  }),
};

describe('TLS compression (DEFLATE) after decryption', () => {
  it('inflates each direction as one stream and decodes Finished and data', async () => {
    const [fin0, data0, data1] = await deflateRecords([handshake(20, new Uint8Array(12)), new TextEncoder().encode('hello '), new TextEncoder().encode('world')]);
    const [fin1, alert1] = await deflateRecords([handshake(20, new Uint8Array(12)), Uint8Array.from([1, 0])]);
    const seal = (t: number, b: Uint8Array): Uint8Array => concat([t], b, [0xaa]);
    const flights: Flight[] = [
      { dir: 0, data: record(22, handshake(1, clientHelloBody({ compression: [1, 0], exts: null }))) },
      { dir: 1, data: record(22, concat(handshake(2, serverHelloBody({ compression: 1, suite: 0x002f, exts: null })), handshake(14, []))) },
      { dir: 0, data: concat(record(20, [1]), record(22, seal(22, fin0!))) },
      { dir: 1, data: concat(record(20, [1]), record(22, seal(22, fin1!))) },
      { dir: 0, data: concat(record(23, seal(23, data0!)), record(23, seal(23, data1!))) },
      { dir: 1, data: record(21, seal(21, alert1!)) },
    ];
    const text: string[] = [];
    const ev = run(flights, { options: { decryption: fakeFactory, onPlaintext: (d, b) => text.push(`${d}:${new TextDecoder().decode(b)}`) } });
    expect(text).toEqual(['0:hello ', '0:world']);
    expect(ev.filter((e) => e.type === 'tls.handshake_message').map((e) => (e as { msgType: number }).msgType)).toEqual([20, 20]);
    expect(ev.filter((e) => e.type === 'tls.handshake_complete')).toHaveLength(1);
    expect(ev.filter((e) => e.type === 'tls.alert')).toEqual([expect.objectContaining({ dir: 1, level: 1, description: 0, decrypted: true })]);
    expect(ev.filter((e) => e.type === 'analyzer.violation')).toEqual([]);
  });

  it('corrupt DEFLATE data fails once and stops, without throwing', () => {
    const z = new RecordInflater();
    const r = z.inflate(Uint8Array.from([0x78, 0x9c, 0xff, 0xff, 0xff, 0x00]));
    expect(r.ok).toBe(false);
    expect(z.inflate(Uint8Array.from([1])).ok).toBe(false);
  });
});

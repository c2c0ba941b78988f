/**
 * CredSspStreamDecoder: chunk-split invariance (hand-built and real decrypted streams),
 * every-prefix truncation, CredSSP end / handover, gaps and oversize PDUs.
 * TSRequests below are hand-built from MS-CSSP 2.2.1.
 */
import { describe, expect, it } from 'vitest';
import type { DecodeIssue } from '../../../../src/core/issues.js';
import { CredSspStreamDecoder } from '../../../../src/protocols/credssp/credssp-decoder.js';
import type { CredSspDecoderEvent } from '../../../../src/protocols/credssp/events.js';
import { parseTsRequest } from '../../../../src/protocols/credssp/ts-request.js';
import type { Dir } from '../../../../src/protocols/stream.js';
import { cat, ctx, int, octets, seq, tlv } from './build.js';
import { canOracle, cap, follow } from './oracle.js';

type Ev = CredSspDecoderEvent | DecodeIssue | { type: 'END'; dir: Dir; rest: number[] };
const SIG = [...Buffer.from('NTLMSSP\0', 'latin1')];
const negotiate = [...SIG, 1, 0, 0, 0, 0x97, 0x82, 0x08, 0xe2, ...new Array(16).fill(0), 10, 0, 0x61, 0x4a, 0, 0, 0, 15];
const req1 = seq(ctx(0, int(6)), ctx(1, seq(seq(ctx(0, octets(negotiate))))), ctx(5, octets(new Array(32).fill(1))));
const errReq = seq(ctx(0, int(6)), ctx(4, tlv(0x02, [0xc0, 0x00, 0x00, 0x6d])));
const big = seq(ctx(0, int(6)), ctx(3, octets(new Array(70000).fill(5))));

function run(chunks: { dir: Dir; data: Uint8Array }[]): Ev[] {
  const out: Ev[] = [];
  const d = new CredSspStreamDecoder((e) => out.push(e), { onEnd: (dir, rest) => out.push({ type: 'END', dir, rest: [...rest] }), onAfterEnd: (dir, data) => out.push({ type: 'END', dir, rest: [...data] }) });
  for (const c of chunks) d.push(c.dir, c.data, { frame: 7, ts: 1 });
  d.end(0, { frame: 8, ts: 2 });
  d.end(1, { frame: 8, ts: 2 });
  return out;
}
const dirOf = (e: Ev): number => ('dir' in e ? (e.dir ?? 0) : 0);
/** Decoder events plus the hand-over bytes per direction, as hex (compact to compare). */
function summary(ev: Ev[]): { events: Ev[]; handover: string[] } {
  const h: number[][] = [[], []];
  const events: Ev[] = [];
  for (const e of ev) {
    if (e.type === 'END') for (const b of e.rest) h[e.dir]!.push(b);
    else events.push(e);
  }
  return { events: [...events].sort((a, b) => dirOf(a) - dirOf(b)), handover: h.map((x) => Buffer.from(x).toString('base64')) };
}
/** Merges consecutive END records (the hand-over data may be split differently). */
function norm(ev: Ev[]): Ev[] {
  const out: Ev[] = [];
  for (const e of ev) {
    const last = out[out.length - 1];
    if (e.type === 'END' && last?.type === 'END' && last.dir === e.dir) last.rest.push(...e.rest);
    else out.push(e.type === 'END' ? { ...e, rest: [...e.rest] } : e);
  }
  return out;
}

describe('TSRequest', () => {
  it('decodes version, fields, errorCode as unsigned, clientNonce, negoTokens', () => {
    const r = parseTsRequest(req1);
    expect(r.ok && { v: r.value.version, f: r.value.fields, n: r.value.negoTokens.length, nonce: r.value.clientNonce?.length }).toEqual({ v: 6, f: ['negoTokens', 'clientNonce'], n: 1, nonce: 32 });
    const e = parseTsRequest(errReq);
    expect(e.ok && e.value.errorCode).toBe(0xc000006d);
    expect(parseTsRequest(seq(ctx(1, int(1)))).ok).toBe(false); // no version
    expect(parseTsRequest(seq(ctx(0, int(2)), ctx(4, octets([1])))).ok).toBe(false); // errorCode not INTEGER
  });
});

describe('CredSspStreamDecoder', () => {
  const tail = Uint8Array.from([0x05, 0x00, 0x00, 0x00, 0x03, 0x00]); // Early User Auth Result, then TPKT
  const client = cat(req1, req1);
  const server = cat(errReq, tail);
  it('emits ts_request + inner events and hands over at the first non-0x30 byte', () => {
    const ev = run([{ dir: 0, data: client }, { dir: 1, data: server }]);
    expect(ev.map((e) => e.type)).toEqual(['credssp.ts_request', 'ntlm.negotiate', 'credssp.ts_request', 'ntlm.negotiate', 'credssp.ts_request', 'END']);
    expect(ev[0]).toMatchObject({ version: 6, hasClientNonce: true, tokenKind: 'ntlm', decrypted: true, dir: 0, frame: 7 });
    expect(ev[4]).toMatchObject({ errorCode: 0xc000006d, dir: 1 });
    expect(ev[5]).toEqual({ type: 'END', dir: 1, rest: [...tail] });
  });
  it('is chunk-split invariant at every split point and byte by byte', () => {
    const whole = norm(run([{ dir: 0, data: client }, { dir: 1, data: server }]));
    for (const [dir, data] of [[0, client], [1, server]] as const) {
      const other = dir === 0 ? { dir: 1 as Dir, data: server } : { dir: 0 as Dir, data: client };
      for (let s = 0; s <= data.length; s++) {
        const ev = norm(run([other, { dir, data: data.subarray(0, s) }, { dir, data: data.subarray(s) }]));
        expect(ev.sort((a, b) => dirOf(a) - dirOf(b))).toEqual([...whole].sort((a, b) => dirOf(a) - dirOf(b)));
      }
    }
    const bytes = [...client].map((b) => ({ dir: 0 as Dir, data: Uint8Array.of(b) }));
    expect(norm(run(bytes))).toEqual(norm(run([{ dir: 0, data: client }])));
  });
  it('every prefix: complete TSRequests only, plus one truncation issue', () => {
    for (let n = 0; n < client.length; n++) {
      const ev = run([{ dir: 0, data: client.subarray(0, n) }]);
      const done = [req1.length, client.length].filter((x) => x <= n).length;
      expect(ev.filter((e) => e.type === 'credssp.ts_request').length).toBe(done);
      expect(ev.filter((e) => e.type === 'analyzer.violation').length).toBe(n === 0 || n === req1.length ? 0 : 1);
    }
  });
  it('large TSRequest across many chunks, oversize, indefinite length, gap, malformed body', () => {
    const parts = [];
    for (let p = 0; p < big.length; p += 1000) parts.push({ dir: 0 as Dir, data: big.subarray(p, p + 1000) });
    const ev = run(parts);
    expect(ev.map((e) => e.type)).toEqual(['credssp.ts_request']);
    expect(ev[0]).toMatchObject({ pubKeyAuthLength: 70000 });
    expect(run([{ dir: 0, data: Uint8Array.from([0x30, 0x84, 0x7f, 0, 0, 0, 1]) }]).map((e) => e.type)).toEqual(['analyzer.violation']);
    expect(run([{ dir: 0, data: Uint8Array.from([0x30, 0x80, 0, 0]) }]).map((e) => e.type)).toEqual(['analyzer.violation']);
    const out: Ev[] = [];
    const d = new CredSspStreamDecoder((e) => out.push(e));
    d.push(0, req1.subarray(0, 10), { frame: 1, ts: 0 });
    d.gap(0, 20, { frame: 2, ts: 0 });
    d.push(0, req1, { frame: 3, ts: 0 });
    expect(out.map((e) => e.type)).toEqual(['analyzer.violation']);
    // A well-framed SEQUENCE that is not a TSRequest: issue, and the next PDU still decodes.
    const ev2 = run([{ dir: 0, data: cat(seq(int(1)), req1) }]);
    expect(ev2.map((e) => e.type)).toEqual(['analyzer.violation', 'credssp.ts_request', 'ntlm.negotiate']);
  });
});

describe.skipIf(!canOracle)('real decrypted CredSSP streams (corpus)', () => {
  it('chunk-split invariance over the whole decrypted stream (random splits)', () => {
    for (const name of ['rdp-nla-ntlm-rejected2.pcapng', 'rdp-nla-kerberos-auth1.pcapng']) {
      const chunks = follow(cap(`awakecoding__wireshark-rdp/captures/${name}`), 'tls', 0, ['-d', 'tcp.port==3389,tls']);
      const whole = summary(run(chunks));
      expect(whole.events.filter((e) => e.type === 'credssp.ts_request').length).toBeGreaterThan(3);
      const byDir = [0, 1].map((d) => cat(...chunks.filter((c) => c.dir === d).map((c) => c.data)));
      let seed = 7;
      const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      for (let trial = 0; trial < 10; trial++) {
        const parts: { dir: Dir; data: Uint8Array }[] = [];
        for (const dir of [0, 1] as const) {
          const data = byDir[dir]!;
          for (let p = 0; p < data.length; ) {
            const n = 1 + Math.floor(rnd() * 600);
            parts.push({ dir, data: data.subarray(p, p + n) });
            p += n;
          }
        }
        expect(summary(run(parts))).toEqual(whole);
      }
    }
  });
});

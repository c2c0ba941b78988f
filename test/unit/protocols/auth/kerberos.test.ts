/**
 * Kerberos messages, TCP/UDP framing and clock skew on hand-built fixtures (RFC 4120 layouts)
 * plus every-prefix truncation and chunk-split invariance over real port-88 streams.
 */
import { describe, expect, it } from 'vitest';
import type { DecodeIssue } from '../../../../src/core/issues.js';
import type { KrbEvent } from '../../../../src/protocols/kerberos/events.js';
import { KerberosTcpDecoder, KerberosUdpDecoder } from '../../../../src/protocols/kerberos/framing.js';
import { parseKerberosMessage } from '../../../../src/protocols/kerberos/messages.js';
import { estimateSkew } from '../../../../src/protocols/kerberos/skew.js';
import { MAX_PDU_BUFFER } from '../../../../src/protocols/stream.js';
import { asReq, cat, ctx, int, krbError, octets, record, seq } from './build.js';
import { canOracle, cap, fields, follow, hexToBytes } from './oracle.js';

type Ev = KrbEvent | DecodeIssue;
const T0 = Date.UTC(2021, 5, 12, 16, 11, 43) / 1000;

describe('parseKerberosMessage (hand-built)', () => {
  it('AS-REQ fields', () => {
    const r = parseKerberosMessage(asReq());
    expect(r.ok).toBe(true);
    if (!r.ok || r.message.msgType !== 10) return;
    const m = r.message;
    expect(m.realm).toBe('EXAMPLE.COM');
    expect(m.cname?.nameString).toEqual(['alice']);
    expect(m.sname?.nameString).toEqual(['krbtgt', 'EXAMPLE.COM']);
    expect(m.etypes).toEqual([18, 17, 23]);
    expect(m.padataTypes).toEqual([128]);
    expect(m.kdcOptions).toBe(0x40810010);
    expect(m.nonce).toBe(0x12345678);
    expect(m.till).toBe(Date.UTC(2037, 8, 13, 2, 48, 5) / 1000);
  });
  it('KRB-ERROR with ETYPE-INFO2 e-data, and Windows KERB-EXT-ERROR NTSTATUS', () => {
    const etypeInfo2 = seq(seq(ctx(0, int(18)), ctx(1, [0x1b, 4, ...Buffer.from('SALT')])));
    const methodData = seq(seq(ctx(1, int(19)), ctx(2, octets(etypeInfo2))), seq(ctx(1, int(2)), ctx(2, octets([]))));
    const r = parseKerberosMessage(krbError({ code: 25, stime: '20210612161143Z', susec: 5, eData: methodData }));
    expect(r.ok && r.message.msgType === 30 && r.message).toMatchObject({
      errorCode: 25,
      stime: T0,
      susec: 5,
      realm: 'EXAMPLE.COM',
      eDataPadataTypes: [19, 2],
      etypeInfo2: [{ etype: 18, salt: 'SALT' }],
    });
    // KERB-ERROR-DATA { data-type 3, data-value KERB-EXT-ERROR (NTSTATUS LE, reserved, flags) }
    const ext = seq(ctx(1, int(3)), ctx(2, octets([0x72, 0x00, 0x00, 0xc0, 0, 0, 0, 0, 1, 0, 0, 0])));
    const w = parseKerberosMessage(krbError({ code: 18, stime: '20210612161143Z', eData: ext }));
    expect(w.ok && w.message.msgType === 30 && [w.message.eDataType, w.message.ntStatus]).toEqual([3, 0xc0000072]);
  });
  it('malformed: wrong msg-type, missing mandatory field, wrong tag', () => {
    const wrongType = cat([0x7e], asReq().subarray(1));
    expect(parseKerberosMessage(wrongType).ok).toBe(false);
    const noRealm = krbError({ code: 6, stime: '20210612161143Z' });
    // Corrupt the realm field's context tag [9] → [13].
    const i = noRealm.indexOf(0xa9);
    const bad = noRealm.slice();
    bad[i] = 0xad;
    expect(parseKerberosMessage(bad)).toMatchObject({ ok: false });
    expect(parseKerberosMessage(Uint8Array.from([0x04, 0x00])).ok).toBe(false);
    expect(parseKerberosMessage(new Uint8Array(0)).ok).toBe(false);
  });
  it('every prefix of a message fails cleanly', () => {
    for (const msg of [asReq(), krbError({ code: 37, stime: '20210612161143Z', ctime: '20210612160000Z', cusec: 1 })]) {
      for (let n = 0; n < msg.length; n++) expect(parseKerberosMessage(msg.subarray(0, n)).ok).toBe(false);
    }
  });
});

function runTcp(chunks: { dir: 0 | 1; data: Uint8Array }[]): Ev[] {
  const out: Ev[] = [];
  const d = new KerberosTcpDecoder((e) => out.push(e));
  for (const c of chunks) d.push(c.dir, c.data, { frame: 1, ts: T0 });
  d.end(0, { frame: 2, ts: T0 });
  d.end(1, { frame: 2, ts: T0 });
  return out;
}

describe('KerberosTcpDecoder', () => {
  const stream = cat(record(asReq()), record(asReq('bob')), record(asReq('carol')));
  it('is chunk-split invariant (every single split point and byte-by-byte)', () => {
    const whole = runTcp([{ dir: 0, data: stream }]);
    expect(whole.map((e) => e.type)).toEqual(['krb.as_req', 'krb.as_req', 'krb.as_req']);
    for (let s = 0; s <= stream.length; s++) {
      expect(runTcp([{ dir: 0, data: stream.subarray(0, s) }, { dir: 0, data: stream.subarray(s) }])).toEqual(whole);
    }
    expect(runTcp([...stream].map((b) => ({ dir: 0 as const, data: Uint8Array.of(b) })))).toEqual(whole);
  });
  it('every prefix: complete records only, then one "ended inside a record" issue', () => {
    const a = record(asReq()).length;
    const b = a + record(asReq('bob')).length;
    const ends = [a, b, stream.length];
    for (let n = 0; n < stream.length; n++) {
      const ev = runTcp([{ dir: 0, data: stream.subarray(0, n) }]);
      const complete = ends.filter((x) => x <= n).length;
      expect(ev.filter((e) => e.type === 'krb.as_req').length).toBe(complete);
      const partial = ends.includes(n) || n === 0 ? 0 : 1;
      expect(ev.filter((e) => e.type === 'analyzer.violation').length).toBe(partial);
    }
  });
  it('reserved bit, oversize record and garbage are issues, never throws', () => {
    const hi = runTcp([{ dir: 0, data: Uint8Array.from([0x80, 0, 0, 5, 1, 2, 3, 4, 5]) }]);
    expect(hi).toHaveLength(1);
    expect(hi[0]!.type).toBe('analyzer.violation');
    const big = MAX_PDU_BUFFER + 1;
    const over = runTcp([{ dir: 0, data: Uint8Array.from([big >>> 24, (big >>> 16) & 255, (big >>> 8) & 255, big & 255, 0x6a]) }]);
    expect(over.map((e) => e.type)).toEqual(['analyzer.violation']);
    const junk = runTcp([{ dir: 0, data: record(Uint8Array.from([0x30, 0x03, 1, 2, 3])) }]);
    expect(junk.map((e) => e.type)).toEqual(['analyzer.violation']);
    for (let seed = 1; seed < 200; seed++) {
      const rnd = Uint8Array.from({ length: 64 }, (_, i) => (seed * 7919 + i * 104729) % 251);
      expect(() => runTcp([{ dir: 0, data: rnd }])).not.toThrow();
    }
  });
  it('resynchronises after a gap on the next record start', () => {
    const out: Ev[] = [];
    const d = new KerberosTcpDecoder((e) => out.push(e));
    const r = record(asReq());
    d.push(0, r.subarray(0, 10), { frame: 1, ts: T0 });
    d.gap(0, 50, { frame: 2, ts: T0 });
    d.push(0, r.subarray(60), { frame: 3, ts: T0 }); // tail of the lost record: skipped
    d.push(0, r, { frame: 4, ts: T0 });
    expect(out.map((e) => [e.type, e.frame])).toEqual([
      ['analyzer.violation', 2],
      ['krb.as_req', 4],
    ]);
  });
  it('KRB-ERROR after a request: skew against the request/response capture midpoint', () => {
    const out: Ev[] = [];
    const d = new KerberosTcpDecoder((e) => out.push(e));
    d.push(0, record(asReq()), { frame: 1, ts: T0 - 400 });
    d.push(1, record(krbError({ code: 37, stime: '20210612161143Z' })), { frame: 2, ts: T0 - 400 + 0.02 });
    const e = out[1] as Extract<KrbEvent, { type: 'krb.error' }>;
    expect(e.errorCode).toBe(37);
    expect(e.skewSeconds).toBeCloseTo(399.99, 2);
    expect(e.skewReference).toBe('request-capture-time');
    expect(e.skewSuspect).toBe('server-or-capture-host');
    expect(e.firstFrame).toBeUndefined();
  });
});

describe('KerberosUdpDecoder', () => {
  it('one message per datagram; junk is an issue', () => {
    const out: Ev[] = [];
    const d = new KerberosUdpDecoder((e) => out.push(e));
    d.datagram(0, asReq(), { frame: 1, ts: T0 });
    d.datagram(1, Uint8Array.from([1, 2, 3]), { frame: 2, ts: T0 });
    expect(out.map((e) => e.type)).toEqual(['krb.as_req', 'analyzer.violation']);
  });
});

describe('estimateSkew (inferred reasoning)', () => {
  it('uses ctime when echoed and blames the clock that disagrees with the capture host', () => {
    // Server 10 minutes ahead of the client; capture host agrees with the client.
    const s = estimateSkew({ stime: T0 + 600, ctime: T0, errorTs: T0 + 0.01, requestTs: T0 });
    expect(s).toMatchObject({ reference: 'client-ctime', suspect: 'server', exceedsTolerance: true, basis: 'inferred' });
    expect(s.skewSeconds).toBeCloseTo(600, 6);
    const c = estimateSkew({ stime: T0, ctime: T0 - 900, errorTs: T0, requestTs: T0 });
    expect(c.suspect).toBe('client');
    expect(c.skewSeconds).toBe(900);
    expect(estimateSkew({ stime: T0 + 10, ctime: T0, errorTs: T0 }).suspect).toBe('none');
  });
  it('without ctime compares with capture time (midpoint of request and error when known)', () => {
    const s = estimateSkew({ stime: T0, errorTs: T0 + 2, requestTs: T0 });
    expect(s).toMatchObject({ reference: 'request-capture-time', skewSeconds: -1, suspect: 'none', exceedsTolerance: false });
    const e = estimateSkew({ stime: T0 - 301, errorTs: T0 });
    expect(e).toMatchObject({ reference: 'error-capture-time', suspect: 'server-or-capture-host', exceedsTolerance: true });
  });
});

describe.skipIf(!canOracle)('real port-88 TCP streams (corpus)', () => {
  const file = cap('zeek__zeek/testing/btest/Traces/krb/kinit.pcap');
  it('chunk-split invariance and every-prefix truncation on a real stream', () => {
    const stream = fields(file, 'tcp.port==88 && tcp.len>0', ['tcp.stream'])[0]![0]!;
    const chunks = follow(file, 'tcp', Number(stream));
    const byDir = [0, 1].map((d) => cat(...chunks.filter((c) => c.dir === d).map((c) => c.data)));
    for (const dir of [0, 1] as const) {
      const data = byDir[dir]!;
      const whole = runTcp([{ dir, data }]);
      expect(whole.length).toBeGreaterThan(0);
      expect(whole.every((e) => e.type !== 'analyzer.violation')).toBe(true);
      for (let s = 1; s < data.length; s += Math.max(1, Math.floor(data.length / 97))) {
        expect(runTcp([{ dir, data: data.subarray(0, s) }, { dir, data: data.subarray(s) }])).toEqual(whole);
      }
      let seed = 42;
      const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      for (let trial = 0; trial < 20; trial++) {
        const parts: { dir: 0 | 1; data: Uint8Array }[] = [];
        for (let p = 0; p < data.length; ) {
          const n = 1 + Math.floor(rnd() * 300);
          parts.push({ dir, data: data.subarray(p, p + n) });
          p += n;
        }
        expect(runTcp(parts)).toEqual(whole);
      }
      // Every prefix of the first message decodes to nothing but issues (no bogus success).
      const msg = data.subarray(4, 4 + ((data[2]! << 8) | data[3]!));
      for (let n = 0; n < msg.length; n++) expect(parseKerberosMessage(msg.subarray(0, n)).ok).toBe(false);
    }
  });
  it('the KRB_AP_ERR_SKEW of smb_frags.pcap (inside SMB SPNEGO) and its skew vs capture time', async () => {
    const f = cap('ntop__nDPI/tests/cfgs/default/pcap/smb_frags.pcap');
    const rows = fields(f, 'kerberos.error_code==37', ['frame.number', 'smb.security_blob', 'frame.time_epoch', 'kerberos.stime', 'kerberos.susec']);
    expect(rows).toHaveLength(1);
    const [frame, blob, ts, , susec] = rows[0]!;
    const { decodeAuthToken } = await import('../../../../src/protocols/credssp/auth-token.js');
    const d = decodeAuthToken(hexToBytes(blob!), { frame: Number(frame), ts: Number(ts) });
    const e = d.events[0] as Extract<KrbEvent, { type: 'krb.error' }>;
    expect(d.tokenKind).toBe('kerberos');
    expect([e.type, e.errorCode, e.susec, e.carrier]).toEqual(['krb.error', 37, Number(susec), 'gss']);
    expect(e.stime).toBe(T0);
    expect(e.skewSeconds).toBeCloseTo(T0 + Number(susec) / 1e6 - Number(ts), 3);
    expect(e.eDataType).toBe(2);
  });
});

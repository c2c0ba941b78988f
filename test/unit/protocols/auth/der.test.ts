/** ASN.1 BER/DER reader: hand-built fixtures from X.690, truncation and malformed input. */
import { describe, expect, it } from 'vitest';
import {
  derBigInt,
  derBitFlags32,
  derBitString,
  derBoolean,
  derChildren,
  derContextFields,
  derGeneralizedTime,
  derInteger,
  derIntegerHex,
  derOctetString,
  derOid,
  derString,
  derUint32,
  readDerHeader,
  readTlv,
} from '../../../../src/protocols/asn1/der.js';
import { ctx, gstr, int, oid, seq, tlv } from './build.js';

function tl(b: Uint8Array | number[]) {
  const u = b instanceof Uint8Array ? b : Uint8Array.from(b);
  const t = readTlv(u, 0);
  if (!t.ok) throw new Error(`fixture: ${t.reason}`);
  return { u, t };
}

describe('readDerHeader / readTlv', () => {
  it('reads short and long form lengths', () => {
    const { t } = tl([0x04, 0x02, 1, 2]);
    expect([t.cls, t.constructed, t.tag, t.headerLength, t.contentLength]).toEqual([0, false, 4, 2, 2]);
    const long = new Uint8Array(4 + 300);
    long.set([0x04, 0x82, 0x01, 0x2c]);
    const r = readTlv(long, 0);
    expect(r.ok && [r.headerLength, r.contentLength, r.contentEnd]).toEqual([4, 300, 304]);
  });
  it('reads high tag numbers and classes', () => {
    // [APPLICATION 200] constructed: 0x7f 0x81 0x48
    const { t } = tl([0x7f, 0x81, 0x48, 0x00]);
    expect([t.cls, t.constructed, t.tag]).toEqual([1, true, 200]);
    const { t: c } = tl([0xbf, 0x1f, 0x00]);
    expect([c.cls, c.tag]).toEqual([2, 31]);
  });
  it('reports indefinite length as unsupported and bad lengths as malformed', () => {
    expect(readDerHeader(Uint8Array.from([0x30, 0x80, 0, 0]), 0)).toMatchObject({ ok: false, reason: 'indefinite-length' });
    expect(readDerHeader(Uint8Array.from([0x30, 0x85, 1, 1, 1, 1, 1]), 0)).toMatchObject({ ok: false, reason: 'bad-length' });
    expect(readDerHeader(Uint8Array.from([0x30, 0xff]), 0)).toMatchObject({ ok: false, reason: 'bad-length' });
    expect(readDerHeader(Uint8Array.from([0x1f, 0x81, 0x81, 0x81, 0x81, 0x01, 0x00]), 0)).toMatchObject({ ok: false, reason: 'bad-tag' });
  });
  it('header-only read tells the stream framer the total length before the content arrives', () => {
    const h = readDerHeader(Uint8Array.from([0x30, 0x82, 0x01, 0x00]), 0);
    expect(h.ok && h.headerLength + h.contentLength).toBe(260);
    expect(readTlv(Uint8Array.from([0x30, 0x82, 0x01, 0x00]), 0)).toMatchObject({ ok: false, reason: 'truncated' });
  });
  it('every prefix of a nested structure is truncated, never a bogus success', () => {
    const full = seq(ctx(0, int(6)), ctx(1, seq(seq(ctx(0, tlv(0x04, new Array(200).fill(7)))))), ctx(4, int(-1073741715)));
    expect(readTlv(full, 0).ok).toBe(true);
    for (let n = 0; n < full.length; n++) {
      const r = readTlv(full.subarray(0, n), 0);
      expect(r.ok).toBe(false);
      expect(r.ok === false && r.reason).toBe('truncated');
    }
  });
});

describe('value helpers', () => {
  it('INTEGER signed, unsigned 32-bit (both NTSTATUS encodings), bigint, hex', () => {
    const neg = tl([0x02, 0x04, 0xc0, 0x00, 0x00, 0x6d]);
    expect(derInteger(neg.u, neg.t)).toBe(-1073741715);
    expect(derUint32(neg.u, neg.t)).toBe(0xc000006d);
    const pos = tl([0x02, 0x05, 0x00, 0xc0, 0x00, 0x00, 0x6d]);
    expect(derUint32(pos.u, pos.t)).toBe(0xc000006d);
    const big = tl([0x02, 0x09, 0x01, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(derInteger(big.u, big.t)).toBeNull();
    expect(derBigInt(big.u, big.t)).toBe(1n << 64n);
    expect(derIntegerHex(big.u, big.t)).toBe('010000000000000000');
    const m1 = tl(int(-1));
    expect(derBigInt(m1.u, m1.t)).toBe(-1n);
    expect(derUint32(tl(int(2 ** 33)).u, tl(int(2 ** 33)).t)).toBeNull();
    const empty = tl([0x02, 0x00]);
    expect(derInteger(empty.u, empty.t)).toBeNull();
  });
  it('BOOLEAN, OCTET STRING view, BIT STRING and flags', () => {
    const b = tl([0x01, 0x01, 0xff]);
    expect(derBoolean(b.u, b.t)).toBe(true);
    const o = tl([0x04, 0x03, 9, 8, 7]);
    expect([...derOctetString(o.u, o.t)!]).toEqual([9, 8, 7]);
    const bs = tl([0x03, 0x05, 0x00, 0x40, 0x81, 0x00, 0x10]);
    expect(derBitString(bs.u, bs.t)?.unusedBits).toBe(0);
    expect(derBitFlags32(bs.u, bs.t)).toBe(0x40810010);
    expect(derBitString(...(Object.values(tl([0x03, 0x01, 0x03])) as [Uint8Array, never]))).toBeNull();
  });
  it('GeneralizedTime to epoch seconds', () => {
    const t = tl([0x18, 15, ...Buffer.from('20210612161143Z')]);
    expect(derGeneralizedTime(t.u, t.t)).toBe(Date.UTC(2021, 5, 12, 16, 11, 43) / 1000);
    const f = tl([0x18, 19, ...Buffer.from('20210612161143.25Z')].slice(0, 2).concat([...Buffer.from('20210612161143.250Z')]));
    expect(derGeneralizedTime(f.u, f.t)).toBeCloseTo(Date.UTC(2021, 5, 12, 16, 11, 43) / 1000 + 0.25, 6);
    const local = tl([0x18, 14, ...Buffer.from('20210612161143')]);
    expect(derGeneralizedTime(local.u, local.t)).toBeNull();
    const bad = tl([0x18, 15, ...Buffer.from('2021061216114xZ')]);
    expect(derGeneralizedTime(bad.u, bad.t)).toBeNull();
  });
  it('strings: GeneralString ASCII, UTF-8, latin1 fallback', () => {
    const g = tl(gstr('EXAMPLE.COM'));
    expect(derString(g.u, g.t)).toBe('EXAMPLE.COM');
    const u = tl([0x1b, 2, 0xc3, 0xa9]);
    expect(derString(u.u, u.t)).toBe('é');
    const l = tl([0x1b, 1, 0xe9]);
    expect(derString(l.u, l.t)).toBe('é');
  });
  it('OIDs', () => {
    for (const s of ['1.3.6.1.5.5.2', '1.2.840.113554.1.2.2', '1.3.6.1.4.1.311.2.2.10', '2.999.3']) {
      const o = tl(oid(s));
      expect(derOid(o.u, o.t)).toBe(s);
    }
    const bad = tl([0x06, 0x02, 0x2b, 0x86]);
    expect(derOid(bad.u, bad.t)).toBeNull();
  });
  it('children and explicit context fields', () => {
    const s = tl(seq(ctx(0, int(5)), ctx(3, gstr('X'))));
    const f = derContextFields(s.u, s.t)!;
    expect(derInteger(s.u, f[0])).toBe(5);
    expect(f[1]).toBeUndefined();
    expect(derString(s.u, f[3])).toBe('X');
    expect(derChildren(s.u, s.t)?.length).toBe(2);
    // Duplicate tag, a non-context child, a child overrunning its parent: malformed.
    const dup = tl(seq(ctx(0, int(1)), ctx(0, int(2))));
    expect(derContextFields(dup.u, dup.t)).toBeNull();
    const uni = tl(seq(int(1)));
    expect(derContextFields(uni.u, uni.t)).toBeNull();
    const over = tl([0x30, 0x03, 0x02, 0x05, 0x01]);
    expect(derChildren(over.u, over.t)).toBeNull();
  });
});

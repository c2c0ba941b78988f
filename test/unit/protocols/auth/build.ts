/**
 * Tiny DER builder for hand-made test fixtures (built from the specs, not copied from
 * captures). Not a test file.
 */
export type Bytes = Uint8Array | number[];

export function cat(...parts: Bytes[]): Uint8Array {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function len(n: number): number[] {
  if (n < 0x80) return [n];
  const b: number[] = [];
  while (n > 0) {
    b.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return [0x80 | b.length, ...b];
}

/** TLV with a one-byte identifier. */
export function tlv(id: number, ...content: Bytes[]): Uint8Array {
  const c = cat(...content);
  return cat([id, ...len(c.length)], c);
}
export const seq = (...c: Bytes[]): Uint8Array => tlv(0x30, ...c);
export const ctx = (n: number, ...c: Bytes[]): Uint8Array => tlv(0xa0 | n, ...c);
export const app = (n: number, ...c: Bytes[]): Uint8Array => tlv(0x60 | n, ...c);
export function int(v: number): Uint8Array {
  const b: number[] = [];
  let x = v;
  do {
    b.unshift(x & 0xff);
    x = Math.floor(x / 256);
  } while (x !== 0 && x !== -1);
  if (v >= 0 && b[0]! & 0x80) b.unshift(0);
  if (v < 0 && !(b[0]! & 0x80)) b.unshift(0xff);
  return tlv(0x02, b);
}
export const octets = (...c: Bytes[]): Uint8Array => tlv(0x04, ...c);
export const gstr = (s: string): Uint8Array => tlv(0x1b, [...Buffer.from(s, 'latin1')]);
export const gtime = (s: string): Uint8Array => tlv(0x18, [...Buffer.from(s, 'latin1')]);
export const bits = (...b: number[]): Uint8Array => tlv(0x03, [0, ...b]);
export function oid(dotted: string): Uint8Array {
  const a = dotted.split('.').map(Number);
  const arcs = [a[0]! * 40 + a[1]!, ...a.slice(2)];
  const out: number[] = [];
  for (const v of arcs) {
    const g: number[] = [v & 0x7f];
    let x = Math.floor(v / 128);
    while (x > 0) {
      g.unshift((x & 0x7f) | 0x80);
      x = Math.floor(x / 128);
    }
    out.push(...g);
  }
  return tlv(0x06, out);
}
export const principal = (type: number, ...names: string[]): Uint8Array => seq(ctx(0, int(type)), ctx(1, seq(...names.map(gstr))));
export const encData = (etype: number, cipherLen = 4): Uint8Array => seq(ctx(0, int(etype)), ctx(2, octets(new Array(cipherLen).fill(0xee))));
export const ticket = (realm: string, ...sname: string[]): Uint8Array =>
  app(1, seq(ctx(0, int(5)), ctx(1, gstr(realm)), ctx(2, principal(2, ...sname)), ctx(3, encData(18, 8))));

/** Hand-built KRB-ERROR per RFC 4120 §5.9.1. */
export function krbError(opts: { code: number; stime: string; susec?: number; ctime?: string; cusec?: number; realm?: string; eData?: Uint8Array; eText?: string }): Uint8Array {
  return app(
    30,
    seq(
      ctx(0, int(5)),
      ctx(1, int(30)),
      ...(opts.ctime ? [ctx(2, gtime(opts.ctime))] : []),
      ...(opts.cusec !== undefined ? [ctx(3, int(opts.cusec))] : []),
      ctx(4, gtime(opts.stime)),
      ctx(5, int(opts.susec ?? 0)),
      ctx(6, int(opts.code)),
      ctx(9, gstr(opts.realm ?? 'EXAMPLE.COM')),
      ctx(10, principal(2, 'krbtgt', opts.realm ?? 'EXAMPLE.COM')),
      ...(opts.eText ? [ctx(11, gstr(opts.eText))] : []),
      ...(opts.eData ? [ctx(12, octets(opts.eData))] : []),
    ),
  );
}

/** Hand-built AS-REQ per RFC 4120 §5.4.1. */
export function asReq(user = 'alice', realm = 'EXAMPLE.COM'): Uint8Array {
  return app(
    10,
    seq(
      ctx(1, int(5)),
      ctx(2, int(10)),
      ctx(3, seq(seq(ctx(1, int(128)), ctx(2, octets(seq(ctx(0, tlv(0x01, [0xff])))))))),
      ctx(
        4,
        seq(
          ctx(0, bits(0x40, 0x81, 0x00, 0x10)),
          ctx(1, principal(1, user)),
          ctx(2, gstr(realm)),
          ctx(3, principal(2, 'krbtgt', realm)),
          ctx(5, gtime('20370913024805Z')),
          ctx(7, int(0x12345678)),
          ctx(8, seq(int(18), int(17), int(23))),
        ),
      ),
    ),
  );
}

/** 4-byte big-endian record marking (RFC 4120 §7.2.2). */
export function record(msg: Uint8Array): Uint8Array {
  const n = msg.length;
  return cat([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff], msg);
}

/**
 * Test helper: builds TLS bytes by hand from the RFC layouts (RFC 5246 §6.2, §7.4; RFC 8446 §4).
 * Everything here is synthetic; nothing is copied from the capture corpus.
 */
import { fromHex } from '../../../../src/core/bytes.js';

export function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const arrays = parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

export const u8 = (v: number): number[] => [v & 0xff];
export const u16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
export const u24 = (v: number): number[] => [(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
export const vec8 = (b: Uint8Array | number[]): Uint8Array => concat(u8(b.length), b);
export const vec16 = (b: Uint8Array | number[]): Uint8Array => concat(u16(b.length), b);
export const vec24 = (b: Uint8Array | number[]): Uint8Array => concat(u24(b.length), b);

export function record(type: number, body: Uint8Array | number[], version = 0x0303): Uint8Array {
  return concat(u8(type), u16(version), vec16(body));
}

export function handshake(msgType: number, body: Uint8Array | number[]): Uint8Array {
  return concat(u8(msgType), vec24(body));
}

export type Ext = [type: number, data: Uint8Array | number[]];
export const ext = (type: number, data: Uint8Array | number[] = []): Ext => [type, data];

export function extensions(list: Ext[]): Uint8Array {
  return vec16(concat(...list.map(([t, d]) => concat(u16(t), vec16(d)))));
}

export const sniExt = (host: string): Ext => ext(0, vec16(concat(u8(0), vec16([...Buffer.from(host, 'latin1')]))));
export const alpnExt = (protocols: string[]): Ext =>
  ext(16, vec16(concat(...protocols.map((p) => vec8([...Buffer.from(p, 'latin1')])))));
export const supportedVersionsExt = (versions: number[]): Ext => ext(43, vec8(concat(...versions.map(u16))));
export const selectedVersionExt = (v: number): Ext => ext(43, u16(v));
export const u16ListExt = (type: number, values: number[]): Ext => ext(type, vec16(concat(...values.map(u16))));
export const keyShareClientExt = (groups: number[]): Ext =>
  ext(51, vec16(concat(...groups.map((g) => concat(u16(g), vec16(new Uint8Array(32).fill(g & 0xff)))))));
export const keyShareServerExt = (group: number): Ext => ext(51, concat(u16(group), vec16(new Uint8Array(32).fill(7))));

export function randomBytes(seed: number): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => (seed * 31 + i * 7) & 0xff);
}

export function clientHelloBody(o: {
  version?: number;
  random?: Uint8Array;
  sessionId?: Uint8Array;
  suites?: number[];
  compression?: number[];
  exts?: Ext[] | null;
}): Uint8Array {
  const parts: (Uint8Array | number[])[] = [
    u16(o.version ?? 0x0303),
    o.random ?? randomBytes(1),
    vec8(o.sessionId ?? new Uint8Array(32).fill(0xaa)),
    vec16(concat(...(o.suites ?? [0x1301, 0xc02f, 0x002f]).map(u16))),
    vec8(o.compression ?? [0]),
  ];
  if (o.exts !== null) parts.push(extensions(o.exts ?? []));
  return concat(...parts);
}

export function serverHelloBody(o: {
  version?: number;
  random?: Uint8Array;
  sessionId?: Uint8Array;
  suite?: number;
  compression?: number;
  exts?: Ext[] | null;
}): Uint8Array {
  const parts: (Uint8Array | number[])[] = [
    u16(o.version ?? 0x0303),
    o.random ?? randomBytes(2),
    vec8(o.sessionId ?? new Uint8Array(32).fill(0xaa)),
    u16(o.suite ?? 0xc02f),
    u8(o.compression ?? 0),
  ];
  if (o.exts !== null) parts.push(extensions(o.exts ?? []));
  return concat(...parts);
}

/** TLS ≤ 1.2 Certificate body. */
export function certificateBody12(ders: Uint8Array[]): Uint8Array {
  return vec24(concat(...ders.map((d) => vec24(d))));
}

/** TLS 1.3 Certificate body: context, then entries with (empty or given) extensions. */
export function certificateBody13(ders: Uint8Array[], entryExts: Ext[][] = []): Uint8Array {
  return concat(vec8([]), vec24(concat(...ders.map((d, i) => concat(vec24(d), extensions(entryExts[i] ?? []))))));
}

/**
 * A self-signed EC P-256 certificate made for these tests with
 * `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -subj "/O=rdpdiag test/CN=rdp-test.example"
 *  -addext "subjectAltName=DNS:rdp-test.example,IP:10.0.0.1" -set_serial 0x1234ABCD -days 3650`.
 */
export const TEST_CERT_DER = fromHex(
  '308201cc30820172a00302010202041234abcd300a06082a8648ce3d040302303231153013060355040a0c0c7264706469616720746573743119301706035504030c107264702d746573742e6578616d706c65301e170d3236313132343034303735325a170d3336313132313034303735325a303231153013060355040a0c0c7264706469616720746573743119301706035504030c107264702d746573742e6578616d706c653059301306072a8648ce3d020106082a8648ce3d030107034200048c423be987e38a66aa95780eb3b124ea7dd5d0be8ccee719dade5e2f57e3ce4c86f46a9366a15426c819871caf62ba74829c74228567540f725e41be4820cc48a3763074301d0603551d0e0416041488ce7c82392e78ca376d93ccc2d53b7aea5fa473301f0603551d2304183016801488ce7c82392e78ca376d93ccc2d53b7aea5fa473300f0603551d130101ff040530030101ff30210603551d11041a301882107264702d746573742e6578616d706c6587040a000001300a06082a8648ce3d04030203480030450220669d88befa77b2dfc2b6bb6afdc73aa549dd36a7a3f3811ba11c87c47280c3e00221009464ff23f8f82f4746adf7074421fe0fd86087db96d3dc0711c4e0a022ddb9c2',
);

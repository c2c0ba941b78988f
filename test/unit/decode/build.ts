/**
 * Hand-built packets per the RFC layouts (test fixtures written from the specs, not copied
 * from captures). Checksums are left zero: the decoders do not verify them.
 */
import type { Frame } from '../../../src/capture/frame.js';
import { newFrame } from '../../../src/capture/frame.js';

export const bytes = (...parts: (number[] | Uint8Array)[]): Uint8Array => {
  const out: number[] = [];
  for (const p of parts) out.push(...p);
  return Uint8Array.from(out);
};
export const u16 = (v: number) => [(v >> 8) & 0xff, v & 0xff];
export const u32 = (v: number) => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
export const ip4 = (s: string) => s.split('.').map(Number);

/**
 * TCP header (RFC 9293 §3.1): src port, dst port, seq, ack, data offset(4)|reserved(4),
 * flags, window, checksum, urgent pointer, options padded to 4 bytes.
 */
export function tcp(o: { sport: number; dport: number; seq?: number; ack?: number; flags: number; window?: number; options?: number[]; payload?: number[] }): Uint8Array {
  const opts = [...(o.options ?? [])];
  while (opts.length % 4) opts.push(0);
  const hl = 20 + opts.length;
  return bytes(u16(o.sport), u16(o.dport), u32(o.seq ?? 0), u32(o.ack ?? 0), [(hl / 4) << 4, o.flags], u16(o.window ?? 65535), [0, 0, 0, 0], opts, o.payload ?? []);
}

/** UDP header (RFC 768): src port, dst port, length, checksum. */
export function udp(sport: number, dport: number, payload: number[] = []): Uint8Array {
  return bytes(u16(sport), u16(dport), u16(8 + payload.length), [0, 0], payload);
}

/**
 * IPv4 header (RFC 791 §3.1): version(4)|IHL(4), TOS, total length, identification,
 * flags(3)|fragment offset(13) in 8-byte units, TTL, protocol, checksum, src, dst, options.
 */
export function ipv4(o: { src?: string; dst?: string; proto: number; ttl?: number; id?: number; df?: boolean; mf?: boolean; fragOffset?: number; options?: number[]; totalLength?: number }, payload: Uint8Array): Uint8Array {
  const opts = [...(o.options ?? [])];
  while (opts.length % 4) opts.push(0);
  const ihl = 20 + opts.length;
  const fw = (o.df ? 0x4000 : 0) | (o.mf ? 0x2000 : 0) | ((o.fragOffset ?? 0) / 8);
  return bytes(
    [0x40 | (ihl / 4), 0],
    u16(o.totalLength ?? ihl + payload.length),
    u16(o.id ?? 0x1234),
    u16(fw),
    [o.ttl ?? 64, o.proto, 0, 0],
    ip4(o.src ?? '10.0.0.1'),
    ip4(o.dst ?? '10.0.0.2'),
    opts,
    payload,
  );
}

/**
 * IPv6 header (RFC 8200 §3): version(4)|traffic class(8)|flow label(20), payload length,
 * next header, hop limit, src (16), dst (16); then the extension headers and payload.
 */
export function ipv6(o: { next: number; hop?: number; src?: number[]; dst?: number[] }, rest: Uint8Array): Uint8Array {
  const src = o.src ?? [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
  const dst = o.dst ?? [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
  return bytes([0x60, 0, 0, 0], u16(rest.length), [o.next, o.hop ?? 64], src, dst, rest);
}

/** Ethernet II (IEEE 802.3): dst MAC, src MAC, EtherType; optional 802.1Q/802.1ad tags (TPID, TCI). */
export function ether(etherType: number, payload: Uint8Array, tags: [tpid: number, vid: number][] = []): Uint8Array {
  return bytes([0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11], ...tags.map(([tpid, vid]) => [...u16(tpid), ...u16(vid)]), u16(etherType), payload);
}

export function frameOf(linkType: number, data: Uint8Array, index = 1): Frame {
  const f = newFrame();
  f.index = index;
  f.linkType = linkType;
  f.data = data;
  f.caplen = data.length;
  f.origLen = data.length;
  f.ts = 1_700_000_000 + index;
  f.tsSec = Math.floor(f.ts);
  return f;
}

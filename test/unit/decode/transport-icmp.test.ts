/**
 * TCP options (RFC 9293 §3.2, RFC 7323, RFC 2018) and ICMP errors with the quoted datagram
 * (RFC 792, RFC 1191 frag-needed MTU, RFC 4884; ICMPv6 RFC 4443 incl. Packet Too Big), built
 * by hand.
 */
import { describe, expect, it } from 'vitest';
import { decodeFrame, decodeTransport } from '../../../src/decode/decoder.js';
import { LinkType, Packet } from '../../../src/decode/packet.js';
import { bytes, frameOf, ipv4, ipv6, tcp, u16, u32, udp } from './build.js';

function decode(data: Uint8Array, linkType: number = LinkType.RAW): Packet {
  const p = new Packet();
  if (decodeFrame(p, frameOf(linkType, data)) && !p.isFragment) decodeTransport(p);
  return p;
}

// Option encodings: MSS (2, 4, value16), NOP (1), window scale (3, 3, shift), SACK-permitted (4, 2),
// timestamps (8, 10, TSval32, TSecr32), SACK (5, 2+8n, n × left/right edges), EOL (0).
const MSS = (v: number) => [2, 4, ...u16(v)];
const WS = (s: number) => [3, 3, s];
const SACK_OK = [4, 2];
const TS = (a: number, b: number) => [8, 10, ...u32(a), ...u32(b)];

describe('TCP options', () => {
  it('Linux SYN: MSS 1460, SACK-permitted, timestamps, NOP, window scale 7', () => {
    const p = decode(ipv4({ proto: 6 }, tcp({ sport: 40000, dport: 3389, flags: 0x02, window: 64240, options: [...MSS(1460), ...SACK_OK, ...TS(123456789, 0), 1, ...WS(7)] })));
    expect([p.mss, p.sackPermitted, p.hasTimestamps, p.tsVal, p.tsEcr, p.wscale, p.window, p.tcpHeaderLength]).toEqual([1460, true, true, 123456789, 0, 7, 64240, 40]);
  });

  it('Windows SYN-ACK: MSS 1380, NOP, WS 8, NOP, NOP, SACK-permitted', () => {
    const p = decode(ipv4({ proto: 6 }, tcp({ sport: 3389, dport: 40000, flags: 0x12, options: [...MSS(1380), 1, ...WS(8), 1, 1, ...SACK_OK] })));
    expect([p.mss, p.wscale, p.sackPermitted, p.hasTimestamps]).toEqual([1380, 8, true, false]);
  });

  it('SACK blocks: two edges pairs → 2 blocks', () => {
    const p = decode(ipv4({ proto: 6 }, tcp({ sport: 1, dport: 2, flags: 0x10, options: [1, 1, 5, 18, ...u32(100), ...u32(200), ...u32(300), ...u32(400)] })));
    expect(p.sackBlocks).toBe(2);
  });

  it('EOL stops the walk; a bad option length (< 2 or past the header) stops it without throwing', () => {
    expect(decode(ipv4({ proto: 6 }, tcp({ sport: 1, dport: 2, flags: 2, options: [0, ...MSS(999)] }))).mss).toBe(-1);
    expect(decode(ipv4({ proto: 6 }, tcp({ sport: 1, dport: 2, flags: 2, options: [2, 1, 0, 0, ...MSS(999)] }))).mss).toBe(-1);
    expect(decode(ipv4({ proto: 6 }, tcp({ sport: 1, dport: 2, flags: 2, options: [...WS(3), 2, 40, 1, 1] }))).wscale).toBe(3);
  });

  it('data offset < 5 is malformed; header cut off is truncated', () => {
    const t = tcp({ sport: 1, dport: 2, flags: 2 });
    t[12] = 0x40;
    expect(decode(ipv4({ proto: 6 }, t)).stop).toBe('malformed');
    const whole = ipv4({ proto: 6 }, tcp({ sport: 1, dport: 2, flags: 2 }));
    expect(decode(whole.subarray(0, 30)).stop).toBe('truncated');
  });

  it('segment length comes from the IP length; captured payload is clipped by the snaplen', () => {
    const whole = ipv4({ proto: 6 }, tcp({ sport: 1, dport: 2, flags: 0x18, options: TS(1, 2), payload: new Array(100).fill(7) }));
    const p = decode(whole.subarray(0, 20 + 32 + 40));
    expect([p.segLength, p.payloadCaptured, p.payloadOffset]).toEqual([100, 40, 52]);
  });

  it('every prefix of an option-rich SYN: no throw, never an option read past the cut', () => {
    const whole = ipv4({ proto: 6 }, tcp({ sport: 1, dport: 2, flags: 2, options: [...MSS(1460), ...SACK_OK, ...TS(5, 6), 1, ...WS(7)] }));
    for (let k = 0; k <= whole.length; k++) {
      const p = decode(whole.subarray(0, k));
      if (k < whole.length) expect(p.wscale, `prefix ${k}`).toBe(-1);
      else expect(p.wscale).toBe(7);
    }
  });
});

describe('ICMP errors and the quoted datagram', () => {
  const quotedTcp = ipv4({ src: '192.168.1.10', dst: '203.0.113.5', proto: 6, id: 0x4242, df: true, totalLength: 1500 }, tcp({ sport: 50123, dport: 3389, seq: 0xa1b2c3d4, flags: 0x18 }));

  it('ICMPv4 3/4 fragmentation needed (RFC 1191: unused16, next-hop MTU16) quoting a TCP segment', () => {
    // type 3, code 4, checksum, unused (2), next-hop MTU (2), then the original IP header + 8+ bytes.
    const icmp = bytes([3, 4, 0, 0], u16(0), u16(1400), quotedTcp.subarray(0, 28));
    const p = decode(ipv4({ src: '198.51.100.1', dst: '192.168.1.10', proto: 1, ttl: 250 }, icmp));
    expect([p.icmpType, p.icmpCode, p.icmpMtu]).toEqual([3, 4, 1400]);
    const q = p.quote;
    expect([q.ipVersion, q.proto, q.ipId, q.df, q.totalLength, q.srcPort, q.dstPort, q.hasTcpSeq, q.tcpSeq]).toEqual([4, 6, 0x4242, true, 1500, 50123, 3389, true, 0xa1b2c3d4]);
    expect(q.src4 >>> 0).toBe(0xc0a8010a);
    expect(q.dst4 >>> 0).toBe(0xcb007105);
  });

  it('ICMPv4 3/3 port unreachable quoting UDP; only 4 bytes of transport → ports but no seq', () => {
    const quoted = ipv4({ proto: 17 }, udp(3389, 61000, [1, 2, 3, 4]));
    const p = decode(ipv4({ proto: 1 }, bytes([3, 3, 0, 0, 0, 0, 0, 0], quoted.subarray(0, 24))));
    expect([p.icmpType, p.icmpCode, p.icmpMtu, p.quote.proto, p.quote.srcPort, p.quote.dstPort, p.quote.hasTcpSeq]).toEqual([3, 3, 0, 17, 3389, 61000, false]);
  });

  it('ICMPv4 11/0 time exceeded with the quote cut inside the IP header: no quote, no throw', () => {
    const p = decode(ipv4({ proto: 1 }, bytes([11, 0, 0, 0, 0, 0, 0, 0], quotedTcp.subarray(0, 12))));
    expect([p.icmpType, p.quote.ipVersion]).toEqual([11, 0]);
  });

  it('ICMPv4 echo has no quote; an ICMP header under 8 bytes is truncated', () => {
    expect(decode(ipv4({ proto: 1 }, bytes([8, 0, 0, 0, 0, 1, 0, 1]))).quote.ipVersion).toBe(0);
    expect(decode(ipv4({ proto: 1 }, bytes([3, 4, 0, 0]))).stop).toBe('truncated');
  });

  it('ICMPv6 Packet Too Big (RFC 4443 §3.2: type 2, code 0, MTU32) quoting an IPv6 TCP segment', () => {
    const inner = ipv6({ next: 6 }, tcp({ sport: 50200, dport: 3389, seq: 77, flags: 0x10, payload: new Array(1400).fill(0) }));
    const icmp = bytes([2, 0, 0, 0], u32(1280), inner.subarray(0, 1232));
    const p = decode(ipv6({ next: 58, hop: 60 }, icmp));
    expect([p.icmpType, p.icmpCode, p.icmpMtu]).toEqual([2, 0, 1280]);
    expect([p.quote.ipVersion, p.quote.proto, p.quote.totalLength, p.quote.srcPort, p.quote.dstPort, p.quote.tcpSeq]).toEqual([6, 6, inner.length, 50200, 3389, 77]);
  });

  it('ICMPv6 destination unreachable (1/4 port unreachable) quoting UDP', () => {
    const inner = ipv6({ next: 17 }, udp(50000, 3389, [0, 0, 0, 0]));
    const p = decode(ipv6({ next: 58 }, bytes([1, 4, 0, 0, 0, 0, 0, 0], inner)));
    expect([p.icmpType, p.icmpCode, p.icmpMtu, p.quote.proto, p.quote.dstPort]).toEqual([1, 4, 0, 17, 3389]);
  });

  it('every prefix of an ICMP frag-needed frame: no throw, quote fields only once their bytes are present', () => {
    const whole = ipv4({ proto: 1 }, bytes([3, 4, 0, 0], u16(0), u16(1400), quotedTcp.subarray(0, 28)));
    for (let k = 0; k <= whole.length; k++) {
      const p = decode(whole.subarray(0, k));
      if (p.quote.hasTcpSeq) expect(k).toBeGreaterThanOrEqual(20 + 8 + 20 + 8);
    }
  });
});

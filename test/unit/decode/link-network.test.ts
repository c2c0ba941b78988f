/**
 * Link and network layers on hand-built frames (layouts in build.ts, from the RFCs/IEEE):
 * Ethernet, 802.1Q, QinQ (802.1ad), PPPoE, Linux SLL and SLL2, raw IP, BSD NULL/LOOP,
 * IPv4 options, IPv6 extension headers and the fragment header.
 */
import { describe, expect, it } from 'vitest';
import { decodeFrame, decodeTransport } from '../../../src/decode/decoder.js';
import { LinkType, Packet } from '../../../src/decode/packet.js';
import { bytes, ether, frameOf, ipv4, ipv6, tcp, u16, u32, udp } from './build.js';

const SYN = 0x02;
const seg = tcp({ sport: 50000, dport: 3389, seq: 1000, flags: SYN });
const v4 = ipv4({ proto: 6, ttl: 117, id: 0xbeef, df: true }, seg);
const v6 = ipv6({ next: 6, hop: 57 }, seg);

function decode(linkType: number, data: Uint8Array): Packet {
  const p = new Packet();
  const ok = decodeFrame(p, frameOf(linkType, data));
  if (ok && !p.isFragment) decodeTransport(p);
  return p;
}

function expectTcpV4(p: Packet, l3: number): void {
  expect(p.stop).toBe('');
  expect(p.l3Offset).toBe(l3);
  expect([p.ipVersion, p.ttl, p.ipId, p.df, p.proto]).toEqual([4, 117, 0xbeef, true, 6]);
  expect([p.srcPort, p.dstPort, p.seq, p.flags]).toEqual([50000, 3389, 1000, SYN]);
}

describe('link layers', () => {
  it('Ethernet II → IPv4 at 14', () => expectTcpV4(decode(LinkType.ETHERNET, ether(0x0800, v4)), 14));

  it('802.1Q → IPv4 at 18, one tag', () => {
    const p = decode(LinkType.ETHERNET, ether(0x0800, v4, [[0x8100, 100]]));
    expectTcpV4(p, 18);
    expect(p.vlanCount).toBe(1);
  });

  it('QinQ 802.1ad (0x88a8 outer, 0x8100 inner) → IPv4 at 22, two tags; old 0x9100 TPID too', () => {
    const p = decode(LinkType.ETHERNET, ether(0x0800, v4, [[0x88a8, 10], [0x8100, 20]]));
    expectTcpV4(p, 22);
    expect(p.vlanCount).toBe(2);
    expect(decode(LinkType.ETHERNET, ether(0x0800, v4, [[0x9100, 10], [0x8100, 20]])).l3Offset).toBe(22);
  });

  it('802.1Q tag cut off → truncated, no throw', () => {
    const full = ether(0x0800, v4, [[0x8100, 100]]);
    const p = decode(LinkType.ETHERNET, full.subarray(0, 15));
    expect(p.stop).toBe('truncated');
  });

  it('Ethernet → IPv6', () => {
    const p = decode(LinkType.ETHERNET, ether(0x86dd, v6));
    expect([p.ipVersion, p.ttl, p.l3Offset, p.dstPort]).toEqual([6, 57, 14, 3389]);
  });

  it('Ethernet ARP → not-ip with its EtherType', () => {
    const p = decode(LinkType.ETHERNET, ether(0x0806, new Uint8Array(28)));
    expect([p.stop, p.etherType]).toEqual(['not-ip', 0x0806]);
  });

  it('PPPoE session (RFC 2516: ver/type, code, session id, length, then PPP protocol 0x0021) → IPv4 at 22', () => {
    const pppoe = bytes([0x11, 0x00], u16(0x0001), u16(v4.length + 2), u16(0x0021), v4);
    expectTcpV4(decode(LinkType.ETHERNET, ether(0x8864, pppoe)), 22);
  });

  it('Linux SLL (16 bytes: packet type, ARPHRD, addr len, addr[8], protocol) → IPv4 at 16', () => {
    const sll = bytes(u16(4), u16(1), u16(6), [0, 1, 2, 3, 4, 5, 0, 0], u16(0x0800), v4);
    const p = decode(LinkType.LINUX_SLL, sll);
    expectTcpV4(p, 16);
    expect(p.sllPacketType).toBe(4);
  });

  it('Linux SLL2 (20 bytes: protocol, reserved, ifindex, ARPHRD, packet type, addr len, addr[8]) → IPv6 at 20', () => {
    const sll2 = bytes(u16(0x86dd), u16(0), u32(2), u16(1), [0, 6], [0, 1, 2, 3, 4, 5, 0, 0], v6);
    const p = decode(LinkType.LINUX_SLL2, sll2);
    expect([p.ipVersion, p.l3Offset, p.sllPacketType, p.dstPort]).toEqual([6, 20, 0, 3389]);
  });

  it('raw IP (101, 12, 14, 228, 229) picks the version from the first nibble', () => {
    for (const lt of [101, 12, 14, 228]) expectTcpV4(decode(lt, v4), 0);
    expect(decode(229, v6).ipVersion).toBe(6);
    expect(decode(101, v6).ipVersion).toBe(6);
    expect(decode(101, bytes([0x50], new Array(40).fill(0))).stop).toBe('not-ip');
  });

  it('BSD NULL (AF in host order) and LOOP (AF big-endian): AF_INET 2 and AF_INET6 24/28/30', () => {
    expectTcpV4(decode(LinkType.NULL, bytes([2, 0, 0, 0], v4)), 4); // little-endian host
    expectTcpV4(decode(LinkType.NULL, bytes([0, 0, 0, 2], v4)), 4); // big-endian host
    for (const af of [24, 28, 30]) expect(decode(LinkType.NULL, bytes([af, 0, 0, 0], v6)).ipVersion).toBe(6);
    expectTcpV4(decode(LinkType.LOOP, bytes([0, 0, 0, 2], v4)), 4);
    expect(decode(LinkType.LOOP, bytes([0, 0, 0, 24], v6)).ipVersion).toBe(6);
  });

  it('unknown link type → link-unsupported; every prefix of every frame → no throw', () => {
    expect(decode(147, v4).stop).toBe('link-unsupported');
    const frames: [number, Uint8Array][] = [
      [LinkType.ETHERNET, ether(0x0800, v4, [[0x88a8, 1], [0x8100, 2]])],
      [LinkType.LINUX_SLL2, bytes(u16(0x86dd), u16(0), u32(2), u16(1), [0, 6], new Array(8).fill(0), v6)],
      [LinkType.NULL, bytes([2, 0, 0, 0], v4)],
    ];
    for (const [lt, f] of frames) {
      for (let k = 0; k < f.length; k++) {
        const p = decode(lt, f.subarray(0, k));
        // A prefix never decodes the TCP header with data beyond the cut.
        if (p.tcpHeaderLength > 0) expect(p.l4Offset + p.tcpHeaderLength).toBeLessThanOrEqual(k);
      }
    }
  });
});

describe('IPv4', () => {
  it('options (RFC 791 §3.1: IHL 7 → 28-byte header with an 8-byte option area) are skipped', () => {
    // Record Route (type 7, length 7, pointer 4, one empty slot), then End of Option List.
    const p = decode(LinkType.RAW, ipv4({ proto: 6, ttl: 117, id: 0xbeef, df: true, options: [7, 7, 4, 0, 0, 0, 0, 0] }, seg));
    expect(p.ipHeaderLength).toBe(28);
    expect(p.l4Offset).toBe(28);
    expectTcpV4(p, 0);
  });

  it('IHL < 5 is malformed; total length < IHL is malformed; options cut off are truncated', () => {
    const bad = ipv4({ proto: 6 }, seg);
    bad[0] = 0x44;
    expect(decode(LinkType.RAW, bad).stop).toBe('malformed');
    expect(decode(LinkType.RAW, ipv4({ proto: 6, totalLength: 10 }, seg)).stop).toBe('malformed');
    const opt = ipv4({ proto: 6, options: new Array(20).fill(1) }, seg);
    expect(decode(LinkType.RAW, opt.subarray(0, 30)).stop).toBe('truncated');
  });

  it('fragment fields: MF, offset in bytes; a fragment is not transport-decoded', () => {
    const p = decode(LinkType.RAW, ipv4({ proto: 17, mf: true, fragOffset: 1480, id: 7 }, udp(53, 53, [1, 2, 3])));
    expect([p.isFragment, p.mf, p.fragOffset, p.ipId, p.srcPort]).toEqual([true, true, 1480, 7, 0]);
  });

  it('the payload ends at Total Length, not at the captured end (Ethernet padding ignored)', () => {
    const small = ipv4({ proto: 17 }, udp(1000, 2000, [9]));
    const p = decode(LinkType.ETHERNET, bytes(ether(0x0800, small), new Array(20).fill(0)));
    expect(p.l4End).toBe(14 + small.length);
    expect([p.segLength, p.payloadCaptured]).toEqual([1, 1]);
  });
});

describe('IPv6 extension headers', () => {
  // Hop-by-Hop (RFC 8200 §4.3): next header, hdr ext len (8-octet units beyond the first 8), options (PadN).
  const hbh = (next: number) => [next, 0, 1, 4, 0, 0, 0, 0];
  // Destination Options with length 1 → 16 bytes.
  const dst = (next: number) => [next, 1, 1, 12, ...new Array(12).fill(0)];
  // Routing (RFC 8200 §4.4) type 0, segments left 0, with no addresses: 8 bytes.
  const rth = (next: number) => [next, 0, 0, 0, 0, 0, 0, 0];
  // Fragment (RFC 8200 §4.5): next header, reserved, offset(13)|res(2)|M(1), identification(32).
  const frag = (next: number, offset: number, more: boolean, id: number) => [next, 0, ...u16(offset | (more ? 1 : 0)), ...u32(id)];

  it('Hop-by-Hop → Destination Options → Routing → TCP: upper layer found after 32 bytes', () => {
    const rest = bytes(hbh(60), dst(43), rth(6), seg);
    const p = decode(LinkType.RAW, ipv6({ next: 0, hop: 57 }, rest));
    expect([p.proto, p.ipHeaderLength, p.l4Offset, p.dstPort, p.seq]).toEqual([6, 72, 72, 3389, 1000]);
  });

  it('Fragment header: offset, M flag and 32-bit identification; fragments stop before the transport', () => {
    const p = decode(LinkType.RAW, ipv6({ next: 44 }, bytes(frag(17, 1232, true, 0xdeadbeef), new Array(16).fill(0))));
    expect([p.isFragment, p.mf, p.fragOffset, p.fragId6, p.proto, p.l4Offset]).toEqual([true, true, 1232, 0xdeadbeef, 17, 48]);
  });

  it('atomic fragment (offset 0, M=0, RFC 6946) is not a fragment: the walk continues to TCP', () => {
    const p = decode(LinkType.RAW, ipv6({ next: 44 }, bytes(frag(6, 0, false, 1), seg)));
    expect([p.isFragment, p.proto, p.dstPort]).toEqual([false, 6, 3389]);
  });

  it('extension header cut off → truncated; headers past the payload length → malformed', () => {
    const full = ipv6({ next: 0 }, bytes(hbh(60), dst(6), seg));
    expect(decode(LinkType.RAW, full.subarray(0, 41)).stop).toBe('truncated');
    const lie = ipv6({ next: 0 }, bytes(hbh(60), dst(6), seg));
    lie[4] = 0;
    lie[5] = 8; // payload length 8: only the hop-by-hop header fits
    expect(decode(LinkType.RAW, lie).stop).toBe('malformed');
  });
});

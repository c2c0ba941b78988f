/**
 * ICMPv4 (RFC 792/1191/4884) and ICMPv6 (RFC 4443) errors with their quoted datagram,
 * parsed leniently: a quote may be cut anywhere after its IP header.
 */
import { u16be, u32be } from '../../core/bytes.js';
import type { Packet } from '../packet.js';

export const Icmp4 = { ECHO_REPLY: 0, DEST_UNREACH: 3, REDIRECT: 5, ECHO: 8, TIME_EXCEEDED: 11, PARAM_PROBLEM: 12 } as const;
export const Icmp6 = { DEST_UNREACH: 1, PACKET_TOO_BIG: 2, TIME_EXCEEDED: 3, PARAM_PROBLEM: 4, ECHO: 128, ECHO_REPLY: 129 } as const;

export function decodeIcmp4(p: Packet, b: Uint8Array, o: number, end: number): boolean {
  if (end < o + 8) {
    p.stop = 'truncated';
    p.stopDetail = 'ICMP header cut off';
    return false;
  }
  p.icmpType = b[o]!;
  p.icmpCode = b[o + 1]!;
  if (p.icmpType === Icmp4.DEST_UNREACH && p.icmpCode === 4) p.icmpMtu = u16be(b, o + 6);
  if (p.icmpType === Icmp4.DEST_UNREACH || p.icmpType === Icmp4.TIME_EXCEEDED || p.icmpType === Icmp4.PARAM_PROBLEM || p.icmpType === Icmp4.REDIRECT) {
    quote(p, b, o + 8, end);
  }
  return true;
}

export function decodeIcmp6(p: Packet, b: Uint8Array, o: number, end: number): boolean {
  if (end < o + 8) {
    p.stop = 'truncated';
    p.stopDetail = 'ICMPv6 header cut off';
    return false;
  }
  p.icmpType = b[o]!;
  p.icmpCode = b[o + 1]!;
  if (p.icmpType === Icmp6.PACKET_TOO_BIG) p.icmpMtu = u32be(b, o + 4);
  if (p.icmpType >= 1 && p.icmpType <= 4) quote(p, b, o + 8, end);
  return true;
}

/** The original datagram inside an ICMP error: IP header, then ports (and TCP seq if present). */
function quote(p: Packet, b: Uint8Array, o: number, end: number): void {
  const q = p.quote;
  if (end <= o) return;
  const v = b[o]! >> 4;
  let l4 = -1;
  if (v === 4 && end >= o + 20) {
    const ihl = (b[o]! & 0x0f) * 4;
    if (ihl < 20) return;
    q.ipVersion = 4;
    q.totalLength = u16be(b, o + 2);
    q.ipId = u16be(b, o + 4);
    q.df = (b[o + 6]! & 0x40) !== 0;
    q.proto = b[o + 9]!;
    q.src4 = u32be(b, o + 12);
    q.dst4 = u32be(b, o + 16);
    l4 = o + ihl;
  } else if (v === 6 && end >= o + 40) {
    q.ipVersion = 6;
    q.totalLength = 40 + u16be(b, o + 4);
    q.proto = b[o + 6]!;
    q.src6.set(b.subarray(o + 8, o + 24));
    q.dst6.set(b.subarray(o + 24, o + 40));
    l4 = o + 40;
  } else return;
  if (l4 >= 0 && end >= l4 + 4 && (q.proto === 6 || q.proto === 17)) {
    q.srcPort = u16be(b, l4);
    q.dstPort = u16be(b, l4 + 2);
    if (q.proto === 6 && end >= l4 + 8) {
      q.tcpSeq = u32be(b, l4 + 4);
      q.hasTcpSeq = true;
    }
  }
}

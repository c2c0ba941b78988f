/** IPv4 header (RFC 791), options skipped; the payload end comes from Total Length. */
import { u16be, u32be } from '../../core/bytes.js';
import type { Packet } from '../packet.js';

export function decodeIpv4(p: Packet, b: Uint8Array, o: number): boolean {
  if (b.length < o + 20) {
    p.stop = 'truncated';
    p.stopDetail = 'IPv4 header cut off';
    return false;
  }
  const vihl = b[o]!;
  const ihl = (vihl & 0x0f) * 4;
  if (vihl >> 4 !== 4 || ihl < 20) {
    p.stop = 'malformed';
    p.stopDetail = `bad IPv4 version/header length byte 0x${vihl.toString(16)}`;
    return false;
  }
  if (b.length < o + ihl) {
    p.stop = 'truncated';
    p.stopDetail = 'IPv4 options cut off';
    return false;
  }
  let total = u16be(b, o + 2);
  // TSO/offloaded captures carry total length 0: fall back to the captured length.
  if (total === 0) total = b.length - o;
  if (total < ihl) {
    p.stop = 'malformed';
    p.stopDetail = `IPv4 total length ${total} shorter than its header`;
    return false;
  }
  const fw = u16be(b, o + 6);
  p.ipVersion = 4;
  p.ipHeaderLength = ihl;
  p.ipTotalLength = total;
  p.ipId = u16be(b, o + 4);
  p.df = (fw & 0x4000) !== 0;
  p.mf = (fw & 0x2000) !== 0;
  p.fragOffset = (fw & 0x1fff) * 8;
  p.isFragment = p.mf || p.fragOffset !== 0;
  p.ttl = b[o + 8]!;
  p.proto = b[o + 9]!;
  p.src4 = u32be(b, o + 12);
  p.dst4 = u32be(b, o + 16);
  p.l4Offset = o + ihl;
  p.l4WireLength = total - ihl;
  p.l4End = Math.min(b.length, o + total);
  return true;
}

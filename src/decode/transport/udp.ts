/** UDP header (RFC 768). */
import { u16be } from '../../core/bytes.js';
import type { Packet } from '../packet.js';

export function decodeUdp(p: Packet, b: Uint8Array, o: number, end: number): boolean {
  if (end < o + 8) {
    p.stop = 'truncated';
    p.stopDetail = 'UDP header cut off';
    return false;
  }
  p.srcPort = u16be(b, o);
  p.dstPort = u16be(b, o + 2);
  const len = u16be(b, o + 4);
  p.segLength = Math.max(0, (len >= 8 ? len : p.l4WireLength) - 8);
  p.payloadOffset = o + 8;
  p.payloadCaptured = Math.max(0, Math.min(end - (o + 8), p.segLength));
  return true;
}

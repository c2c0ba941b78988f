/** TCP header and options (RFC 9293): MSS, window scale, SACK, timestamps. */
import { u16be, u32be } from '../../core/bytes.js';
import type { Packet } from '../packet.js';

export function decodeTcp(p: Packet, b: Uint8Array, o: number, end: number): boolean {
  if (end < o + 20) {
    p.stop = 'truncated';
    p.stopDetail = 'TCP header cut off';
    return false;
  }
  p.srcPort = u16be(b, o);
  p.dstPort = u16be(b, o + 2);
  p.seq = u32be(b, o + 4);
  p.ack = u32be(b, o + 8);
  const hl = (b[o + 12]! >> 4) * 4;
  p.flags = b[o + 13]!;
  p.window = u16be(b, o + 14);
  if (hl < 20) {
    p.stop = 'malformed';
    p.stopDetail = `TCP header length ${hl} < 20`;
    return false;
  }
  p.tcpHeaderLength = hl;
  p.segLength = Math.max(0, p.l4WireLength - hl);
  const optEnd = Math.min(o + hl, end);
  let q = o + 20;
  while (q < optEnd) {
    const kind = b[q]!;
    if (kind === 0) break;
    if (kind === 1) {
      q++;
      continue;
    }
    if (q + 1 >= optEnd) break;
    const len = b[q + 1]!;
    if (len < 2 || q + len > optEnd) break;
    switch (kind) {
      case 2:
        if (len === 4) p.mss = u16be(b, q + 2);
        break;
      case 3:
        if (len === 3) p.wscale = b[q + 2]!;
        break;
      case 4:
        p.sackPermitted = true;
        break;
      case 5:
        p.sackBlocks = (len - 2) >> 3;
        break;
      case 8:
        if (len === 10) {
          p.hasTimestamps = true;
          p.tsVal = u32be(b, q + 2);
          p.tsEcr = u32be(b, q + 6);
        }
        break;
    }
    q += len;
  }
  p.payloadOffset = Math.min(o + hl, end);
  p.payloadCaptured = Math.max(0, end - (o + hl));
  if (p.payloadCaptured > p.segLength) p.payloadCaptured = p.segLength;
  return true;
}

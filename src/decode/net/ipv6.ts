/** IPv6 header (RFC 8200) and the extension-header walk up to the upper layer or a Fragment header. */
import { u16be, u32be } from '../../core/bytes.js';
import type { Packet } from '../packet.js';

const HOP_BY_HOP = 0;
const ROUTING = 43;
const FRAGMENT = 44;
const ESP = 50;
const AH = 51;
const NO_NEXT = 59;
const DEST_OPTS = 60;
const MOBILITY = 135;
const HIP = 139;
const SHIM6 = 140;

export function decodeIpv6(p: Packet, b: Uint8Array, o: number): boolean {
  if (b.length < o + 40) {
    p.stop = 'truncated';
    p.stopDetail = 'IPv6 header cut off';
    return false;
  }
  if (b[o]! >> 4 !== 6) {
    p.stop = 'malformed';
    p.stopDetail = 'bad IPv6 version';
    return false;
  }
  let payloadLen = u16be(b, o + 4);
  if (payloadLen === 0) payloadLen = b.length - o - 40; // jumbogram or offloaded
  p.ipVersion = 6;
  p.ttl = b[o + 7]!;
  // Byte copies, not `set(subarray)`: no view allocated per packet.
  const s6 = p.src6;
  const d6 = p.dst6;
  for (let i = 0; i < 16; i++) {
    s6[i] = b[o + 8 + i]!;
    d6[i] = b[o + 24 + i]!;
  }
  p.ipTotalLength = 40 + payloadLen;
  const end = o + 40 + payloadLen;
  let next = b[o + 6]!;
  let q = o + 40;
  for (;;) {
    if (next === HOP_BY_HOP || next === ROUTING || next === DEST_OPTS || next === MOBILITY || next === HIP || next === SHIM6) {
      if (b.length < q + 2) return cut(p);
      const n = b[q]!;
      q += (b[q + 1]! + 1) * 8;
      next = n;
      continue;
    }
    if (next === AH) {
      if (b.length < q + 2) return cut(p);
      const n = b[q]!;
      q += (b[q + 1]! + 2) * 4;
      next = n;
      continue;
    }
    if (next === FRAGMENT) {
      if (b.length < q + 8) return cut(p);
      const fo = u16be(b, q + 2);
      p.fragOffset = fo & 0xfff8;
      p.mf = (fo & 1) !== 0;
      p.fragId6 = u32be(b, q + 4);
      p.isFragment = p.mf || p.fragOffset !== 0;
      const n = b[q]!;
      q += 8;
      next = n;
      if (p.isFragment) break;
      continue; // atomic fragment: keep walking
    }
    break;
  }
  if (next === ESP || next === NO_NEXT) {
    p.proto = next;
  }
  p.proto = next;
  p.ipHeaderLength = q - o;
  p.l4Offset = q;
  p.l4WireLength = Math.max(0, end - q);
  p.l4End = Math.min(b.length, end);
  if (q > end) {
    p.stop = 'malformed';
    p.stopDetail = 'IPv6 extension headers run past the payload length';
    return false;
  }
  return true;
}

function cut(p: Packet): boolean {
  p.stop = 'truncated';
  p.stopDetail = 'IPv6 extension header cut off';
  return false;
}

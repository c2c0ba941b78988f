/**
 * Link layers: find the network header. Ethernet (+802.1Q/QinQ, PPPoE session), Linux
 * SLL/SLL2, raw IP (101, 12, 14, 228, 229), BSD NULL/LOOP, PPP.
 */
import { u16be, u32be, u32le } from '../../core/bytes.js';
import { LinkType, type Packet } from '../packet.js';

export const EtherType = { IPV4: 0x0800, IPV6: 0x86dd, VLAN: 0x8100, QINQ: 0x88a8, QINQ_OLD1: 0x9100, QINQ_OLD2: 0x9200, PPPOE_SESSION: 0x8864, ARP: 0x0806 } as const;

/** Fills l3Offset/etherType; returns false when no IP header can be reached. */
export function decodeLink(p: Packet, b: Uint8Array, linkType: number): boolean {
  p.linkType = linkType;
  switch (linkType) {
    case LinkType.ETHERNET:
      if (b.length < 14) return truncated(p, 'Ethernet header');
      return afterEtherType(p, b, 12);
    case LinkType.LINUX_SLL:
      if (b.length < 16) return truncated(p, 'Linux SLL header');
      p.sllPacketType = u16be(b, 0);
      return afterEtherType(p, b, 14);
    case LinkType.LINUX_SLL2:
      if (b.length < 20) return truncated(p, 'Linux SLL2 header');
      p.sllPacketType = b[10]!;
      p.sllIfIndex = u32be(b, 4);
      return etherTypeAt(p, b, u16be(b, 0), 20);
    case LinkType.RAW:
    case LinkType.DLT_RAW_12:
    case LinkType.DLT_RAW_14:
      return byVersionNibble(p, b, 0);
    case LinkType.IPV4:
    case LinkType.IPV6:
      return byVersionNibble(p, b, 0);
    case LinkType.NULL:
    case LinkType.LOOP: {
      if (b.length < 4) return truncated(p, 'loopback header');
      // Address family in the capturing host's byte order (NULL) or big-endian (LOOP):
      // accept AF_INET and the BSD AF_INET6 values in either order, else peek the version.
      const be = u32be(b, 0);
      const le = u32le(b, 0);
      const af = linkType === LinkType.LOOP ? be : be < 256 ? be : le;
      if (af === 2) return setL3(p, EtherType.IPV4, 4);
      if (af === 24 || af === 28 || af === 30 || af === 10 || af === 23) return setL3(p, EtherType.IPV6, 4);
      return byVersionNibble(p, b, 4);
    }
    case LinkType.PPP: {
      let o = 0;
      if (b.length >= 2 && b[0] === 0xff && b[1] === 0x03) o = 2;
      if (b.length < o + 2) return truncated(p, 'PPP header');
      const proto = u16be(b, o);
      if (proto === 0x0021) return setL3(p, EtherType.IPV4, o + 2);
      if (proto === 0x0057) return setL3(p, EtherType.IPV6, o + 2);
      p.stop = 'not-ip';
      return false;
    }
    default:
      p.stop = 'link-unsupported';
      return false;
  }
}

function afterEtherType(p: Packet, b: Uint8Array, typeOffset: number): boolean {
  return etherTypeAt(p, b, u16be(b, typeOffset), typeOffset + 2);
}

function etherTypeAt(p: Packet, b: Uint8Array, type: number, next: number): boolean {
  let t = type;
  let o = next;
  // 802.1Q / QinQ: skip each tag's TCI and read the inner EtherType.
  while (t === EtherType.VLAN || t === EtherType.QINQ || t === EtherType.QINQ_OLD1 || t === EtherType.QINQ_OLD2) {
    if (b.length < o + 4) return truncated(p, 'VLAN tag');
    p.vlanCount++;
    t = u16be(b, o + 2);
    o += 4;
  }
  if (t === EtherType.PPPOE_SESSION) {
    if (b.length < o + 8) return truncated(p, 'PPPoE header');
    const proto = u16be(b, o + 6);
    if (proto === 0x0021) return setL3(p, EtherType.IPV4, o + 8);
    if (proto === 0x0057) return setL3(p, EtherType.IPV6, o + 8);
    p.stop = 'not-ip';
    return false;
  }
  if (t === EtherType.IPV4 || t === EtherType.IPV6) return setL3(p, t, o);
  p.etherType = t;
  p.stop = 'not-ip';
  return false;
}

function byVersionNibble(p: Packet, b: Uint8Array, o: number): boolean {
  if (b.length <= o) return truncated(p, 'IP header');
  const v = b[o]! >> 4;
  if (v === 4) return setL3(p, EtherType.IPV4, o);
  if (v === 6) return setL3(p, EtherType.IPV6, o);
  p.stop = 'not-ip';
  return false;
}

function setL3(p: Packet, etherType: number, offset: number): boolean {
  p.etherType = etherType;
  p.l3Offset = offset;
  return true;
}

function truncated(p: Packet, what: string): boolean {
  p.stop = 'truncated';
  p.stopDetail = `frame too short for the ${what}`;
  return false;
}

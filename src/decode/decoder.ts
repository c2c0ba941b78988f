/**
 * Frame → Packet: link, network and (for unfragmented datagrams) transport layers.
 * Stateless, one frame at a time, into the caller's reused Packet.
 */
import type { Frame } from '../capture/frame.js';
import { decodeLink, EtherType } from './link/link.js';
import { decodeIcmp4, decodeIcmp6 } from './net/icmp.js';
import { decodeIpv4 } from './net/ipv4.js';
import { decodeIpv6 } from './net/ipv6.js';
import { IpProto, type Packet } from './packet.js';
import { decodeTcp } from './transport/tcp.js';
import { decodeUdp } from './transport/udp.js';

/** Decodes up to the network layer; returns false when there is no IP datagram. */
export function decodeFrame(p: Packet, f: Frame): boolean {
  p.reset();
  p.data = f.data;
  if (f.linkType < 0) {
    p.stop = 'link-unsupported';
    return false;
  }
  if (!decodeLink(p, f.data, f.linkType)) return false;
  return decodeNetwork(p, f.data, p.l3Offset);
}

export function decodeNetwork(p: Packet, b: Uint8Array, o: number): boolean {
  if (p.etherType === EtherType.IPV4) return decodeIpv4(p, b, o);
  if (p.etherType === EtherType.IPV6) return decodeIpv6(p, b, o);
  p.stop = 'not-ip';
  return false;
}

/** Decodes the transport layer of an unfragmented (or reassembled) datagram held in p.data. */
export function decodeTransport(p: Packet): boolean {
  const b = p.data;
  const o = p.l4Offset;
  const end = p.l4End;
  switch (p.proto) {
    case IpProto.TCP:
      return decodeTcp(p, b, o, end);
    case IpProto.UDP:
      return decodeUdp(p, b, o, end);
    case IpProto.ICMP:
      return p.ipVersion === 4 ? decodeIcmp4(p, b, o, end) : (p.stop = 'other-proto', false);
    case IpProto.ICMPV6:
      return decodeIcmp6(p, b, o, end);
    default:
      p.stop = 'other-proto';
      return false;
  }
}

/**
 * ICMPv4 and ICMPv6 type/code names. RFC 9293 / RFC 792 (RFC 792, 1122, 1191, 1812, 4884) and
 * 2.5 (RFC 4443). Code tables are keyed by `(type << 8) | code`; names follow Wireshark's wording
 * so reports read like the Info column.
 */
import { defineTable, type CodeEntry, type CodeInfo } from './table.js';

const V4 = 'RFC 9293 / RFC 792; RFC 792, RFC 1191, RFC 1812';
const V6 = 'RFC 9293 / RFC 792; RFC 4443';
const V4X = 'RFC 792 / RFC 1256';
const V6X = 'RFC 4443 / RFC 4861';

const k = (type: number, code: number): number => ((type & 0xff) << 8) | (code & 0xff);

export const ICMPV4_TYPES = [
  { code: 0, name: 'Echo (ping) reply', meaning: 'Answer to an echo request.', verified: true, source: V4 },
  { code: 3, name: 'Destination unreachable', meaning: 'A router or the destination host could not deliver the packet; the code says why.', verified: true, source: V4 },
  { code: 4, name: 'Source quench (flow control)', meaning: 'Deprecated congestion signal.', verified: true, source: V4X },
  { code: 5, name: 'Redirect', meaning: 'A router tells the host to use a better first hop.', verified: true, source: V4 },
  { code: 8, name: 'Echo (ping) request', meaning: 'Ping.', verified: true, source: V4 },
  { code: 9, name: 'Router advertisement', meaning: 'Router discovery advertisement.', verified: true, source: V4X },
  { code: 10, name: 'Router solicitation', meaning: 'Router discovery solicitation.', verified: true, source: V4X },
  { code: 11, name: 'Time-to-live exceeded', meaning: 'TTL expired in transit (code 0) or fragment reassembly timed out (code 1).', verified: true, source: V4 },
  { code: 12, name: 'Parameter problem', meaning: 'A header field was invalid.', verified: true, source: V4 },
  { code: 13, name: 'Timestamp request', meaning: 'Timestamp request.', verified: true, source: V4X },
  { code: 14, name: 'Timestamp reply', meaning: 'Timestamp reply.', verified: true, source: V4X },
] as const satisfies readonly CodeEntry[];

export const ICMPV4_CODES = [
  { code: k(3, 0), name: 'Network unreachable', meaning: 'No route to the destination network (routing problem).', verified: true, source: V4 },
  { code: k(3, 1), name: 'Host unreachable', meaning: 'The last router could not reach the host (ARP/neighbour failure or missing route).', verified: true, source: V4 },
  { code: k(3, 2), name: 'Protocol unreachable', meaning: 'The destination does not support the transport protocol.', verified: true, source: V4 },
  { code: k(3, 3), name: 'Port unreachable', meaning: 'The host answered but nothing listens on that UDP port (e.g. UDP 3389/3391 closed).', verified: true, source: V4 },
  { code: k(3, 4), name: 'Fragmentation needed', meaning: 'Packet too big and DF set: the PMTUD signal; bytes 6-7 carry the next-hop MTU (RFC 1191).', verified: true, source: V4 },
  { code: k(3, 5), name: 'Source route failed', meaning: 'Source routing failed.', verified: true, source: V4 },
  { code: k(3, 6), name: 'Destination network unknown', meaning: 'The destination network is unknown.', verified: true, source: V4 },
  { code: k(3, 7), name: 'Destination host unknown', meaning: 'The destination host is unknown.', verified: true, source: V4 },
  { code: k(3, 8), name: 'Source host isolated', meaning: 'The source host is isolated.', verified: true, source: V4 },
  { code: k(3, 9), name: 'Network administratively prohibited', meaning: 'A filtering device forbids traffic to that network (firewall/ACL reject).', verified: true, source: V4 },
  { code: k(3, 10), name: 'Host administratively prohibited', meaning: 'A filtering device forbids traffic to that host (firewall/ACL reject).', verified: true, source: V4 },
  { code: k(3, 11), name: 'Network unreachable for TOS', meaning: 'Network unreachable for this type of service.', verified: true, source: V4 },
  { code: k(3, 12), name: 'Host unreachable for TOS', meaning: 'Host unreachable for this type of service.', verified: true, source: V4 },
  { code: k(3, 13), name: 'Communication administratively filtered', meaning: 'Communication administratively prohibited (RFC 1812): a firewall/ACL reject, common on Cisco "reject".', verified: true, source: V4 },
  { code: k(3, 14), name: 'Host precedence violation', meaning: 'Precedence not permitted for this host.', verified: true, source: V4 },
  { code: k(3, 15), name: 'Precedence cutoff in effect', meaning: 'Precedence below the cutoff in effect.', verified: true, source: V4 },
  { code: k(5, 0), name: 'Redirect for network', meaning: 'Use another router for this network.', verified: true, source: V4X },
  { code: k(5, 1), name: 'Redirect for host', meaning: 'Use another router for this host.', verified: true, source: V4X },
  { code: k(5, 2), name: 'Redirect for TOS and network', meaning: 'Use another router for this network and type of service.', verified: true, source: V4X },
  { code: k(5, 3), name: 'Redirect for TOS and host', meaning: 'Use another router for this host and type of service.', verified: true, source: V4X },
  { code: k(11, 0), name: 'Time to live exceeded in transit', meaning: 'TTL reached zero in transit (traceroute or routing loop).', verified: true, source: V4 },
  { code: k(11, 1), name: 'Fragment reassembly time exceeded', meaning: 'The receiving host gave up reassembling fragments (it had the first fragment; later ones were lost).', verified: true, source: V4 },
  { code: k(12, 0), name: 'Pointer indicates the error', meaning: 'The pointer field marks the bad header byte.', verified: true, source: V4X },
  { code: k(12, 1), name: 'Missing a required option', meaning: 'A required IP option is missing.', verified: true, source: V4X },
  { code: k(12, 2), name: 'Bad length', meaning: 'Bad length.', verified: true, source: V4X },
] as const satisfies readonly CodeEntry[];

export const ICMPV6_TYPES = [
  { code: 1, name: 'Destination Unreachable', meaning: 'The packet could not be delivered; the code says why.', verified: true, source: V6 },
  { code: 2, name: 'Packet Too Big', meaning: 'The IPv6 PMTUD signal; bytes 4-7 carry the next-hop MTU (RFC 8201).', verified: true, source: V6 },
  { code: 3, name: 'Time Exceeded', meaning: 'Hop limit exceeded (code 0) or fragment reassembly timed out (code 1).', verified: true, source: V6 },
  { code: 4, name: 'Parameter Problem', meaning: 'A header field was invalid; pointer in bytes 4-7.', verified: true, source: V6 },
  { code: 128, name: 'Echo (ping) request', meaning: 'Ping.', verified: true, source: V6X },
  { code: 129, name: 'Echo (ping) reply', meaning: 'Answer to a ping.', verified: true, source: V6X },
  { code: 133, name: 'Router Solicitation', meaning: 'Neighbour Discovery: router solicitation.', verified: true, source: V6X },
  { code: 134, name: 'Router Advertisement', meaning: 'Neighbour Discovery: router advertisement.', verified: true, source: V6X },
  { code: 135, name: 'Neighbor Solicitation', meaning: 'Neighbour Discovery: address resolution request.', verified: true, source: V6X },
  { code: 136, name: 'Neighbor Advertisement', meaning: 'Neighbour Discovery: address resolution answer.', verified: true, source: V6X },
  { code: 137, name: 'Redirect', meaning: 'Neighbour Discovery: better first hop.', verified: true, source: V6X },
] as const satisfies readonly CodeEntry[];

export const ICMPV6_CODES = [
  { code: k(1, 0), name: 'no route to destination', meaning: 'No route to the destination (routing problem).', verified: true, source: V6 },
  { code: k(1, 1), name: 'communication with destination administratively prohibited', meaning: 'A filtering device forbids the traffic (firewall/ACL reject).', verified: true, source: V6 },
  { code: k(1, 2), name: 'beyond scope of source address', meaning: 'The destination is beyond the scope of the source address.', verified: true, source: V6 },
  { code: k(1, 3), name: 'address unreachable', meaning: 'The address could not be reached (e.g. neighbour resolution failed).', verified: true, source: V6 },
  { code: k(1, 4), name: 'port unreachable', meaning: 'Nothing listens on that port.', verified: true, source: V6 },
  { code: k(1, 5), name: 'source address failed ingress/egress policy', meaning: 'The source address was refused by policy.', verified: true, source: V6 },
  { code: k(1, 6), name: 'reject route to destination', meaning: 'A reject route matched the destination.', verified: true, source: V6 },
  { code: k(2, 0), name: 'Packet Too Big', meaning: 'The packet exceeds the next-hop MTU.', verified: true, source: V6 },
  { code: k(3, 0), name: 'hop limit exceeded in transit', meaning: 'Hop limit reached zero in transit.', verified: true, source: V6 },
  { code: k(3, 1), name: 'fragment reassembly time exceeded', meaning: 'The receiving host gave up reassembling fragments.', verified: true, source: V6 },
  { code: k(4, 0), name: 'erroneous header field encountered', meaning: 'A header field was wrong.', verified: true, source: V6 },
  { code: k(4, 1), name: 'unrecognized Next Header type encountered', meaning: 'The Next Header value is not recognised.', verified: true, source: V6 },
  { code: k(4, 2), name: 'unrecognized IPv6 option encountered', meaning: 'An IPv6 option is not recognised.', verified: true, source: V6 },
] as const satisfies readonly CodeEntry[];

export const icmpv4TypeTable = defineTable({ id: 'icmpv4-type', title: 'ICMPv4 type', section: '2.4', entries: ICMPV4_TYPES, hexDigits: 0, radix: 'dec', fallbackName: (c) => `ICMP type ${c} (unknown)` });
export const icmpv4CodeTable = defineTable({ id: 'icmpv4-code', title: 'ICMPv4 code', section: '2.4', entries: ICMPV4_CODES, hexDigits: 4, radix: 'dec', fallbackName: (c) => `ICMP type ${c >>> 8} code ${c & 0xff} (unknown)` });
export const icmpv6TypeTable = defineTable({ id: 'icmpv6-type', title: 'ICMPv6 type', section: '2.5', entries: ICMPV6_TYPES, hexDigits: 0, radix: 'dec', fallbackName: (c) => `ICMPv6 type ${c} (unknown)` });
export const icmpv6CodeTable = defineTable({ id: 'icmpv6-code', title: 'ICMPv6 code', section: '2.5', entries: ICMPV6_CODES, hexDigits: 4, radix: 'dec', fallbackName: (c) => `ICMPv6 type ${c >>> 8} code ${c & 0xff} (unknown)` });

export interface IcmpDescription {
  readonly type: CodeInfo;
  /** Absent when the type has no code table (e.g. echo) and code is 0. */
  readonly code?: CodeInfo;
  /** Wireshark-style text, e.g. "Destination unreachable (Port unreachable)". */
  readonly text: string;
}

function describe(typeTable: typeof icmpv4TypeTable, codeTable: typeof icmpv4CodeTable, type: number, code: number): IcmpDescription {
  const t = typeTable.lookup(type);
  const typeHasCodes = codeTable.entries.some((e) => e.code >>> 8 === type);
  if (!typeHasCodes && code === 0) return { type: t, text: t.name };
  const c = codeTable.lookup(k(type, code));
  return { type: t, code: c, text: c.known ? `${t.name} (${c.name})` : `${t.name} (code ${code})` };
}

export function icmpv4(type: number, code: number): IcmpDescription {
  return describe(icmpv4TypeTable, icmpv4CodeTable, type, code);
}

export function icmpv6(type: number, code: number): IcmpDescription {
  return describe(icmpv6TypeTable, icmpv6CodeTable, type, code);
}

export function icmpKey(type: number, code: number): number {
  return k(type, code);
}

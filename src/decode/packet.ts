/**
 * The one decoded-packet struct, reused for every frame (gopacket's DecodingLayer idea):
 * decoders fill fields in place; payloads are views into the frame data.
 */
export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  PPP: 9,
  RAW: 101,
  DLT_RAW_12: 12,
  DLT_RAW_14: 14,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

export const IpProto = { ICMP: 1, IPIP: 4, TCP: 6, UDP: 17, IPV6: 41, GRE: 47, ICMPV6: 58 } as const;

export const TcpFlag = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20, ECE: 0x40, CWR: 0x80 } as const;

/** Why decoding stopped before the transport layer (or '' when it did not). */
export type StopReason = '' | 'link-unsupported' | 'not-ip' | 'truncated' | 'malformed' | 'fragment' | 'other-proto';

export class IcmpQuote {
  /** Quoted datagram's IP version (0 when none parsed). */
  ipVersion = 0;
  src4 = 0;
  dst4 = 0;
  src6: Uint8Array = new Uint8Array(16);
  dst6: Uint8Array = new Uint8Array(16);
  proto = 0;
  ipId = 0;
  totalLength = 0;
  df = false;
  srcPort = 0;
  dstPort = 0;
  /** TCP sequence number of the quoted segment, when at least 8 bytes of TCP were quoted. */
  tcpSeq = 0;
  hasTcpSeq = false;
}

export class Packet {
  // link
  linkType = 0;
  /** Offset of the network header in the frame data, -1 when none was found. */
  l3Offset = -1;
  etherType = 0;
  vlanCount = 0;
  /** SLL packet type (0 to us … 4 outgoing) or -1. */
  sllPacketType = -1;
  /** Linux cooked v2 (SLL2) interface index, -1 when the link layer carries none. */
  sllIfIndex = -1;

  // network
  ipVersion: 0 | 4 | 6 = 0;
  ipHeaderLength = 0;
  /** Length of the IP datagram per its header (IPv4 total length; IPv6 40 + payload length). */
  ipTotalLength = 0;
  ttl = 0;
  ipId = 0;
  df = false;
  mf = false;
  fragOffset = 0;
  isFragment = false;
  proto = 0;
  src4 = 0;
  dst4 = 0;
  src6: Uint8Array = new Uint8Array(16);
  dst6: Uint8Array = new Uint8Array(16);
  /** IPv6 fragment header identification (32-bit). */
  fragId6 = 0;
  /** Offset of the transport header in `data` and the datagram's end (by IP length, clipped to captured). */
  l4Offset = -1;
  l4End = 0;
  /** Bytes of transport data on the wire per the IP length (may exceed what was captured). */
  l4WireLength = 0;
  /** Data buffer the offsets refer to (frame data, or a reassembled datagram). */
  data: Uint8Array = new Uint8Array(0);
  /** True when the IP datagram was rebuilt from fragments. */
  reassembled = false;

  // transport
  srcPort = 0;
  dstPort = 0;
  // tcp
  seq = 0;
  ack = 0;
  flags = 0;
  window = 0;
  tcpHeaderLength = 0;
  mss = -1;
  wscale = -1;
  sackPermitted = false;
  sackBlocks = 0;
  hasTimestamps = false;
  tsVal = 0;
  tsEcr = 0;
  /** TCP segment length from the IP length (not the captured bytes). */
  segLength = 0;
  /** Offset and length of the captured payload. */
  payloadOffset = 0;
  payloadCaptured = 0;
  // icmp
  icmpType = -1;
  icmpCode = -1;
  /** ICMPv4 next-hop MTU (type 3 code 4) or ICMPv6 Packet Too Big MTU. */
  icmpMtu = 0;
  readonly quote = new IcmpQuote();

  stop: StopReason = '';
  /** Human-readable detail for a malformed/truncated stop (cold path). */
  stopDetail = '';

  reset(): void {
    this.linkType = 0;
    this.l3Offset = -1;
    this.etherType = 0;
    this.vlanCount = 0;
    this.sllPacketType = -1;
    this.sllIfIndex = -1;
    this.ipVersion = 0;
    this.ipHeaderLength = 0;
    this.ipTotalLength = 0;
    this.ttl = 0;
    this.ipId = 0;
    this.df = false;
    this.mf = false;
    this.fragOffset = 0;
    this.isFragment = false;
    this.proto = 0;
    this.src4 = 0;
    this.dst4 = 0;
    this.fragId6 = 0;
    this.l4Offset = -1;
    this.l4End = 0;
    this.l4WireLength = 0;
    this.reassembled = false;
    this.srcPort = 0;
    this.dstPort = 0;
    this.seq = 0;
    this.ack = 0;
    this.flags = 0;
    this.window = 0;
    this.tcpHeaderLength = 0;
    this.mss = -1;
    this.wscale = -1;
    this.sackPermitted = false;
    this.sackBlocks = 0;
    this.hasTimestamps = false;
    this.tsVal = 0;
    this.tsEcr = 0;
    this.segLength = 0;
    this.payloadOffset = 0;
    this.payloadCaptured = 0;
    this.icmpType = -1;
    this.icmpCode = -1;
    this.icmpMtu = 0;
    this.quote.ipVersion = 0;
    this.quote.hasTcpSeq = false;
    this.stop = '';
    this.stopDetail = '';
  }
}

/**
 * MS-RDPEUDP SYN / SYN+ACK datagrams (network byte order, protocol-facts §9.2) and a
 * DatagramDecoder that reports the handshake and counts everything else by size.
 *
 * Layout: RDPUDP_FEC_HEADER { snSourceAck u32, uReceiveWindowSize u16, uFlags u16 },
 * RDPUDP_SYNDATA_PAYLOAD { snInitialSequenceNumber u32, uUpStreamMtu u16, uDownStreamMtu u16 },
 * then RDPUDP_CORRELATION_ID_PAYLOAD (32 bytes) if uFlags & CORRELATION_ID, then
 * RDPUDP_SYNDATAEX_PAYLOAD { uSynExFlags u16, uUdpVer u16, [cookieHash 32 if uUdpVer = 0x101] }
 * if uFlags & SYNEX, then zero padding. Flag values checked against tshark 4.0 (`rdpudp.flags`).
 */
import { toHex, u16be, u32be } from '../../core/bytes.js';
import type { ChunkInfo, DatagramDecoder, Dir, Sink } from '../stream.js';
import type { RdpUdpChannel, RdpUdpEvent, RdpUdpSynFields } from './events.js';

export const RdpUdpFlag = {
  syn: 0x0001,
  fin: 0x0002,
  ack: 0x0004,
  data: 0x0008,
  fec: 0x0010,
  cn: 0x0020,
  cwr: 0x0040,
  sackOption: 0x0080,
  ackOfAcks: 0x0100,
  synLossy: 0x0200,
  ackDelayed: 0x0400,
  correlationId: 0x0800,
  synEx: 0x1000,
} as const;

export const RdpUdpVersion = { v1: 0x0001, v2: 0x0002, v3: 0x0101 } as const;

/** RDP-UDP server port (same number as TCP). */
export const RDPUDP_PORT = 3389;
/** RD Gateway UDP side channel, commonly documented default — UNVERIFIED (protocol-facts §8.5, §11 #16). */
export const GATEWAY_UDP_PORT = 3391;

/** Minimum bytes of a SYN/SYN+ACK: FEC header (8) + SYNDATA payload (8). */
export const RDPUDP_SYN_MIN = 16;

/** Range of uUpStreamMtu / uDownStreamMtu, and of the padded SYN / SYN+ACK size. */
export const RDPUDP_MTU_MIN = 1132;
export const RDPUDP_MTU_MAX = 1232;

export type RdpUdpSynKind = 'syn' | 'synack';

/**
 * Decodes a SYN or SYN+ACK datagram; null when it is not one (too short, SYN flag clear,
 * or a SYN without snSourceAck = 0xFFFFFFFF) or when a flagged optional part is cut off.
 */
export function parseRdpUdpSyn(b: Uint8Array): (RdpUdpSynFields & { kind: RdpUdpSynKind }) | null {
  if (b.length < RDPUDP_SYN_MIN) return null;
  const snSourceAck = u32be(b, 0);
  const uReceiveWindowSize = u16be(b, 4);
  const uFlags = u16be(b, 6);
  if ((uFlags & RdpUdpFlag.syn) === 0) return null;
  const kind: RdpUdpSynKind = uFlags & RdpUdpFlag.ack ? 'synack' : 'syn';
  if (kind === 'syn' && snSourceAck !== 0xffffffff) return null;
  let o = 16;
  let correlationId: string | undefined;
  if (uFlags & RdpUdpFlag.correlationId) {
    if (b.length < o + 32) return null;
    correlationId = toHex(b, o, o + 16);
    o += 32;
  }
  let synExFlags: number | undefined;
  let version: number | undefined;
  let cookieHash: string | undefined;
  if (uFlags & RdpUdpFlag.synEx) {
    if (b.length < o + 4) return null;
    synExFlags = u16be(b, o);
    version = u16be(b, o + 2);
    o += 4;
    if (version === RdpUdpVersion.v3 && b.length >= o + 32) cookieHash = toHex(b, o, o + 32);
  }
  return {
    kind,
    snSourceAck,
    uReceiveWindowSize,
    uFlags,
    snInitialSequenceNumber: u32be(b, 8),
    uUpStreamMtu: u16be(b, 12),
    uDownStreamMtu: u16be(b, 14),
    lossy: (uFlags & RdpUdpFlag.synLossy) !== 0,
    ...(correlationId !== undefined ? { correlationId } : {}),
    ...(synExFlags !== undefined ? { synExFlags } : {}),
    ...(version !== undefined ? { version } : {}),
    ...(cookieHash !== undefined ? { cookieHash } : {}),
    length: b.length,
  };
}

/** Zeek's recognition rule: payload 1132–1232 bytes, snSourceAck = -1, SYN flag set. */
export function looksLikeRdpUdpSyn(b: Uint8Array): boolean {
  return b.length >= RDPUDP_MTU_MIN && b.length <= RDPUDP_MTU_MAX && u32be(b, 0) === 0xffffffff && (u16be(b, 6) & RdpUdpFlag.syn) !== 0;
}

function looksLikeDtls(b: Uint8Array): boolean {
  return b.length >= 13 && b[0]! >= 20 && b[0]! <= 23 && b[1] === 0xfe && (b[2] === 0xff || b[2] === 0xfd);
}

export interface RdpUdpDecoderOptions {
  /** Server port of the flow: 3391 marks the gateway side channel. */
  serverPort?: number;
  decrypted?: boolean;
}

export class RdpUdpDecoder implements DatagramDecoder {
  private readonly channel: RdpUdpChannel;
  private readonly syns: [number, number] = [0, 0];
  private readonly synAcks: [number, number] = [0, 0];
  private readonly datagrams: [number, number] = [0, 0];
  private readonly bytes: [number, number] = [0, 0];

  constructor(
    private readonly sink: Sink<RdpUdpEvent>,
    options: RdpUdpDecoderOptions = {},
  ) {
    this.channel = options.serverPort === GATEWAY_UDP_PORT ? 'gateway' : 'direct';
  }

  datagram(dir: Dir, data: Uint8Array, info: ChunkInfo): void {
    this.bytes[dir] += data.length;
    const base = { frame: info.frame, ts: info.ts, dir, channel: this.channel };
    // SYN and SYN+ACK are padded to the MTU (1132–1232 bytes): the size keeps RDP-UDP2 packets,
    // whose bytes 6–7 are not flags, from being taken for a handshake.
    if (this.channel === 'direct' && data.length >= RDPUDP_MTU_MIN && data.length <= RDPUDP_MTU_MAX && (u16be(data, 6) & RdpUdpFlag.syn) !== 0) {
      const syn = parseRdpUdpSyn(data);
      if (syn) {
        const { kind, ...fields } = syn;
        if (kind === 'syn') {
          this.syns[dir]++;
          this.sink({ type: 'rdpudp.syn', ...base, ...fields });
        } else {
          this.synAcks[dir]++;
          this.sink({ type: 'rdpudp.synack', ...base, ...fields });
        }
        return;
      }
    }
    if (this.datagrams[dir]++ === 0) {
      this.sink({ type: 'rdpudp.datagram', ...base, length: data.length, dtls: looksLikeDtls(data) });
    }
  }

  /** Counters so far; emits rdpudp.summary (call at end of capture or flow timeout). */
  end(info: ChunkInfo): void {
    this.sink({
      type: 'rdpudp.summary',
      frame: info.frame,
      ts: info.ts,
      channel: this.channel,
      syns: [...this.syns],
      synAcks: [...this.synAcks],
      datagrams: [...this.datagrams],
      bytes: [...this.bytes],
    });
  }
}

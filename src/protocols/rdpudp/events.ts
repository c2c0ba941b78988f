/**
 * Events reported by the RDP-UDP (MS-RDPEUDP) datagram decoder. Numbers stay numbers.
 */
import type { Dir, ProtoEventBase } from '../stream.js';

/** 'direct': UDP 3389 to the RDP server; 'gateway': UDP 3391, RD Gateway side channel (port UNVERIFIED, protocol-facts §8.5). */
export type RdpUdpChannel = 'direct' | 'gateway';

interface RdpUdpEventBase extends ProtoEventBase {
  readonly dir: Dir;
  readonly channel: RdpUdpChannel;
}

/** Fields common to SYN and SYN+ACK (RDPUDP_FEC_HEADER + RDPUDP_SYNDATA_PAYLOAD, §9.2). */
export interface RdpUdpSynFields {
  readonly snSourceAck: number;
  readonly uReceiveWindowSize: number;
  readonly uFlags: number;
  readonly snInitialSequenceNumber: number;
  readonly uUpStreamMtu: number;
  readonly uDownStreamMtu: number;
  /** Lossy mode requested (RDPUDP_FLAG_SYNLOSSY). */
  readonly lossy: boolean;
  /** RDPUDP_CORRELATION_ID_PAYLOAD.uCorrelationId, 16 bytes as hex. */
  readonly correlationId?: string;
  readonly synExFlags?: number;
  /** uUdpVer: 1 = v1, 2 = v2, 0x101 = v3 (RDP-UDP2 after the handshake). */
  readonly version?: number;
  /** SYNEX cookie hash (32 bytes hex), present with version 0x101. */
  readonly cookieHash?: string;
  /** UDP payload length (the SYN is padded to 1132–1232 bytes). */
  readonly length: number;
}

export interface RdpUdpSyn extends RdpUdpEventBase, RdpUdpSynFields {
  readonly type: 'rdpudp.syn';
}

export interface RdpUdpSynAck extends RdpUdpEventBase, RdpUdpSynFields {
  readonly type: 'rdpudp.synack';
}

/** First non-SYN datagram of a direction (later ones are counted; see rdpudp.summary). */
export interface RdpUdpDatagram extends RdpUdpEventBase {
  readonly type: 'rdpudp.datagram';
  readonly length: number;
  /** Looks like a DTLS record (content type 20–23, version 0xFEFF/0xFEFD): expected on the gateway side channel. */
  readonly dtls: boolean;
}

/** Counts per direction, emitted by RdpUdpDecoder.end(). */
export interface RdpUdpSummary extends ProtoEventBase {
  readonly type: 'rdpudp.summary';
  readonly channel: RdpUdpChannel;
  readonly syns: readonly [number, number];
  readonly synAcks: readonly [number, number];
  readonly datagrams: readonly [number, number];
  readonly bytes: readonly [number, number];
}

export type RdpUdpEvent = RdpUdpSyn | RdpUdpSynAck | RdpUdpDatagram | RdpUdpSummary;

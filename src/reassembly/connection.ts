/**
 * A TCP or UDP connection: originator (client) and responder (server) endpoints, the
 * handshake timeline and what the session layer attached to it.
 */
import { Endpoint } from './endpoint.js';

export type Transport = 'tcp' | 'udp';

export interface SynRecord {
  frame: number;
  ts: number;
}

export class Connection {
  readonly client = new Endpoint();
  readonly server = new Endpoint();
  /** Address family, and addresses in hot-path form for matching. */
  v6 = false;
  cAddr4 = 0;
  sAddr4 = 0;
  cAddr6: Uint8Array | null = null;
  sAddr6: Uint8Array | null = null;

  start = 0;
  end = 0;
  firstFrame = 0;
  lastFrame = 0;
  fileIndex = 0;
  /** How the originator was decided: 'syn', 'syn-ack', 'port', 'first-packet'. */
  originBy: 'syn' | 'syn-ack' | 'port' | 'first-packet' = 'first-packet';

  // handshake
  synSeen = false;
  synAckSeen = false;
  established = false;
  /** Every SYN the client sent (first + retransmissions) with the ISN it carried. */
  readonly syns: SynRecord[] = [];
  synAck: SynRecord | null = null;
  /** Third packet of the handshake (client ACK of the SYN-ACK). */
  handshakeAck: SynRecord | null = null;
  /** Wireshark's initial RTT: SYN → ACK of the SYN-ACK, seconds; NaN when unknown. */
  irtt = NaN;
  /** SYN → SYN-ACK on this capture point, seconds. */
  synToSynAck = NaN;

  // closing
  firstFin: { frame: number; ts: number; fromClient: boolean } | null = null;
  firstRst: { frame: number; ts: number; fromClient: boolean } | null = null;
  /**
   * Resets as first seen, with the leg they were seen on (see leg-copy.ts) and the TTL of their copy on
   * the other leg (-1: seen once, on one leg only).
   */
  readonly rsts: { frame: number; ts: number; fromClient: boolean; ttl: number; ipId: number; window: number; seq: number; ack: number; flags: number; hasTs: boolean; leg: number; copyTtl: number }[] = [];

  /** Kept ICMP errors that refer to this connection (TrafficEngine.icmpErrors). */
  icmpErrors = 0;

  /** Zeek-style history letters (upper case = originator). */
  history = '';

  /** Session-layer state attached by the analyzer tree (opaque here). */
  session: unknown = null;
  /**
   * The engine's decoders for this connection (engine.ts): undefined until its first payload
   * decided, null when it is not (or no longer) followed. A field rather than a map lookup per packet.
   */
  follow: unknown = undefined;
  /**
   * Set by the session layer when the rest of the stream cannot tell it anything more (e.g.
   * encrypted records after the handshake with no keys): the engine stops reassembling it.
   * TCP-level tracking (analysis, counters, close) goes on.
   */
  stopFollowing = false;

  constructor(
    readonly id: number,
    readonly transport: Transport,
  ) {}

  get duration(): number {
    return this.end - this.start;
  }
}

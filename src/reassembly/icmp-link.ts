/**
 * ICMP errors matched back to the flow they quote (protocol-facts §2.4 matching procedure):
 * the quoted datagram's 5-tuple finds the connection; the outer source is the reporter.
 */
import type { Connection } from './connection.js';

export interface IcmpError {
  frame: number;
  ts: number;
  v6: boolean;
  type: number;
  code: number;
  /** Next-hop MTU (frag needed) or Packet Too Big MTU; 0 otherwise. */
  mtu: number;
  /** Who sent the ICMP message, and its TTL / hop limit on arrival. */
  reporter: string;
  ttl: number;
  /** Quoted datagram. */
  quotedSrc: string;
  quotedDst: string;
  quotedProto: number;
  quotedSrcPort: number;
  quotedDstPort: number;
  quotedLength: number;
  quotedSeq: number | null;
  quotedDf: boolean;
  /**
   * Connection it refers to (null once that connection has left memory: an error must not pin it),
   * its id (kept), and whether the quoted packet was client→server.
   */
  connection: Connection | null;
  connectionId: number | null;
  quotedFromClient: boolean | null;
}

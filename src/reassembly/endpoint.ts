/**
 * One direction of a connection: Wireshark's per-direction sequence-analysis state,
 * the counters the report shows, and observations of the sender's IP stack (TTL, IP ID,
 * window, options) used later to attribute resets.
 */
import type { BlackholeSignature } from './blackhole-signature.js';

export class Endpoint {
  // identity
  ip = '';
  port = 0;

  // --- Wireshark tcp_analyze_seq_info equivalents (sequence numbers are raw, mod 2^32) ---
  baseSeq = 0;
  baseSeqSet = false;
  /** Highest seq+len seen (SYN/FIN count 1); 0 = unknown, as in Wireshark. */
  nextSeq = 0;
  nextSeqTime = 0;
  maxSeqToBeAcked = 0;
  lastAck = 0;
  lastAckTime = 0;
  /** Last advertised window, scaled; -1 before the first segment. */
  window = -1;
  /** Window scale shift announced in this side's SYN; -1 none seen, -2 not negotiated. */
  winScale = -1;
  dupAckNum = 0;
  /** Analysis flags of this side's last segment (KEEP_ALIVE, ZERO_WINDOW_PROBE…). */
  lastSegmentFlags = 0;

  // --- counters (per direction; what this side sent) ---
  packets = 0;
  /** Payload bytes on the wire (per IP length), retransmissions included. */
  bytes = 0;
  ipBytes = 0;
  retransmissions = 0;
  fastRetransmissions = 0;
  spuriousRetransmissions = 0;
  outOfOrder = 0;
  lostSegments = 0;
  ackedUnseen = 0;
  dupAcks = 0;
  zeroWindows = 0;
  zeroWindowProbes = 0;
  keepAlives = 0;
  windowFull = 0;
  resets = 0;
  fins = 0;
  syns = 0;
  synRetransmissions = 0;

  // --- stack observations ---
  firstTtl = -1;
  lastTtl = -1;
  minTtl = 256;
  maxTtl = -1;
  /** TTL range over this side's packets other than resets (what a reset is compared with). */
  minTtlNoRst = 256;
  maxTtlNoRst = -1;
  firstIpId = -1;
  lastIpId = -1;
  /** IP ID of this side's last packet other than a reset (what a reset's IP ID must continue). */
  lastIpIdNoRst = -1;
  /** Count of consecutive IP IDs that increased by 1..64 (a counter-based stack). */
  ipIdIncrements = 0;
  ipIdZero = 0;
  mss = -1;
  sackPermitted = false;
  timestamps = false;
  /** Window (unscaled, raw) in this side's first SYN/SYN-ACK. */
  synWindow = -1;
  /** Largest IP datagram this side sent and the largest TCP payload. */
  maxIpLength = 0;
  maxSegment = 0;
  firstFrame = 0;
  lastFrame = 0;
  lastTime = 0;
  /** Zeek history letters already recorded for this side, and repeat counters. */
  historySeen = 0;
  retransHistoryCount = 0;
  zeroWindowHistoryCount = 0;
  gapHistoryCount = 0;
  /** Payload bytes not captured (gaps) in this direction. */
  gapBytes = 0;
  // --- two-leg captures (an in-path device capturing both interfaces, merged files): see leg-copy.ts ---
  /** Identity of this side's last kept segment, to recognise its copy on the other leg. */
  segSeq = 0;
  segAck = 0;
  segFlags = -1;
  segLen = 0;
  segIpId = 0;
  segTtl = 0;
  segTs = 0;
  segLeg = -1;
  /** Leg (SLL2 interface index, else file/interface) of this side's first kept segment; -1 none yet. */
  nearLeg = -1;
  /** Copies of this side's segments seen again on another leg (not counted anywhere else), their TTL range and leg. */
  copies = 0;
  copyMinTtl = 256;
  copyMaxTtl = -1;
  copyLeg = -1;
  /** PMTU black-hole signature, created by the first segment that can be part of one. */
  bh: BlackholeSignature | null = null;
  /** Zeek endpoint state (ZeekState) and the history bookkeeping it uses. */
  zstate = 0;
  histLastSyn = -1;
  histLastFin = -1;
  histLastRst = -1;
  /** History letters in order for this side are appended to the connection's string. */
}

/** Zeek's TCP endpoint states (analyzer/protocol/tcp/TCP_Endpoint.h). */
export const ZeekState = { INACTIVE: 0, SYN_SENT: 1, SYN_ACK_SENT: 2, PARTIAL: 3, ESTABLISHED: 4, CLOSED: 5, RESET: 6 } as const;

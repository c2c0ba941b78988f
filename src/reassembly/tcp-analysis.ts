/**
 * Per-segment TCP sequence analysis with Wireshark's semantics (epan packet-tcp.c
 * tcp_analyze_sequence_number, restated in protocol-facts §3.3): retransmission, fast
 * retransmission, spurious retransmission, out-of-order, lost segment, ACKed unseen,
 * duplicate ACK, zero window (+probe/ACK), keep-alive (+ACK), window update, window full.
 * Works on raw sequence numbers modulo 2^32; state lives in the two Endpoints.
 */
import { TcpFlag } from '../decode/packet.js';
import type { Endpoint } from './endpoint.js';

export const TcpA = {
  RETRANSMISSION: 0x0001,
  LOST_PACKET: 0x0002,
  ACK_LOST_PACKET: 0x0004,
  KEEP_ALIVE: 0x0008,
  DUPLICATE_ACK: 0x0010,
  ZERO_WINDOW: 0x0020,
  ZERO_WINDOW_PROBE: 0x0040,
  ZERO_WINDOW_PROBE_ACK: 0x0080,
  KEEP_ALIVE_ACK: 0x0100,
  OUT_OF_ORDER: 0x0200,
  FAST_RETRANSMISSION: 0x0400,
  WINDOW_UPDATE: 0x0800,
  WINDOW_FULL: 0x1000,
  REUSED_PORTS: 0x2000,
  SPURIOUS_RETRANSMISSION: 0x4000,
  /** Not an analysis result: the segment is a copy of the previous one seen on another leg (leg-copy.ts), skipped. */
  LEG_COPY: 0x8000,
} as const;

const SYN_FIN_RST = TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST;

/** a > b in sequence space. */
export function gtSeq(a: number, b: number): boolean {
  return ((b - a) | 0) < 0;
}
export function ltSeq(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}
export function leSeq(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}
function add(a: number, b: number): number {
  return (a + b) >>> 0;
}

export interface SegmentIn {
  seq: number;
  ack: number;
  segLen: number;
  flags: number;
  /** Raw (unscaled) window field. */
  window: number;
  ts: number;
}

/**
 * Analyses one segment of direction fwd (rev is the other direction) and returns the
 * TcpA flags. `irtt` is the connection's initial RTT in seconds (NaN when unknown).
 */
export function analyzeSegment(s: SegmentIn, fwd: Endpoint, rev: Endpoint, irtt: number): number {
  const { seq, ack, segLen, flags, window } = s;
  let a = 0;

  // ZERO WINDOW PROBE
  if (segLen === 1 && seq === fwd.nextSeq && rev.window === 0) {
    a |= TcpA.ZERO_WINDOW_PROBE;
  } else {
    // ZERO WINDOW
    if (window === 0 && (flags & SYN_FIN_RST) === 0) a |= TcpA.ZERO_WINDOW;

    // LOST PACKET (previous segment not captured)
    if (fwd.nextSeq !== 0 && gtSeq(seq, fwd.nextSeq) && (flags & TcpFlag.RST) === 0) a |= TcpA.LOST_PACKET;

    // KEEP ALIVE
    if (segLen <= 1 && seq === add(fwd.nextSeq, -1) && (flags & SYN_FIN_RST) === 0) a |= TcpA.KEEP_ALIVE;

    // WINDOW UPDATE
    if (segLen === 0 && window !== 0 && window !== fwd.window && seq === fwd.nextSeq && ack === fwd.lastAck && (flags & SYN_FIN_RST) === 0) {
      a |= TcpA.WINDOW_UPDATE;
    }

    // WINDOW FULL
    if (segLen > 0 && rev.window >= 0 && (flags & SYN_FIN_RST) === 0) {
      const shift = rev.winScale >= 0 ? rev.winScale : 0;
      if (add(seq, segLen) === add(rev.lastAck, rev.window * 2 ** shift)) a |= TcpA.WINDOW_FULL;
    }

    let done = false;
    // KEEP ALIVE ACK
    if (
      segLen === 0 &&
      window !== 0 &&
      window === fwd.window &&
      seq === fwd.nextSeq &&
      ack === fwd.lastAck &&
      (rev.lastSegmentFlags & TcpA.KEEP_ALIVE) !== 0 &&
      (flags & SYN_FIN_RST) === 0
    ) {
      a |= TcpA.KEEP_ALIVE_ACK;
      done = true;
    }
    // ZERO WINDOW PROBE ACK
    if (
      !done &&
      segLen === 0 &&
      window === 0 &&
      window === fwd.window &&
      seq === fwd.nextSeq &&
      ack === fwd.lastAck &&
      (rev.lastSegmentFlags & TcpA.ZERO_WINDOW_PROBE) !== 0 &&
      (flags & SYN_FIN_RST) === 0
    ) {
      a |= TcpA.ZERO_WINDOW_PROBE_ACK;
      done = true;
    }
    // DUPLICATE ACK
    if (
      !done &&
      segLen === 0 &&
      window !== 0 &&
      window === fwd.window &&
      seq === fwd.nextSeq &&
      ack === fwd.lastAck &&
      (flags & SYN_FIN_RST) === 0
    ) {
      fwd.dupAckNum = fwd.dupAckNum === -1 ? 1 : fwd.dupAckNum + 1;
      a |= TcpA.DUPLICATE_ACK;
    }
  }

  // finished_fwd: a changed ACK resets the duplicate-ACK counter
  if (ack !== fwd.lastAck) fwd.dupAckNum = 0;

  // ACKED LOST PACKET (ACKed unseen segment)
  if (rev.maxSeqToBeAcked !== 0 && gtSeq(ack, rev.maxSeqToBeAcked) && (flags & TcpFlag.ACK) !== 0) {
    a |= TcpA.ACK_LOST_PACKET;
    rev.maxSeqToBeAcked = rev.nextSeq;
  }

  // RETRANSMISSION / FAST RETRANSMISSION / OUT-OF-ORDER / SPURIOUS
  if ((segLen > 0 || (flags & (TcpFlag.SYN | TcpFlag.FIN)) !== 0) && (a & TcpA.KEEP_ALIVE) === 0) {
    let seqNotAdvanced = fwd.nextSeq !== 0 && ltSeq(seq, fwd.nextSeq);
    // New data starting one byte early (after a zero-window probe) is not a retransmission.
    if (segLen > 1 && add(fwd.nextSeq, -1) === seq) seqNotAdvanced = false;
    if (segLen > 0 && rev.lastAck !== 0 && leSeq(add(seq, segLen), rev.lastAck)) {
      a |= TcpA.SPURIOUS_RETRANSMISSION;
    } else if (seqNotAdvanced && rev.dupAckNum >= 2 && rev.lastAck === seq && s.ts - rev.lastAckTime < 0.02) {
      a |= TcpA.FAST_RETRANSMISSION;
    } else {
      const sinceNext = s.ts - fwd.nextSeqTime;
      const oooThreshold = Number.isFinite(irtt) && irtt > 0 ? irtt : 0.003;
      const synFin = (flags & (TcpFlag.SYN | TcpFlag.FIN)) !== 0 ? 1 : 0;
      if (seqNotAdvanced && sinceNext < oooThreshold && fwd.nextSeq !== add(seq, segLen + synFin)) {
        a |= TcpA.OUT_OF_ORDER;
      } else if (seqNotAdvanced) {
        a |= TcpA.RETRANSMISSION;
      }
    }
  }

  // Highest nextSeq seen (zero-window probes do not advance it)
  let nextSeq = add(seq, segLen);
  if ((flags & (TcpFlag.SYN | TcpFlag.FIN)) !== 0) nextSeq = add(nextSeq, 1);
  if ((gtSeq(nextSeq, fwd.nextSeq) || fwd.nextSeq === 0) && (a & TcpA.ZERO_WINDOW_PROBE) === 0) {
    fwd.nextSeq = nextSeq;
    fwd.nextSeqTime = s.ts;
  }
  if ((seq === fwd.maxSeqToBeAcked || fwd.maxSeqToBeAcked === 0) && (a & TcpA.ZERO_WINDOW_PROBE) === 0) {
    fwd.maxSeqToBeAcked = fwd.nextSeq;
  }

  fwd.window = window;
  fwd.lastAck = ack;
  fwd.lastAckTime = s.ts;
  fwd.lastSegmentFlags = a;
  return a;
}

/**
 * Per TCP segment: handshake timeline, Wireshark sequence analysis, counters, stack
 * observations, Zeek endpoint states and history letters. Pure bookkeeping: payload
 * delivery to decoders is the reassembler's job.
 */
import { TcpFlag, type Packet } from '../decode/packet.js';
import type { Connection } from './connection.js';
import { BlackholeSignature } from './blackhole-signature.js';
import { ZeekState, type Endpoint } from './endpoint.js';
import { historyAdd, historyOnce, historyScaled } from './history.js';
import { isLegCopy, noteCopy, noteSegment } from './leg-copy.js';
import { analyzeSegment, TcpA } from './tcp-analysis.js';

const SEG = { seq: 0, ack: 0, segLen: 0, flags: 0, window: 0, ts: 0 };

/**
 * Updates the connection for one segment; returns Wireshark's analysis flags, or TcpA.LEG_COPY
 * alone when the segment is the copy of the sender's previous one on another leg (`leg`: see
 * leg-copy.ts), which nothing else counts.
 */
export function trackTcp(c: Connection, p: Packet, fromClient: boolean, frame: number, ts: number, leg = 0): number {
  const fwd = fromClient ? c.client : c.server;
  const rev = fromClient ? c.server : c.client;
  const flags = p.flags;
  const syn = (flags & TcpFlag.SYN) !== 0;
  const ackf = (flags & TcpFlag.ACK) !== 0;
  const fin = (flags & TcpFlag.FIN) !== 0;
  const rst = (flags & TcpFlag.RST) !== 0;
  const tsOk = Number.isFinite(ts);
  const t = tsOk ? ts : c.end;
  if (fwd.packets > 0 && isLegCopy(fwd, p, leg, t)) {
    noteCopy(fwd, p, leg);
    if (rst) {
      const r = c.rsts[c.rsts.length - 1];
      if (r && r.fromClient === fromClient && r.copyTtl < 0) r.copyTtl = p.ttl;
    }
    return TcpA.LEG_COPY;
  }
  noteSegment(fwd, p, leg, t);

  if (c.lastFrame === 0) {
    if (!fromClient) c.history = '^';
  }
  if (tsOk) {
    if (c.start === 0 || !Number.isFinite(c.start)) c.start = ts;
    c.end = Math.max(c.end, ts);
  }
  c.lastFrame = frame;

  // --- observations of the sender's stack ---
  fwd.packets++;
  fwd.bytes += p.segLength;
  fwd.ipBytes += p.ipTotalLength;
  if (fwd.firstFrame === 0) fwd.firstFrame = frame;
  fwd.lastFrame = frame;
  if (tsOk) fwd.lastTime = ts;
  if (fwd.firstTtl < 0) fwd.firstTtl = p.ttl;
  fwd.lastTtl = p.ttl;
  if (p.ttl < fwd.minTtl) fwd.minTtl = p.ttl;
  if (p.ttl > fwd.maxTtl) fwd.maxTtl = p.ttl;
  if (!rst) {
    if (p.ttl < fwd.minTtlNoRst) fwd.minTtlNoRst = p.ttl;
    if (p.ttl > fwd.maxTtlNoRst) fwd.maxTtlNoRst = p.ttl;
  }
  if (p.ipVersion === 4) {
    if (fwd.lastIpId >= 0) {
      const d = (p.ipId - fwd.lastIpId) & 0xffff;
      if (d >= 1 && d <= 64) fwd.ipIdIncrements++;
    } else fwd.firstIpId = p.ipId;
    if (p.ipId === 0) fwd.ipIdZero++;
    fwd.lastIpId = p.ipId;
    if (!rst) fwd.lastIpIdNoRst = p.ipId;
  }
  if (p.ipTotalLength > fwd.maxIpLength) fwd.maxIpLength = p.ipTotalLength;
  if (p.segLength > fwd.maxSegment) fwd.maxSegment = p.segLength;
  if (p.hasTimestamps) fwd.timestamps = true;

  // --- handshake ---
  if (syn) {
    fwd.syns++;
    if (fwd.mss < 0 && p.mss >= 0) fwd.mss = p.mss;
    if (p.sackPermitted) fwd.sackPermitted = true;
    if (fwd.synWindow < 0) fwd.synWindow = p.window;
    if (!fwd.baseSeqSet) {
      fwd.baseSeq = p.seq;
      fwd.baseSeqSet = true;
    }
    fwd.winScale = p.wscale >= 0 ? Math.min(p.wscale, 14) : -1;
    if (!ackf) {
      if (fromClient) {
        if (c.syns.length > 0) fwd.synRetransmissions++;
        c.syns.push({ frame, ts: t });
        c.synSeen = true;
      }
    } else if (!fromClient) {
      if (!c.synAck) c.synAck = { frame, ts: t };
      c.synAckSeen = true;
      const firstSyn = c.syns[0];
      if (firstSyn && !Number.isFinite(c.synToSynAck) && tsOk) c.synToSynAck = ts - (c.syns[c.syns.length - 1]?.ts ?? firstSyn.ts);
    }
  } else if (!fwd.baseSeqSet) {
    fwd.baseSeq = (p.seq - 1) >>> 0;
    fwd.baseSeqSet = true;
  }
  if (!syn && ackf && fromClient && c.synAck && !c.handshakeAck && !rst) {
    c.handshakeAck = { frame, ts: t };
    c.established = true;
    const firstSyn = c.syns[0];
    if (firstSyn && tsOk) c.irtt = ts - c.syns[c.syns.length - 1]!.ts;
  }
  if (!syn && c.synAck === null && c.syns.length === 0 && (p.segLength > 0 || ackf) && !rst) {
    // Mid-stream start: the connection was already established.
    c.established = true;
  }

  // --- Wireshark analysis ---
  // Window scaling applies to non-SYN segments when both sides announced it.
  SEG.seq = p.seq;
  SEG.ack = p.ack;
  SEG.segLen = p.segLength;
  SEG.flags = flags;
  SEG.window = p.window;
  SEG.ts = t;
  const lostRef = fwd.nextSeq;
  const a = analyzeSegment(SEG, fwd, rev, c.irtt);
  if (a & TcpA.RETRANSMISSION) {
    fwd.retransmissions++;
    if (syn && !ackf && fromClient) {
      /* counted above as synRetransmissions */
    }
  }
  if (a & TcpA.FAST_RETRANSMISSION) fwd.fastRetransmissions++;
  if (a & TcpA.SPURIOUS_RETRANSMISSION) fwd.spuriousRetransmissions++;
  if (a & TcpA.OUT_OF_ORDER) fwd.outOfOrder++;
  if (a & TcpA.LOST_PACKET) fwd.lostSegments++;
  if (a & TcpA.ACK_LOST_PACKET) fwd.ackedUnseen++;
  if (a & TcpA.DUPLICATE_ACK) fwd.dupAcks++;
  if (a & TcpA.ZERO_WINDOW) fwd.zeroWindows++;
  if (a & TcpA.ZERO_WINDOW_PROBE) fwd.zeroWindowProbes++;
  if (a & TcpA.KEEP_ALIVE) fwd.keepAlives++;
  if (a & TcpA.WINDOW_FULL) fwd.windowFull++;

  // --- PMTU black-hole signature ---
  if (p.segLength > 0 && (a & (TcpA.LOST_PACKET | TcpA.RETRANSMISSION | TcpA.OUT_OF_ORDER)) !== 0) {
    const mss = rev.mss > 0 ? rev.mss : fwd.mss > 0 ? fwd.mss : 1460;
    const full = mss * 0.9;
    if (a & TcpA.LOST_PACKET) {
      const gap = (p.seq - lostRef) >>> 0;
      if (gap >= full && gap < 0x10000000) {
        const bh = (fwd.bh ??= new BlackholeSignature());
        bh.lostFull++;
        if (bh.lostFullFrame === 0) {
          bh.lostFullFrame = frame;
          bh.lostFullSize = gap;
          bh.lostFullTs = t;
          bh.lostSeq = lostRef;
        }
      }
    }
    const bh = fwd.bh;
    if (a & (TcpA.RETRANSMISSION | TcpA.OUT_OF_ORDER)) {
      if (p.segLength >= full) {
        if (a & TcpA.RETRANSMISSION) {
          const b = (fwd.bh ??= new BlackholeSignature());
          b.fullRetrans++;
          if (b.fullRetransFrame === 0) {
            b.fullRetransFrame = frame;
            b.fullSeq = p.seq;
          }
          b.fullSize = Math.max(b.fullSize, p.ipTotalLength);
        }
      } else if (p.segLength <= 600 && bh !== null) {
        // The small segments must carry the very data that did not get through.
        if (bh.fullRetrans > 0 && ((p.seq - bh.fullSeq) >>> 0) < mss) {
          bh.smallAfterFull++;
          if (bh.smallFrame === 0) {
            bh.smallFrame = frame;
            bh.smallSize = p.ipTotalLength;
          }
        }
        if (bh.lostFull > 0 && t - bh.lostFullTs >= 2 && ((p.seq - bh.lostSeq) >>> 0) < bh.lostFullSize) {
          bh.smallRefill++;
          if (bh.smallRefillFrame === 0) {
            bh.smallRefillFrame = frame;
            bh.refillStall = t - bh.lostFullTs;
            bh.smallSize = p.ipTotalLength;
          }
        }
      }
    }
  }

  // --- closing ---
  if (rst) {
    fwd.resets++;
    const r = { frame, ts: t, fromClient, ttl: p.ttl, ipId: p.ipId, window: p.window, seq: p.seq, ack: p.ack, flags, hasTs: p.hasTimestamps, leg, copyTtl: -1 };
    if (!c.firstRst) c.firstRst = { frame, ts: t, fromClient };
    if (c.rsts.length < 64) c.rsts.push(r);
  }
  if (fin) {
    fwd.fins++;
    if (!c.firstFin) c.firstFin = { frame, ts: t, fromClient };
  }

  updateZeek(c, fwd, rev, p, fromClient, a);
  return a;
}

function updateZeek(c: Connection, fwd: Endpoint, rev: Endpoint, p: Packet, fromClient: boolean, a: number): void {
  const flags = p.flags;
  const syn = (flags & TcpFlag.SYN) !== 0;
  const ackf = (flags & TcpFlag.ACK) !== 0;
  const fin = (flags & TcpFlag.FIN) !== 0;
  const rst = (flags & TcpFlag.RST) !== 0;
  const len = p.segLength;
  const relSeq = (p.seq - fwd.baseSeq) >>> 0;

  // history letters
  const bits = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0);
  if (bits > 1) {
    if (fin && rst) historyOnce(c, fwd, fromClient, 'I');
    else historyOnce(c, fwd, fromClient, 'Q');
  } else if (bits === 1) {
    if (syn) {
      const code = ackf ? 'H' : 'S';
      if (!historyOnce(c, fwd, fromClient, code) && relSeq !== fwd.histLastSyn) historyAdd(c, fromClient, code);
      fwd.histLastSyn = relSeq;
    }
    if (fin) {
      const end = (relSeq + len) >>> 0;
      if (!historyOnce(c, fwd, fromClient, 'F') && end !== fwd.histLastFin) historyAdd(c, fromClient, 'F');
      fwd.histLastFin = end;
    }
    if (rst) {
      if (!historyOnce(c, fwd, fromClient, 'R') && relSeq !== fwd.histLastRst) historyAdd(c, fromClient, 'R');
      fwd.histLastRst = relSeq;
    }
  } else if (len > 0) historyOnce(c, fwd, fromClient, 'D');
  else if (ackf) historyOnce(c, fwd, fromClient, 'A');

  if (len > 0 && (a & (TcpA.RETRANSMISSION | TcpA.FAST_RETRANSMISSION | TcpA.SPURIOUS_RETRANSMISSION)) !== 0) {
    fwd.retransHistoryCount = historyScaled(c, fromClient, 'T', fwd.retransHistoryCount);
  }
  if (p.window === 0 && !syn && !rst && !fin) {
    fwd.zeroWindowHistoryCount = historyScaled(c, fromClient, 'W', fwd.zeroWindowHistoryCount);
  }

  // endpoint states
  if (rst) {
    fwd.zstate = ZeekState.RESET;
    return;
  }
  if (syn) {
    if (fwd.zstate === ZeekState.INACTIVE) {
      // Zeek UpdateInactiveState: a responder's SYN-ACK whose SYN was not seen establishes it.
      if (ackf) fwd.zstate = !fromClient && rev.zstate === ZeekState.INACTIVE ? ZeekState.ESTABLISHED : ZeekState.SYN_ACK_SENT;
      else fwd.zstate = ZeekState.SYN_SENT;
    }
  } else if (fwd.zstate === ZeekState.INACTIVE) {
    // An inactive endpoint's ACK joins an established peer; otherwise it is a partial connection.
    if (len > 0 || ackf) fwd.zstate = rev.zstate === ZeekState.ESTABLISHED ? ZeekState.ESTABLISHED : ZeekState.PARTIAL;
  } else if ((fwd.zstate === ZeekState.SYN_SENT || fwd.zstate === ZeekState.SYN_ACK_SENT) && ackf) {
    fwd.zstate = ZeekState.ESTABLISHED;
    if (rev.zstate === ZeekState.SYN_ACK_SENT || rev.zstate === ZeekState.SYN_SENT) rev.zstate = ZeekState.ESTABLISHED;
  }
  if (fin && fwd.zstate !== ZeekState.RESET) fwd.zstate = ZeekState.CLOSED;
}

/** Zeek's conn_state for a TCP connection (base/protocols/conn/main.zeek). */
export function zeekConnState(c: Connection): string {
  const os = c.client.zstate;
  const rs = c.server.zstate;
  const oInactive = os === ZeekState.INACTIVE || os === ZeekState.PARTIAL;
  const rInactive = rs === ZeekState.INACTIVE || rs === ZeekState.PARTIAL;
  if (rs === ZeekState.RESET) {
    if (os === ZeekState.SYN_SENT || os === ZeekState.SYN_ACK_SENT || (os === ZeekState.RESET && c.client.bytes === 0 && c.server.bytes === 0)) return 'REJ';
    if (oInactive) return 'RSTRH';
    return 'RSTR';
  }
  if (os === ZeekState.RESET) {
    if (rInactive) {
      if (/^\^?S[^HAFGIQ]*R.*/.test(c.history)) return 'RSTOS0';
      return 'OTH';
    }
    return 'RSTO';
  }
  if (rs === ZeekState.CLOSED && os === ZeekState.CLOSED) return 'SF';
  if (os === ZeekState.CLOSED) return rInactive ? 'SH' : 'S2';
  if (rs === ZeekState.CLOSED) return oInactive ? 'SHR' : 'S3';
  if (os === ZeekState.SYN_SENT && rs === ZeekState.INACTIVE) return 'S0';
  if (os === ZeekState.ESTABLISHED && rs === ZeekState.ESTABLISHED) return 'S1';
  return 'OTH';
}

/** Zeek's conn_state for UDP. */
export function zeekUdpState(c: Connection): string {
  const o = c.client.packets > 0;
  const r = c.server.packets > 0;
  if (o) return r ? 'SF' : 'S0';
  return r ? 'SHR' : 'OTH';
}

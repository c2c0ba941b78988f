/**
 * PMTU black hole (protocol-facts §3.6, §10 row 12; inferred, standard RFC 1191/8201 reasoning):
 * full-size segments (IP length ≈ MSS + 40) vanish while small ones pass, and no ICMP
 * "fragmentation needed" / "packet too big" comes back for the flow.
 *
 *  - sender-side view: the same full-size segment retransmitted with backoff (≥ 3 times), small
 *    segments are not retransmitted and the receiver keeps talking (ACKs, keep-alives);
 *  - receiver-side view: a gap of at least one full-size segment is never filled, no full-size
 *    datagram from the sender ever arrived, and the connection stalls short of its final phase.
 * Both directions are checked (server→client TLS flight; the mirror case: the client's large
 * CredSSP/Kerberos flight).
 */
import { formatDuration } from '../../core/time.js';
import type { Endpoint } from '../../reassembly/endpoint.js';
import type { ConnView, FindingContext } from '../context.js';
import { ALSO } from '../filters.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { mtuAdvice } from './mtu-advice.js';
import { isRelevant, phaseAt, reachedFinal } from './tcp-phase.js';

export const MTU_BLACKHOLE = kind({
  id: 'mtu.blackhole',
  title: 'Path MTU black hole: full-size packets vanish, small ones pass',
  severity: 'error',
  category: 'network-path',
  documented: false,
  cause: 'mtu-blackhole',
  rank: 22,
});

interface Rtx {
  frame: number;
  ts: number;
  length: number;
}

export function retransmissions(v: ConnView, dir: 0 | 1): Rtx[] {
  const out: Rtx[] = [];
  for (const e of v.rec?.timeline.events ?? []) {
    if (e.type === 'tcp.retransmission' && e.dir === dir) out.push({ frame: e.frame, ts: e.ts, length: Number((e as { length?: unknown }).length ?? 0) });
  }
  return out;
}

/** Payload of a full-size segment from `snd` (limited by the MSS the receiver announced). */
export function fullPayload(v6: boolean, snd: Endpoint, rcv: Endpoint): { payload: number; ip: number; mss: number } {
  const mss = rcv.mss > 0 ? rcv.mss : v6 ? 1440 : 1460;
  return { payload: mss - (snd.timestamps ? 12 : 0), ip: mss + (v6 ? 60 : 40), mss };
}

export const rule: Rule = {
  kinds: [MTU_BLACKHOLE],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      const c = v.conn;
      if (c.transport !== 'tcp' || !c.synAck || !v.rec || !isRelevant(v)) continue;
      // A session that reached the active phase moved large amounts of data: full-size
      // segments did get through, so retransmissions there are loss, not a black hole.
      if (v.rec.machine.has('active') || v.rec.inner?.machine.has('active')) continue;
      // PMTUD signals present: the pmtud.* rules speak for this flow.
      if (ctx.icmpFor(c).some((e) => (e.v6 ? e.type === 2 : e.type === 3 && e.code === 4))) continue;
      for (const dir of [1, 0] as const) {
        const snd = dir === 1 ? c.server : c.client;
        const rcv = dir === 1 ? c.client : c.server;
        const sndName = dir === 1 ? 'server' : 'client';
        const rcvName = dir === 1 ? 'client' : 'server';
        const full = fullPayload(c.v6, snd, rcv);
        const rtx = retransmissions(v, dir);
        const big = rtx.filter((r) => r.length >= full.payload - 20);
        const small = rtx.filter((r) => r.length < full.payload / 2);
        const base = {
          clientMss: c.client.mss, serverMss: c.server.mss, direction: `${sndName}→${rcvName}`,
          largestClientIp: c.client.maxIpLength, largestServerIp: c.server.maxIpLength, lostSize: full.ip, server: c.server.ip, port: c.server.port,
        };
        // Sender-side view: full-size segments re-sent again and again while small ones pass (a
        // tail-loss probe may re-send a small one once or twice; random loss would hit both sizes).
        if (big.length >= 3 && small.length <= Math.max(1, Math.floor(big.length / 4)) && rcv.lastTime > big[0]!.ts && ((snd.nextSeq - rcv.lastAck) >>> 0) > 0) {
          const knownGood = rcv.maxIpLength > 0 ? rcv.maxIpLength : null;
          const advice = mtuAdvice(c.v6, knownGood, full.ip);
          const gaps = big.slice(1).map((r, i) => r.ts - big[i]!.ts);
          const backoff = gaps.length >= 2 && gaps[gaps.length - 1]! > gaps[0]! * 1.5;
          const failed = !reachedFinal(v);
          const confidence: Finding['confidence'] = big.length >= 4 && small.length === 0 && backoff && failed ? 'high' : failed ? 'medium' : 'low';
          out.push(makeFinding({
            kind: MTU_BLACKHOLE, conn: c, confidence,
            frames: big.map((r) => r.frame).slice(0, 12),
            at: big[0]!.ts,
            detail:
              `Seen from the ${sndName}'s side: the ${sndName} retransmitted full-size segments (${big[0]!.length}-byte payload, IP ${full.ip} bytes) ${big.length} times` +
              ` (frames ${big.slice(0, 6).map((r) => r.frame).join(', ')}${big.length > 6 ? '…' : ''}${backoff ? `, backing off ${gaps.map((g) => g.toFixed(1)).slice(0, 6).join('/')} s` : ''}) during the ${phaseAt(v, big[0]!.frame)} phase` +
              ` while the ${rcvName} kept sending small packets (largest ${rcv.maxIpLength} bytes) and never acknowledged them; ${small.length ? `only ${small.length} small segment was retransmitted` : 'no small segment needed retransmission'}, and no ICMP "fragmentation needed"/"packet too big" is in the capture.` +
              ` MSS: client ${c.client.mss}, server ${c.server.mss}. A link on the path has a smaller MTU and its ICMP is filtered (inferred). Recommendation: ${advice.text}.`,
            filter: { also: [ALSO.retransmission, ALSO.icmpUnreachable] },
            evidence: big.slice(0, 8).map((r, i) => ({ frame: r.frame, at: r.ts, what: `retransmission #${i + 1} of a ${r.length}-byte segment` })),
            data: { ...base, view: 'sender', retransmissions: big.length, largestPassing: knownGood, largestPassingDirection: `${rcvName}→${sndName}`, recommendedMtu: advice.recommendedMtu, recommendedMss: advice.recommendedMss },
          }));
          continue;
        }
        // Receiver-side view. What never arrived: the holes in the stream, or — when only the
        // sender's ACKs and keep-alives came after the lost data — the sequence space its packets
        // claim beyond the payload that was seen.
        const fullArrived = snd.maxIpLength >= full.ip - 8;
        const unseen = Math.max(snd.gapBytes, unseenBySequence(snd));
        if (unseen >= full.payload - 20 && snd.lostSegments > 0 && !fullArrived && snd.bytes > 0 && !reachedFinal(v) && big.length === 0 && plausibleHole(snd, rcv, full.payload)) {
          const events = v.rec.timeline.events.filter((e) => !e.type.startsWith('tcp.') && e.type !== 'analyzer.violation' && e.type !== 'icmp.error');
          const lastGood = events[events.length - 1];
          const stallFrom = lastGood?.ts ?? c.start;
          const stall = c.end - stallFrom;
          const kas = v.rec.timeline.events.filter((e) => e.type === 'tcp.keep_alive' && e.dir === (dir === 1 ? 0 : 1));
          const segs = Math.max(1, Math.round(unseen / full.payload));
          const knownGood = snd.maxIpLength;
          const advice = mtuAdvice(c.v6, knownGood, full.ip);
          const confidence: Finding['confidence'] = stall >= 5 && (rcv.dupAcks > 0 || kas.length > 0) ? 'high' : 'medium';
          out.push(makeFinding({
            kind: MTU_BLACKHOLE, conn: c, confidence,
            frames: [...(lastGood ? [lastGood.frame] : []), ...kas.map((e) => e.frame).slice(0, 6)],
            at: stallFrom,
            detail:
              `Seen from the ${rcvName}'s side: ${unseen} bytes from the ${sndName} (≈${segs} full-size segment${segs > 1 ? 's' : ''} of ${full.payload} bytes, IP ${full.ip}) never arrived ("previous segment not captured", ${rcv.dupAcks} duplicate ACK(s) from the ${rcvName}), while smaller packets did: the largest ${sndName}→${rcvName} datagram that arrived was ${snd.maxIpLength} bytes and no full-size one ever did.` +
              ` The connection then stalled for ${formatDuration(stall)} in the ${phaseAt(v, lastGood?.frame ?? c.firstFrame)} phase${kas.length ? ` (${kas.length} keep-alive(s) from the ${rcvName})` : ''}; no ICMP "fragmentation needed"/"packet too big" is in the capture.` +
              ` MSS: client ${c.client.mss}, server ${c.server.mss}; largest client datagram ${c.client.maxIpLength}, server ${c.server.maxIpLength}. A link on the path has a smaller MTU and its ICMP is filtered (inferred). Recommendation: ${advice.text}.`,
            filter: { also: [ALSO.lostSegment, ALSO.duplicateAck, ALSO.keepAlive] },
            evidence: [
              ...(lastGood ? [{ frame: lastGood.frame, at: lastGood.ts, what: `last message decoded (${lastGood.type}) before the stall` }] : []),
              ...kas.slice(0, 5).map((e) => ({ frame: e.frame, at: e.ts, what: `keep-alive from the ${rcvName}` })),
            ],
            data: { ...base, view: 'receiver', missingBytes: unseen, missingSegments: segs, largestPassing: knownGood, largestPassingDirection: `${sndName}→${rcvName}`, stallSec: stall, recommendedMtu: advice.recommendedMtu, recommendedMss: advice.recommendedMss },
          }));
        }
      }
    }
    return out;
  },
};

/**
 * Payload the sender's sequence numbers account for but the capture never showed: its highest
 * sequence number past its initial one, less the SYN, its FINs and every payload byte seen (a
 * lower bound: retransmitted bytes are counted as seen twice). Catches the client-side view where
 * the lost full-size segments were followed only by the sender's ACKs or keep-alives.
 */
export function unseenBySequence(e: Endpoint): number {
  if (!e.baseSeqSet || e.nextSeq === 0) return 0;
  const span = (e.nextSeq - e.baseSeq) >>> 0;
  if (span >= 0x10000000) return 0;
  return Math.max(0, span - 1 - e.fins - e.bytes);
}

/**
 * A path that drops full-size packets lets the sender put at most one window past the hole: the
 * receiver cannot acknowledge beyond it. Data past the hole beyond the receiver's window (for
 * example 200 000 segments behind it) means the receiver did get the missing bytes and the
 * capture missed them (or the stream's start was never captured): not a black hole.
 */
export function plausibleHole(snd: Endpoint, rcv: Endpoint, payload: number): boolean {
  const bh = snd.bh;
  if (!bh || bh.lostFull === 0) return true;
  const past = (snd.nextSeq - bh.lostSeq) >>> 0;
  const window = Math.max(rcv.window, 65535);
  return past <= window + payload;
}

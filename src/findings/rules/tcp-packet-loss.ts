/**
 * Packet loss on an RDP-related TCP connection, from the sequence analysis (protocol-facts §3.3,
 * Wireshark's retransmission rules): retransmission rate, the handshake phase(s) it hit, the
 * handshake RTT. Inferred.
 *  - `tcp.packet-loss` (cause packet-loss): the connection failed short of its final phase and
 *    the loss plausibly explains it — ≥ 3 retransmissions and either ≥ 20 % of the packets or
 *    the same segment sent ≥ 3 times — and no protocol failure or MTU pattern explains it better.
 *  - `tcp.retransmission-storm` (context, warning): heavy retransmission on a connection that
 *    survived (or whose failure something else explains).
 */
import type { ConnView, FindingContext } from '../context.js';
import { ALSO, type FilterSpec } from '../filters.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { fullPayload, retransmissions } from './mtu-blackhole.js';
import { dirOf, isRelevant, phaseAt, protocolFailureBefore, reachedFinal } from './tcp-phase.js';

export const PACKET_LOSS = kind({
  id: 'tcp.packet-loss',
  title: 'Packet loss stalled the connection',
  severity: 'error',
  category: 'transport',
  documented: false,
  cause: 'packet-loss',
  rank: 60,
});

export const RETRANSMISSION_STORM = kind({
  id: 'tcp.retransmission-storm',
  title: 'Many TCP retransmissions (the connection survived)',
  severity: 'warning',
  category: 'transport',
  documented: false,
  cause: null,
  rank: 100,
});

/** Longest run of retransmissions of the same size in one direction with nothing else in between (≈ same segment). */
function longestChain(v: ConnView): number {
  let best = Math.max(0, v.conn.syns.length - 1);
  for (const dir of [0, 1] as const) {
    let run = 0;
    let len = -1;
    for (const e of v.rec?.timeline.events ?? []) {
      if (e.type === 'tcp.retransmission' && dirOf(e) === dir) {
        const l = Number((e as { length?: unknown }).length ?? 0);
        run = l === len ? run + 1 : 1;
        len = l;
        best = Math.max(best, run);
      } else if (dirOf(e) !== undefined && dirOf(e) !== dir && !e.type.startsWith('tcp.keep_alive')) {
        run = 0;
        len = -1;
      }
    }
  }
  return best;
}

/** Seconds of total quiet from one side, while the other retransmits, that make it "silent", not lossy. */
const DEAD_SECONDS = 3;

/** The side that fell completely silent while the other went on retransmitting to it, or null. */
export function diedSide(v: ConnView): 'client' | 'server' | null {
  const c = v.conn;
  for (const dir of [0, 1] as const) {
    const quiet = dir === 0 ? c.server : c.client;
    const talker = dir === 0 ? c.client : c.server;
    if (quiet.packets === 0 || talker.lastTime - quiet.lastTime < DEAD_SECONDS) continue;
    const after = (v.rec?.timeline.events ?? []).filter((e) => e.type === 'tcp.retransmission' && dirOf(e) === dir && e.ts > quiet.lastTime).length;
    if (after >= 2) return dir === 0 ? 'server' : 'client';
  }
  return null;
}

export const rule: Rule = {
  kinds: [PACKET_LOSS, RETRANSMISSION_STORM],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      const c = v.conn;
      if (c.transport !== 'tcp' || !v.rec || !isRelevant(v) || c.syns.length === 0) continue;
      // Nothing ever came back: tcp.syn-unanswered / icmp.unreachable speak for it.
      if (c.server.packets === 0) continue;
      const packets = c.client.packets + c.server.packets;
      // Wireshark's tcp.analysis.retransmission also covers fast and spurious retransmissions.
      const rtxOf = (e: typeof c.client) => e.retransmissions + e.fastRetransmissions + e.spuriousRetransmissions;
      const rtx = rtxOf(c.client) + rtxOf(c.server);
      if (rtx < 3 || packets === 0) continue;
      const rate = rtx / packets;
      const chain = longestChain(v);
      const failed = !reachedFinal(v);
      const explained = protocolFailureBefore(v, c.lastFrame);
      // A pure MTU pattern (only full-size data retransmitted) belongs to mtu.blackhole.
      const dataRtx = [...retransmissions(v, 0), ...retransmissions(v, 1)];
      const fullS = fullPayload(c.v6, c.server, c.client).payload;
      const fullC = fullPayload(c.v6, c.client, c.server).payload;
      const mtuLike = dataRtx.length >= 3 && dataRtx.every((r) => r.length >= Math.min(fullS, fullC) - 20) && c.syns.length <= 1;
      const events = [
        ...c.syns.slice(1).map((s) => ({ frame: s.frame, ts: s.ts, what: 'SYN retransmission', dir: 0 })),
        ...v.rec.timeline.events.filter((e) => e.type === 'tcp.retransmission').map((e) => ({ frame: e.frame, ts: e.ts, what: `retransmission of ${(e as { length?: number }).length ?? '?'} bytes from the ${dirOf(e) === 1 ? 'server' : 'client'}`, dir: dirOf(e) ?? 0 })),
      ].sort((a, b) => a.frame - b.frame);
      const byPhase = new Map<string, number>();
      for (const e of events) byPhase.set(phaseAt(v, e.frame), (byPhase.get(phaseAt(v, e.frame)) ?? 0) + 1);
      const phases = [...byPhase].map(([p, n]) => `${p} ${n}`).join(', ');
      const worstPhase = [...byPhase].sort((a, b) => b[1] - a[1])[0]?.[0] ?? phaseAt(v, c.lastFrame);
      const rtt = Number.isFinite(c.irtt) ? `${(c.irtt * 1000).toFixed(1)} ms` : 'unknown';
      const text =
        `${rtx} of ${packets} packets (${Math.round(rate * 100)} %) were retransmissions — client ${rtxOf(c.client)}/${c.client.packets}, server ${rtxOf(c.server)}/${c.server.packets}` +
        (chain >= 2 ? `; the same segment was sent up to ${chain + 1} times` : '') +
        `; by phase: ${phases || 'n/a'}; handshake RTT ${rtt}${c.synAck && c.syns.length > 1 ? ` (the SYN-ACK came ${(c.synAck.ts - c.syns[0]!.ts).toFixed(1)} s after the first SYN)` : ''}.`;
      const data = { rate, retransmissions: rtx, packets, maxSameSegment: chain + 1, phase: worstPhase, byPhase: Object.fromEntries(byPhase), irttMs: Number.isFinite(c.irtt) ? c.irtt * 1000 : null, server: c.server.ip, port: c.server.port };
      const filter: FilterSpec = { also: [ALSO.retransmission, ALSO.lostSegment, ALSO.duplicateAck] };
      const evidence = events.slice(0, 10).map((e) => ({ frame: e.frame, at: e.ts, what: e.what }));
      const frames = events.map((e) => e.frame).slice(0, 20);
      // Silence is not loss: one side that went completely quiet (no data, no ACKs) while the other
      // retransmits into the void is a dead path or a device that started dropping (path.lost).
      const silentSide = diedSide(v);
      if (failed && !explained && !mtuLike && (rate >= 0.2 || chain >= 2)) {
        const bothWays = rtxOf(c.client) > 0 && rtxOf(c.server) > 0;
        const confidence: Finding['confidence'] = silentSide ? 'low' : rate >= 0.3 && rtx >= 4 && (bothWays || chain >= 2) ? 'high' : 'medium';
        out.push(makeFinding({
          kind: PACKET_LOSS, conn: c, confidence, frames, at: events[events.length - 1]?.ts ?? c.end, filter, evidence, data,
          detail: `The connection never reached its final phase (stopped in ${phaseAt(v, c.lastFrame)}) and lost many packets on the way: ${text} Loss this heavy stalls the handshake until the client's timers give up (inferred).` +
            (silentSide ? ` But the ${silentSide} went completely silent (no data, no ACKs) while the other side kept retransmitting: that is a path that died or a device that started dropping, more than random loss.` : ''),
        }));
      } else if (rtx >= 5 && rate >= 0.05 && !mtuLike) {
        out.push(makeFinding({
          kind: RETRANSMISSION_STORM, conn: c, confidence: 'medium', frames, at: events[0]?.ts ?? c.start, filter, evidence, data,
          detail: `${text} ${failed ? (explained ? `The connection failed, but ${explained} explains it better.` : 'No protocol failure explains it, but the loss stays below the packet-loss thresholds.') : 'The session still reached its final phase: a degraded path, not the cause of a failure.'}`,
        }));
      }
    }
    return out;
  },
};

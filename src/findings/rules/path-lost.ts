/**
 * The path died after the session was up (protocol-facts §10 rows 28–29; inferred): one side
 * keeps probing — TCP keep-alives or retransmissions (§3.3) — and nothing comes back from the
 * other side any more, until it gives up (RST/FIN) or the capture ends. The silent side did not
 * close the connection (no FIN/RST from it). Cause path-lost.
 */
import { formatDuration } from '../../core/time.js';
import { SILENCE_SECONDS } from '../../session/close.js';
import type { ConnView, FindingContext } from '../context.js';
import { streamFilter } from '../context.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { dirOf, isRelevant, pastTls, phaseAt } from './tcp-phase.js';

export const PATH_LOST = kind({
  id: 'path.lost',
  title: 'The path stopped delivering packets after the session was up',
  severity: 'error',
  category: 'network-path',
  documented: false,
  cause: 'path-lost',
  rank: 60,
});

/** Sessions that fall silent within this long of each other went quiet "at the same moment". */
const SAME_MOMENT_SECONDS = 1;
/** Quiet sessions at the same moment from which the silence reads as a dead path, not idleness. */
const MANY_AT_ONCE = 3;

/**
 * Sessions that were up and then went completely silent — no data, no ACKs, no close from either
 * side — while the capture went on (session-end `silent`). An idle RDP session and a dead path look
 * the same from a point where nothing was sent into the silence; many sessions falling silent at the
 * same moment is a path or a device dropping everything.
 */
function silentSessions(ctx: FindingContext, done: Set<ConnView>): Finding[] {
  const quiet = ctx.conns.filter((v) => !done.has(v) && v.end?.kind === 'silent' && isRelevant(v) && ctx.captureEnd - v.conn.end > SILENCE_SECONDS);
  const out: Finding[] = [];
  for (const v of quiet) {
    const c = v.conn;
    const together = quiet.filter((o) => Math.abs(o.conn.end - c.end) <= SAME_MOMENT_SECONDS).length;
    const silence = ctx.captureEnd - c.end;
    const lastFrom = c.client.lastTime >= c.server.lastTime ? 'client' : 'server';
    out.push(makeFinding({
      kind: PATH_LOST, conn: c, confidence: together >= MANY_AT_ONCE ? 'medium' : 'low',
      frames: [c.lastFrame], at: c.end,
      detail:
        `The session was up (${phaseAt(v, c.lastFrame)} phase); after frame ${c.lastFrame} (last from the ${lastFrom}) neither side sent anything — no data, no ACKs, no FIN or RST — for the ${formatDuration(silence)} the capture went on` +
        (together > 1 ? `, and ${together - 1} other session(s) fell silent within a second of it` : '') +
        `. ${together >= MANY_AT_ONCE ? 'Many sessions going quiet at once is a path or device that stopped forwarding (inferred).' : 'From this capture point an idle session and a path that died look the same (nothing was sent into the silence): a capture on the other side, or a longer one, tells them apart.'}`,
      filter: `${streamFilter(c)} && frame.number>=${Math.max(1, c.lastFrame - 5)}`,
      evidence: [{ frame: c.lastFrame, at: c.end, what: `last packet of the connection (from the ${lastFrom})` }],
      data: { silentSide: 'both', silenceSec: silence, probes: 0, keepAlives: 0, phase: phaseAt(v, c.lastFrame), together, server: c.server.ip, port: c.server.port },
    }));
  }
  return out;
}

export const rule: Rule = {
  kinds: [PATH_LOST],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    const done = new Set<ConnView>();
    for (const v of ctx.conns) {
      const c = v.conn;
      if (c.transport !== 'tcp' || !v.rec || !isRelevant(v) || (!c.synAck && !v.end?.startedBeforeCapture) || !pastTls(v) && !v.end?.startedBeforeCapture) continue;
      for (const dir of [0, 1] as const) {
        const prober = dir === 0 ? c.client : c.server;
        const silent = dir === 0 ? c.server : c.client;
        const proberName = dir === 0 ? 'client' : 'server';
        const silentName = dir === 0 ? 'server' : 'client';
        // The silent side closed properly: not a path problem.
        if ((c.firstFin && c.firstFin.fromClient === (dir === 1) && c.firstFin.ts <= silent.lastTime) || c.rsts.some((r) => r.fromClient === (dir === 1))) continue;
        const probes = v.rec.timeline.events.filter((e) => dirOf(e) === dir && e.ts > silent.lastTime && (e.type === 'tcp.keep_alive' || e.type === 'tcp.retransmission'));
        if (probes.length < 2) continue;
        const span = probes[probes.length - 1]!.ts - probes[0]!.ts;
        if (span < 1) continue;
        const gaveUp = c.rsts.find((r) => r.fromClient === (dir === 0) && r.ts > silent.lastTime) ?? (c.firstFin && c.firstFin.fromClient === (dir === 0) && c.firstFin.ts > silent.lastTime ? c.firstFin : null);
        const silence = (gaveUp?.ts ?? Math.max(ctx.captureEnd, prober.lastTime)) - silent.lastTime;
        const kas = probes.filter((e) => e.type === 'tcp.keep_alive').length;
        const confidence: Finding['confidence'] = silence >= 3 && probes.length >= 2 && (gaveUp || ctx.captureEnd - silent.lastTime >= 5) ? 'high' : 'medium';
        done.add(v);
        out.push(makeFinding({
          kind: PATH_LOST, conn: c, confidence,
          frames: [silent.lastFrame, ...probes.map((e) => e.frame).slice(0, 10), ...(gaveUp ? [gaveUp.frame] : [])],
          at: probes[0]!.ts,
          detail:
            `The session was up (${phaseAt(v, silent.lastFrame)} phase, ${formatDuration(silent.lastTime - c.start)} in); the ${silentName}'s last packet is frame ${silent.lastFrame}. After it the ${proberName} sent ${probes.length} unanswered probe(s) (${kas} keep-alive(s), ${probes.length - kas} retransmission(s)) over ${formatDuration(span)}` +
            (gaveUp ? ` and gave up with ${'seq' in gaveUp ? 'RST' : 'FIN'} in frame ${gaveUp.frame}, ${formatDuration(silence)} after the ${silentName} fell silent` : `; nothing came back for ${formatDuration(silence)} until the end of the capture`) +
            `. The ${silentName} never closed the connection: the path stopped delivering packets (NAT/firewall state lost, VPN drop, link down — inferred).`,
          filter: { also: [`frame.number>=${silent.lastFrame}`] },
          evidence: [
            { frame: silent.lastFrame, at: silent.lastTime, what: `last packet from the ${silentName}` },
            ...probes.slice(0, 6).map((e) => ({ frame: e.frame, at: e.ts, what: `${e.type === 'tcp.keep_alive' ? 'keep-alive' : 'retransmission'} from the ${proberName}, unanswered` })),
            ...(gaveUp ? [{ frame: gaveUp.frame, at: gaveUp.ts, what: `the ${proberName} gives up` }] : []),
          ],
          data: { silentSide: silentName, silenceSec: silence, probes: probes.length, keepAlives: kas, phase: phaseAt(v, silent.lastFrame), server: c.server.ip, port: c.server.port },
        }));
      }
    }
    out.push(...silentSessions(ctx, done));
    return out;
  },
};

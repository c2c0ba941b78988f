/**
 * A TCP RST ending an RDP-ish connection (direct RDP, RD Gateway/TLS) at one of three stages:
 * after the X.224 Connection Request (protocol-facts §10 row 6), after the TLS ClientHello
 * (rows 10–11), or after the security handshake, mid-session (row 28). RST semantics are
 * documented (RFC 9293 §3.10.7, protocol-facts §3.2); who sent it is inferred from TTL, timing,
 * IP ID, options and bursts (§3.4, via tcp-rst-evidence.ts).
 *
 * Cause: middlebox-reset (rank 20) when a strong indicator says the RST was forged; otherwise
 * server-reset (rank 50 — a server's own reset right after the ClientHello is the Schannel
 * pattern the TLS rule explains better and outranks). A reset sent by the client itself, or
 * one that follows a protocol failure another rule explains (RDP_NEG_FAILURE, fatal alert,
 * CredSSP error…), is context only (cause null).
 */
import { formatDuration } from '../../core/time.js';
import type { ConnView, FindingContext } from '../context.js';
import { ALSO } from '../filters.js';
import { isRdpish } from '../context.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding, type FindingKind } from '../types.js';
import { phaseAt, protocolFailureBefore } from './tcp-phase.js';
import { judgeRst } from './tcp-rst-evidence.js';

const base = { severity: 'error', category: 'transport', documented: false, cause: 'server-reset', rank: 50 } as const;

export const RESET_AFTER_X224 = kind({ ...base, id: 'tcp.reset-after-x224', title: 'Connection reset after the X.224 Connection Request' });
export const RESET_AFTER_CLIENTHELLO = kind({ ...base, id: 'tcp.reset-after-clienthello', title: 'Connection reset after the TLS ClientHello' });
export const RESET_MIDSESSION = kind({ ...base, id: 'tcp.reset-midsession', title: 'Connection reset after the session was up' });

/** Rank of a reset the evidence attributes to a middlebox (forged). */
export const FORGED_RANK = 20;

type Stage = 'x224' | 'clienthello' | 'midsession';

/**
 * A connection whose handshake is not in the capture (the capture started mid-connection) but that
 * carried data both ways before the reset: an RDP session already under way, not a stray segment.
 */
export function startedBeforeCapture(v: ConnView): boolean {
  const c = v.conn;
  return c.syns.length === 0 && c.synAck === null && c.client.bytes > 0 && c.server.bytes > 0;
}

function stageOf(v: ConnView, rstFrame: number): Stage | null {
  const rec = v.rec!;
  if (startedBeforeCapture(v)) return 'midsession';
  const ch = rec.tls.clientHelloFrame;
  const done = rec.tls.handshakeComplete && rec.tls.handshakeComplete.frame < rstFrame;
  const later = ['credssp', 'mcs', 'secure-settings', 'licensing', 'capabilities', 'active', 'http-auth', 'tunnel', 'channel', 'inner-rdp'].some((p) => {
    const ph = rec.machine.phases.find((x) => x.name === p);
    return ph !== undefined && ph.frame < rstFrame;
  });
  if (done || later) return 'midsession';
  if (ch !== null && ch < rstFrame) return 'clienthello';
  const x = rec.machine.phases.find((p) => p.name === 'x224');
  if (x && x.frame < rstFrame) return 'x224';
  return null;
}

export const rule: Rule = {
  kinds: [RESET_AFTER_X224, RESET_AFTER_CLIENTHELLO, RESET_MIDSESSION],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      const c = v.conn;
      if (c.transport !== 'tcp' || !v.rec || !(isRdpish(v) || v.protocol === 'tls')) continue;
      // The handshake must be on the capture (a stray segment of an old connection answered by RST is not a session).
      const midStream = startedBeforeCapture(v);
      if ((!c.synAck && !midStream) || v.close.closeKind !== 'rst') continue;
      const rst = c.rsts[0];
      if (!rst) continue;
      const stage = stageOf(v, rst.frame);
      if (!stage) continue;
      const k: FindingKind = stage === 'x224' ? RESET_AFTER_X224 : stage === 'clienthello' ? RESET_AFTER_CLIENTHELLO : RESET_MIDSESSION;
      const j = judgeRst(v, rst);
      // Mid-session, a reset answering the other side's packet faster than the handshake RTT is
      // what a peer close looks like on a capture near that peer: timing alone does not convict.
      const strongKinds = new Set(j.indicators.filter((i) => i.strength === 'strong').map((i) => i.kind));
      const timingOnly = strongKinds.size === 1 && strongKinds.has('timing');
      const forged = j.verdict === 'middlebox' && !(stage === 'midsession' && timingOnly);
      const explained = protocolFailureBefore(v, rst.frame);
      const claimed = rst.fromClient ? 'client' : 'server';
      const other = rst.fromClient ? c.server : c.client;
      const sinceOther = other.lastFrame > 0 && other.lastFrame < rst.frame ? rst.ts - lastTsBefore(v, rst) : NaN;
      let cause: Finding['cause'];
      if (forged) cause = 'middlebox-reset';
      else if (rst.fromClient || explained) cause = null;
      else cause = 'server-reset';
      const strongCount = j.indicators.filter((i) => i.strength === 'strong').length;
      const confidence: Finding['confidence'] = forged
        ? strongCount >= 2 || j.indicators.some((i) => i.strength === 'strong' && (i.kind === 'ttl' || i.kind === 'leg'))
          ? 'high'
          : 'medium'
        : cause === 'server-reset'
          ? j.verdict === 'peer' ? (stage === 'midsession' && !j.matchesPeerStack ? 'medium' : 'high') : 'low'
          : 'medium';
      const conf: Finding['confidence'] = stage === 'midsession' && v.protocol === 'tls' ? 'low' : confidence;
      const phase = phaseAt(v, rst.frame);
      const stageText = midStream
        ? `in a session that was already under way when the capture started (no TCP handshake in the capture; ${c.client.bytes} bytes from the client and ${c.server.bytes} from the server before)`
        : stage === 'x224' ? 'after the X.224 Connection Request, before any TLS' : stage === 'clienthello' ? `after the TLS ClientHello (frame ${v.rec.tls.clientHelloFrame})${v.rec.tls.serverHelloFrame ? '' : ', no ServerHello'}` : `in the ${phase} phase, after the security handshake`;
      const trigger = stage === 'x224' ? v.rec.machine.phases.find((p) => p.name === 'x224')?.frame : stage === 'clienthello' ? v.rec.tls.clientHelloFrame : null;
      const verdictText = forged
        ? `Likely forged by a device in the path about ${j.hopsAway ?? '?'} hop(s) from the capture point, not by ${rst.fromClient ? c.client.ip : c.server.ip} (≈${j.peerHopsAway ?? '?'} hops)`
        : j.verdict === 'peer'
          ? `Consistent with the ${claimed}'s own stack (TTL ${rst.ttl} as its other packets${j.comparedWith === 'other-leg-copies' ? ' on the same leg' : ''}${j.matchesPeerStack ? ', IP ID continuing its counter' : ''}; ≈${j.hopsAway} hops away), or an in-path device indistinguishable from it`
          : 'Nothing on the same leg to compare the RST with: sender undetermined';
      const f = makeFinding({
        kind: k,
        conn: c,
        confidence: conf,
        cause,
        frames: [rst.frame, ...(trigger ? [trigger] : []), ...(j.refFrame ? [j.refFrame] : [])],
        at: rst.ts,
        title: forged ? `${k.title} — forged by a middlebox (inferred)` : rst.fromClient ? `${k.title} by the client` : undefined,
        detail:
          `RST (frame ${rst.frame}, TTL ${rst.ttl}, IP ID ${rst.ipId}, window ${rst.window}) claiming to come from the ${claimed} ${rst.fromClient ? `${c.client.ip}:${c.client.port}` : `${c.server.ip}:${c.server.port}`} ended the connection ${stageText}` +
          (Number.isFinite(sinceOther) ? `, ${(sinceOther * 1000).toFixed(1)} ms after the ${rst.fromClient ? 'server' : 'client'}'s last packet` : '') +
          (Number.isFinite(c.irtt) ? ` (handshake RTT ${(c.irtt * 1000).toFixed(1)} ms)` : '') +
          `, ${formatDuration(rst.ts - c.start)} into the connection. ${verdictText} (inferred).` +
          (j.indicators.length ? ` Indicators: ${j.indicators.map((i) => `${i.detail} [${i.strength}]`).join('; ')}.` : '') +
          (j.verdict === 'middlebox' && !forged ? ' Mid-session, a fast reset alone does not prove forgery (a capture close to the peer sees it answer within microseconds).' : '') +
          (explained ? ` It follows ${explained}, which explains the failure; the reset is its consequence.` : '') +
          (rst.fromClient && !forged && !explained ? ' The client ended the connection itself (it gave up or was closed); look at what it was waiting for.' : '') +
          (stage === 'clienthello' && !forged && !rst.fromClient && !v.rec.tls.serverHelloFrame ? ' A reset from the server\'s own stack right after the ClientHello, with no ServerHello or alert, is the pattern of Windows Schannel refusing the handshake (docs/findings).' : ''),
        filter: { also: [ALSO.reset, ALSO.syn] },
        evidence: [
          ...(j.refFrame ? [{ frame: j.refFrame, at: refTs(v, j.refFrame), what: `${rst.fromClient ? 'SYN' : 'SYN-ACK'} from the ${claimed}, TTL ${j.refTtl}` }] : []),
          ...(trigger ? [{ frame: trigger, at: refTs(v, trigger), what: stage === 'x224' ? 'X.224 Connection Request' : 'TLS ClientHello' }] : []),
          { frame: rst.frame, at: rst.ts, what: `RST "from" the ${claimed}, TTL ${rst.ttl} (≈${j.hopsAway ?? '?'} hops)` },
        ],
        data: {
          stage, phase, from: claimed, forged, verdict: j.verdict, rstTtl: rst.ttl, peerTtl: j.refTtl, hopsAway: j.hopsAway, peerHopsAway: j.peerHopsAway,
          indicators: j.indicators.map((i) => ({ kind: i.kind, strength: i.strength })), explainedBy: explained,
          server: c.server.ip, port: c.server.port, irttMs: Number.isFinite(c.irtt) ? c.irtt * 1000 : null,
          comparedWith: j.comparedWith, matchesPeerStack: j.matchesPeerStack, vantage: v.vantage.point, startedBeforeCapture: midStream,
        },
      });
      if (forged) f.rank = FORGED_RANK;
      out.push(f);
    }
    return out;
  },
};

function refTs(v: ConnView, frame: number): number {
  return v.rec?.timeline.events.find((e) => e.frame === frame)?.ts ?? v.conn.start;
}

/** Time of the other side's last packet before the RST (from its endpoint, when it precedes the RST). */
function lastTsBefore(v: ConnView, rst: { fromClient: boolean }): number {
  const other = rst.fromClient ? v.conn.server : v.conn.client;
  return other.lastTime;
}

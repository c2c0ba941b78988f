/**
 * The RD Gateway itself could not be reached (protocol-facts §8, §8.4, §10 rows 1–4 applied to
 * TCP 443): the TCP connection to the gateway was never established (SYN unanswered, refused),
 * or TLS to it never completed. The transport rules describe the TCP failure; this finding says
 * that the host was the gateway, so nothing beyond it (the RDP host) was tried. High confidence
 * when RDG traffic or the user's --server hint identify the gateway; low when only guessed from
 * port 443 in a capture without direct RDP.
 */
import type { FindingContext } from '../context.js';
import { CLOSES } from '../filters.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Confidence, type Finding } from '../types.js';
import { closeText, firstCloseFrame } from './rdp-finding-helpers.js';
import { gatewayLikelihood } from './gateway-finding-helpers.js';

export const GATEWAY_UNREACHABLE = kind({
  id: 'gateway.unreachable',
  title: 'The RD Gateway could not be reached',
  severity: 'error',
  category: 'gateway',
  documented: false,
  cause: 'gateway-unreachable',
  rank: 15,
});

export const rule: Rule = {
  kinds: [GATEWAY_UNREACHABLE],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      const c = v.conn;
      const likely = gatewayLikelihood(ctx, v);
      if (likely === 'no') continue;
      const t = v.rec?.tls;
      let what: string | null = null;
      let frames: number[] = [];
      let at = c.start;
      if (c.syns.length > 0 && !c.synAck) {
        const close = firstCloseFrame(v);
        what = close && !close.fromClient ? `the gateway answered the SYN with RST (frame ${close.frame})` : `${c.syns.length} SYN(s) to ${c.server.ip}:${c.server.port} got no answer`;
        frames = [...c.syns.map((s) => s.frame), ...(close ? [close.frame] : [])];
        at = close?.ts ?? c.syns[c.syns.length - 1]!.ts;
      } else if (t && t.clientHelloFrame !== null && t.serverHelloFrame === null && v.close.closeKind !== 'open' && !t.alerts.some((a) => a.from === 'server')) {
        what = `TCP connected but the TLS handshake never completed: the ClientHello (frame ${t.clientHelloFrame}) got no ServerHello and ${closeText(v)}`;
        frames = [t.clientHelloFrame, ...(v.close.frame !== null ? [v.close.frame] : [])];
        at = v.close.at ?? c.end;
      }
      if (!what) continue;
      // A later connection to the same gateway that worked makes this a transient failure.
      const later = ctx.conns.some((o) => o !== v && o.conn.server.ip === c.server.ip && o.conn.server.port === c.server.port && o.conn.firstFrame > c.firstFrame && o.rec?.tls.serverHelloFrame != null);
      const tcpStage = !c.synAck;
      const confidence: Confidence = later ? 'low' : likely === 'possible' ? (tcpStage ? 'medium' : 'low') : 'high';
      out.push(
        makeFinding({
          kind: GATEWAY_UNREACHABLE,
          conn: c,
          confidence,
          ...(later ? { cause: null } : {}),
          frames,
          at,
          detail:
            `Connection to the RD Gateway ${c.server.ip}:${c.server.port}${likely === 'possible' ? ' (assumed to be a gateway: TLS/443 in a capture without direct RDP)' : ''}: ${what}. ` +
            `The gateway was never reached, so the RDP host behind it was not contacted at all. Check the gateway's address/DNS, that it listens on ${c.server.port}, and firewalls on the way.` +
            (later ? ' A later connection to the same gateway got further.' : ''),
          filter: { also: CLOSES },
          evidence: frames.map((f) => ({ frame: f, at, what: f === frames[0] ? 'first packet of the failed attempt' : 'end of the attempt' })),
          data: { gateway: c.server.ip, port: c.server.port, likelihood: likely, stage: c.synAck ? 'tls' : 'tcp' },
        }),
      );
    }
    return out;
  },
};

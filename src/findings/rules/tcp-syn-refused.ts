/**
 * SYN answered by RST (RFC 9293 §3.10.7.1): nothing listens on the port, or a filtering
 * device resets on its behalf. The RST's TTL compared with other packets from the server
 * (when any) tells which (protocol-facts §3.4, inferred).
 */
import type { FindingContext } from '../context.js';
import { ALSO } from '../filters.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';

export const SYN_REFUSED = kind({
  id: 'tcp.syn-refused',
  title: 'TCP connection refused (SYN answered by RST)',
  severity: 'error',
  category: 'transport',
  documented: true,
  cause: 'tcp-connect-refused',
  rank: 10,
});

export const rule: Rule = {
  kinds: [SYN_REFUSED],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      const c = v.conn;
      if (c.transport !== 'tcp' || v.protocol === 'other' || c.synAck) continue;
      const rst = c.rsts.find((r) => !r.fromClient);
      const syn = c.syns[0];
      if (!rst || !syn) continue;
      const a = v.close.rst;
      const forged = a?.verdict === 'middlebox';
      out.push(
        makeFinding({
          kind: SYN_REFUSED,
          conn: c,
          confidence: 'high',
          frames: [syn.frame, rst.frame],
          at: rst.ts,
          detail:
            `${c.server.ip}:${c.server.port} answered the SYN (frame ${syn.frame}) with RST (frame ${rst.frame}, TTL ${rst.ttl}, ${((rst.ts - syn.ts) * 1000).toFixed(1)} ms later): ` +
            `nothing is listening on port ${c.server.port} at that address (service stopped, RDP disabled, listener on another port), or a firewall rejects with TCP resets.` +
            (a && a.indicators.length ? ` Reset attribution (inferred): ${a.indicators.map((i) => i.detail).join('; ')}.` : ''),
          filter: { also: [ALSO.syn, ALSO.reset] },
          evidence: [
            { frame: syn.frame, at: syn.ts, what: 'SYN' },
            { frame: rst.frame, at: rst.ts, what: `RST from ${c.server.ip} TTL ${rst.ttl} (≈${a?.hopsAway ?? '?'} hops)` },
          ],
          data: { rstTtl: rst.ttl, hopsAway: a?.hopsAway ?? null, forged, server: c.server.ip, port: c.server.port },
        }),
      );
    }
    return out;
  },
};

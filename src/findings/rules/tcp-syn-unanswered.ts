/**
 * SYN unanswered: the client's SYNs (same ISN) were retransmitted and nothing came back —
 * no SYN-ACK, no RST, no ICMP (protocol-facts §3.5, §10 row 1). The schedule of the
 * retransmissions tells the client's RTO and how long it tried.
 */
import { formatDuration } from '../../core/time.js';
import type { FindingContext } from '../context.js';
import { ALSO } from '../filters.js';
import { isRdpish } from '../context.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';

export const SYN_UNANSWERED = kind({
  id: 'tcp.syn-unanswered',
  title: 'TCP connection attempt never answered',
  severity: 'error',
  category: 'transport',
  documented: true,
  cause: 'tcp-connect-timeout',
  rank: 10,
});

export const rule: Rule = {
  kinds: [SYN_UNANSWERED],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      const c = v.conn;
      if (c.transport !== 'tcp' || c.syns.length === 0 || c.synAck || c.server.packets > 0) continue;
      if (!isRdpish(v) && v.protocol !== 'tls' && v.protocol !== 'kerberos') continue;
      // An ICMP error for this flow explains it better (icmp.unreachable).
      if (ctx.icmpFor(c).length > 0) continue;
      const first = c.syns[0]!;
      const last = c.syns[c.syns.length - 1]!;
      const gaps = c.syns.slice(1).map((s, i) => s.ts - c.syns[i]!.ts);
      const schedule = gaps.map((g) => `${g.toFixed(1)}s`).join(', ');
      const waited = Math.max(last.ts, c.end) - first.ts;
      const cutShort = ctx.captureEnd - last.ts < 3;
      out.push(
        makeFinding({
          kind: SYN_UNANSWERED,
          conn: c,
          confidence: c.syns.length >= 2 && !cutShort ? 'high' : 'medium',
          frames: c.syns.map((s) => s.frame),
          at: last.ts,
          detail:
            `${c.syns.length} SYN(s) from ${c.client.ip}:${c.client.port} to ${c.server.ip}:${c.server.port} over ${formatDuration(waited)}` +
            (gaps.length ? ` (retransmitted after ${schedule})` : '') +
            `; no SYN-ACK, RST or ICMP error came back. The host is down, the address is wrong, or a firewall drops the SYNs silently.` +
            (cutShort ? ' The capture ends soon after the last SYN, so the client may have kept trying.' : ''),
          filter: { also: [ALSO.syn] },
          evidence: c.syns.map((s, i) => ({ frame: s.frame, at: s.ts, what: i === 0 ? 'SYN' : `SYN retransmission #${i} (+${(s.ts - first.ts).toFixed(1)}s)` })),
          data: { syns: c.syns.length, schedule: gaps, waitedSec: waited, server: c.server.ip, port: c.server.port },
        }),
      );
    }
    return out;
  },
};

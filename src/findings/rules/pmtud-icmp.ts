/**
 * Path MTU discovery seen at work (protocol-facts §2.4 code 4, §2.5 type 2, §2.6, §10 row 13):
 * an ICMP "fragmentation needed" (IPv4 type 3 code 4, with the next-hop MTU) or ICMPv6 "Packet
 * Too Big" quoting a segment of a TCP flow.
 *  - `pmtud.working` (context, healthy): after the ICMP the sender re-sent the data in segments
 *    that fit the announced MTU, and the ICMPs stop.
 *  - `pmtud.ignored` (cause mtu-blackhole, medium): full-size segments keep coming — later
 *    ICMPs still quote datagrams larger than the MTU, or full-size retransmissions follow.
 * The ICMP meaning is documented; the reading of the sender's reaction is inferred.
 */
import type { IcmpError } from '../../reassembly/icmp-link.js';
import type { ConnView, FindingContext } from '../context.js';
import { type FilterSpec } from '../filters.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { mtuAdvice } from './mtu-advice.js';
import { retransmissions } from './mtu-blackhole.js';
import { isRelevant } from './tcp-phase.js';

export const PMTUD_WORKING = kind({
  id: 'pmtud.working',
  title: 'Path MTU discovery worked (ICMP "fragmentation needed" honoured)',
  severity: 'info',
  category: 'network-path',
  documented: true,
  cause: null,
  rank: 100,
});

export const PMTUD_IGNORED = kind({
  id: 'pmtud.ignored',
  title: 'ICMP "fragmentation needed" present but full-size segments keep coming',
  severity: 'error',
  category: 'network-path',
  documented: false,
  cause: 'mtu-blackhole',
  rank: 22,
});

export function isPtb(e: IcmpError): boolean {
  return e.v6 ? e.type === 2 : e.type === 3 && e.code === 4;
}

export const rule: Rule = {
  kinds: [PMTUD_WORKING, PMTUD_IGNORED],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    const byConn = new Map<ConnView, IcmpError[]>();
    for (const e of ctx.icmp) {
      if (!isPtb(e) || !e.connection || e.quotedProto !== 6) continue;
      const v = ctx.byConn.get(e.connection);
      if (!v) continue;
      const l = byConn.get(v) ?? [];
      l.push(e);
      byConn.set(v, l);
    }
    for (const [v, errs] of byConn) {
      const c = v.conn;
      const first = errs[0]!;
      const fromClient = first.quotedFromClient !== false;
      const snd = fromClient ? c.client : c.server;
      const sndName = fromClient ? 'client' : 'server';
      const mtus = errs.map((e) => e.mtu).filter((m) => m > 0);
      const mtu = mtus.length ? Math.min(...mtus) : 0;
      const hdr = c.v6 ? 60 : 40;
      const settle = Math.max(1, Number.isFinite(c.irtt) ? c.irtt * 3 : 0);
      const late = errs.filter((e) => e.ts - first.ts > settle && (mtu === 0 || e.quotedLength > mtu));
      const rtx = retransmissions(v, fromClient ? 0 : 1).filter((r) => r.ts >= first.ts);
      const fits = (len: number) => mtu > 0 && len + hdr <= mtu;
      const afterSmall = rtx.filter((r) => fits(r.length));
      const afterBig = rtx.filter((r) => mtu > 0 && r.length + hdr > mtu && r.ts - first.ts > settle);
      const continued = snd.lastTime > first.ts;
      const name = first.v6 ? 'ICMPv6 Packet Too Big' : 'ICMP type 3 code 4 "fragmentation needed and DF set"';
      const relevant = isRelevant(v);
      const data = {
        mtu, icmpCount: errs.length, reporter: first.reporter, reporterTtl: first.ttl, quotedLength: first.quotedLength, sender: sndName,
        clientMss: c.client.mss, serverMss: c.server.mss, server: c.server.ip, port: c.server.port,
      };
      const evidence = errs.slice(0, 8).map((e) => ({ frame: e.frame, at: e.ts, what: `${name} from ${e.reporter}: MTU ${e.mtu}, quoting a ${e.quotedLength}-byte datagram from the ${sndName}` }));
      const filter: FilterSpec = { also: [first.v6 ? 'icmpv6.type==2' : '(icmp.type==3 && icmp.code==4)'] };
      if (late.length > 0 || afterBig.length >= 2) {
        const advice = mtuAdvice(c.v6, null, first.quotedLength, mtu || null);
        out.push(makeFinding({
          kind: PMTUD_IGNORED, conn: c, confidence: relevant ? 'medium' : 'low',
          frames: [...errs.map((e) => e.frame), ...afterBig.map((r) => r.frame)].slice(0, 20),
          at: (late[0] ?? afterBig[0] ?? first).ts,
          detail:
            `${first.reporter} sent ${errs.length} ${name} message(s) (next-hop MTU ${mtu || 'not given'}) for ${first.quotedLength}-byte segments from the ${sndName}, yet ` +
            (late.length ? `${late.length} more arrived over ${(errs[errs.length - 1]!.ts - first.ts).toFixed(1)} s, each quoting a datagram larger than the MTU` : `${afterBig.length} full-size retransmission(s) followed`) +
            `: the ${sndName} does not lower its segment size (PMTUD ignored, ICMP not reaching the ${sndName}'s stack, or the ICMP concerns another hop — inferred). Recommendation: ${advice.text}.`,
          filter, evidence,
          data: { ...data, recommendedMtu: advice.recommendedMtu, recommendedMss: advice.recommendedMss, lostSize: first.quotedLength },
        }));
      } else if (afterSmall.length > 0 || continued) {
        out.push(makeFinding({
          kind: PMTUD_WORKING, conn: c, confidence: afterSmall.length > 0 || !v.rec ? 'high' : 'medium',
          frames: [...errs.map((e) => e.frame), ...afterSmall.map((r) => r.frame)].slice(0, 20),
          at: first.ts,
          detail:
            `${first.reporter} (TTL ${first.ttl}) answered a ${first.quotedLength}-byte segment from the ${sndName} with ${name}, next-hop MTU ${mtu || 'not given'}` +
            (errs.length > 1 ? ` (${errs.length} messages within ${((errs[errs.length - 1]!.ts - first.ts) * 1000).toFixed(1)} ms, one per segment in flight)` : '') +
            `; the ${sndName} then ${afterSmall.length ? `re-sent the data in smaller segments (${afterSmall.length} retransmission(s) of ≤ ${mtu - hdr} bytes)` : 'went on sending and no further ICMP came'}. Path MTU discovery works on this path (the path MTU is ${mtu}); not a cause.`,
          filter, evidence,
          data,
        }));
      }
    }
    return out;
  },
};

/**
 * RDP-UDP (MS-RDPEUDP) did not come up: the client's SYN datagram(s) to UDP 3389/3391 got no
 * SYN+ACK (protocol-facts §9.1; multitransport is optional, the session continues on TCP —
 * inferred). Context only: harmless when the TCP connection to the same server carries on;
 * when TCP fails as well the UDP failure is just another symptom of the same path problem.
 * When an ICMP port unreachable answered it, `udp.rdpudp-port-unreachable` says so instead.
 */
import type { FindingContext } from '../context.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { reachedFinal } from './tcp-phase.js';

export const RDPUDP_FAILED = kind({
  id: 'udp.rdpudp-failed',
  title: 'RDP-UDP transport not established (session stays on TCP)',
  severity: 'info',
  category: 'udp',
  documented: false,
  cause: null,
  rank: 100,
});

export const rule: Rule = {
  kinds: [RDPUDP_FAILED],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      const c = v.conn;
      if (c.transport !== 'udp' || v.protocol !== 'rdp-udp' || !v.rec) continue;
      const m = v.rec.machine;
      if (!m.has('syn') || m.has('syn-ack')) continue;
      if (ctx.icmpFor(c).length > 0) continue;
      const syns = v.rec.timeline.events.filter((e) => e.type === 'rdpudp.syn');
      const tcp = ctx.conns.filter((t) => t.conn.transport === 'tcp' && t.protocol === 'rdp' && t.conn.client.ip === c.client.ip && t.conn.server.ip === c.server.ip && t.conn.start <= c.end && t.conn.end >= c.start);
      const tcpOk = tcp.some((t) => reachedFinal(t) || t.conn.end > c.end);
      const both = tcp.length > 0 && !tcpOk;
      out.push(makeFinding({
        kind: RDPUDP_FAILED, conn: c, confidence: syns.length >= 2 ? 'high' : 'medium',
        frames: syns.map((e) => e.frame).slice(0, 10),
        at: syns[0]?.ts ?? c.start,
        title: both ? 'RDP-UDP not established, and the TCP connection failed too' : undefined,
        detail:
          `The client sent ${syns.length} RDP-UDP SYN datagram(s) from ${c.client.ip}:${c.client.port} to ${c.server.ip}:${c.server.port} (frames ${syns.slice(0, 5).map((e) => e.frame).join(', ')}) and got no SYN+ACK (${c.server.packets} datagram(s) back). ` +
          (tcp.length === 0
            ? 'No TCP RDP connection to the same server is in the capture.'
            : tcpOk
              ? `The TCP connection (${tcp.map((t) => t.conn.id).join(', ')}) carried on, so the session simply stays on TCP: harmless (UDP 3389 is blocked or not enabled on the server).`
              : `The TCP connection (${tcp.map((t) => t.conn.id).join(', ')}) failed as well: the UDP failure is another symptom, not the cause.`),
        filter: {},
        data: { syns: syns.length, tcpCarriedOn: tcpOk, bothFailed: both, server: c.server.ip, port: c.server.port },
      }));
    }
    return out;
  },
};

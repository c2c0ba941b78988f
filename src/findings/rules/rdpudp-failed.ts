/**
 * RDP-UDP transport never came up (MS-RDPEUDP 1.3.2.1, 3.1.5.1.1; protocol-facts §9.1, §9.2,
 * §10 row 5): the client's SYN datagrams (snSourceAck −1, RDPUDP_FLAG_SYN) got no SYN+ACK. The
 * session stays on TCP, so this is context, harmless unless TCP failed as well.
 */
import type { FindingContext } from '../context.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { reachedActive } from './rdp-finding-helpers.js';

export const RDPUDP_FAILED = kind({
  id: 'rdpudp.failed',
  title: 'RDP over UDP did not start (the session stays on TCP)',
  severity: 'info',
  category: 'udp',
  documented: true,
  cause: null,
  rank: 100,
});

export const rule: Rule = {
  kinds: [RDPUDP_FAILED],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    for (const v of ctx.conns) {
      const rec = v.rec;
      if (v.protocol !== 'rdp-udp' || !rec) continue;
      if (!rec.machine.has('syn') || rec.machine.has('syn-ack')) continue;
      const syns = rec.timeline.events.filter((e) => e.type === 'rdpudp.syn');
      if (syns.length === 0) continue;
      const c = v.conn;
      const icmp = [...ctx.icmpFor(c)];
      const tcp = ctx.conns.filter((o) => o.protocol === 'rdp' && o.conn.client.ip === c.client.ip && o.conn.server.ip === c.server.ip);
      const tcpOk = tcp.some(reachedActive);
      out.push(
        makeFinding({
          kind: RDPUDP_FAILED,
          conn: c,
          confidence: 'high',
          frames: [...syns.map((s) => s.frame), ...icmp.map((i) => i.frame)],
          at: syns[syns.length - 1]!.ts,
          detail:
            `${syns.length} RDP-UDP SYN datagram(s) from ${c.client.ip}:${c.client.port} to UDP ${c.server.port} got no SYN+ACK` +
            (icmp.length ? ` (ICMP errors came back: frame ${icmp.map((i) => i.frame).join(', ')})` : '') +
            `: UDP ${c.server.port} is blocked or not enabled on the server. ` +
            (tcpOk ? 'The TCP connection reached the active phase, so the session simply stayed on TCP (harmless; UDP only improves responsiveness).' : 'This does not break a connection by itself; look at the TCP connection for the failure.'),
          filter: {},
          evidence: syns.slice(0, 5).map((s, i) => ({ frame: s.frame, at: s.ts, what: i === 0 ? 'RDP-UDP SYN' : `RDP-UDP SYN retransmission #${i}` })),
          data: { syns: syns.length, icmp: icmp.length, tcpSessionActive: tcpOk },
        }),
      );
    }
    return out;
  },
};

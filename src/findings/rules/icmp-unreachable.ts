/**
 * ICMP / ICMPv6 Destination Unreachable (incl. administratively prohibited) quoting a packet
 * of an RDP, RD Gateway/TLS or Kerberos flow (protocol-facts §2.4, §2.5, §10 rows 3–5). The
 * codes are documented (RFC 792/1812/4443); reading them as the reason the connection failed
 * is inferred. The reporter is the ICMP's outer source; its TTL gives a rough distance.
 *
 * Port unreachable for UDP 3389/3391 is the RDP-UDP side channel being closed: context only
 * (`udp.rdpudp-port-unreachable`), harmless when TCP works (§10 row 5).
 * Fragmentation needed / Packet Too Big are left to the PMTUD rules.
 */
import { icmpv4, icmpv6 } from '../../codes/icmp.js';
import type { Connection } from '../../reassembly/connection.js';
import type { IcmpError } from '../../reassembly/icmp-link.js';
import { hopsFromTtl } from '../../session/rst-attribution.js';
import type { ConnView, FindingContext } from '../context.js';
import { type FilterSpec } from '../filters.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { isRelevant } from './tcp-phase.js';

export const ICMP_UNREACHABLE = kind({
  id: 'icmp.unreachable',
  title: 'Destination unreachable reported by ICMP',
  severity: 'error',
  category: 'network-path',
  documented: true,
  cause: 'icmp-unreachable',
  rank: 10,
});

export const RDPUDP_PORT_UNREACHABLE = kind({
  id: 'udp.rdpudp-port-unreachable',
  title: 'RDP-UDP port unreachable (session stays on TCP)',
  severity: 'info',
  category: 'udp',
  documented: true,
  cause: null,
  rank: 100,
});

const RELEVANT_PORTS = new Set([3389, 3391, 443, 88]);
const RDPUDP_PORTS = new Set([3389, 3391]);

export function isUnreachable(e: IcmpError): boolean {
  return e.v6 ? e.type === 1 : e.type === 3 && e.code !== 4;
}
function isPortUnreachable(e: IcmpError): boolean {
  return e.v6 ? e.type === 1 && e.code === 4 : e.type === 3 && e.code === 3;
}
function isAdmin(e: IcmpError): boolean {
  return e.v6 ? e.type === 1 && (e.code === 1 || e.code === 5 || e.code === 6) : e.type === 3 && (e.code === 9 || e.code === 10 || e.code === 13);
}
export function icmpName(e: IcmpError): string {
  return (e.v6 ? icmpv6(e.type, e.code) : icmpv4(e.type, e.code)).text;
}

export const rule: Rule = {
  kinds: [ICMP_UNREACHABLE, RDPUDP_PORT_UNREACHABLE],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    // Group by connection (or by quoted 5-tuple when the flow is not in the capture).
    const groups = new Map<string, { v: ConnView | null; errs: IcmpError[] }>();
    for (const e of ctx.icmp) {
      if (!isUnreachable(e)) continue;
      const v = e.connection ? ctx.byConn.get(e.connection) ?? null : null;
      const relevant = v ? isRelevant(v) : RELEVANT_PORTS.has(e.quotedDstPort) && (e.quotedProto === 6 || e.quotedProto === 17);
      if (!relevant) continue;
      const key = v ? `c${v.conn.id}` : `${e.quotedSrc}|${e.quotedDst}|${e.quotedProto}|${e.quotedSrcPort}|${e.quotedDstPort}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { v, errs: [] }));
      g.errs.push(e);
    }
    for (const { v, errs } of groups.values()) {
      const e = errs[0]!;
      const c = v?.conn ?? null;
      const udp = e.quotedProto === 17;
      const name = icmpName(e);
      const hops = hopsFromTtl(e.ttl);
      const dst = `${e.quotedDst}:${e.quotedDstPort}`;
      const reporterIsTarget = e.reporter === e.quotedDst;
      const frames = errs.map((x) => x.frame);
      const codes = [...new Set(errs.map((x) => `${x.type}/${x.code}`))];
      const data = {
        type: e.type, code: e.code, v6: e.v6, codeName: name, reporter: e.reporter, reporterTtl: e.ttl, reporterHops: hops,
        reporterIsTarget, server: e.quotedDst, port: e.quotedDstPort, transport: udp ? 'udp' : 'tcp', count: errs.length, codes,
        quotedFromClient: e.quotedFromClient,
      };
      const filter: FilterSpec = c ? {} : { base: e.v6 ? 'icmpv6' : 'icmp' };
      const evidence = errs.slice(0, 10).map((x) => ({ frame: x.frame, at: x.ts, what: `${icmpName(x)} from ${x.reporter} (TTL ${x.ttl}) for ${x.quotedSrc}:${x.quotedSrcPort} → ${x.quotedDst}:${x.quotedDstPort}` }));
      if (udp && isPortUnreachable(e) && RDPUDP_PORTS.has(e.quotedDstPort)) {
        out.push(makeFinding({
          kind: RDPUDP_PORT_UNREACHABLE, conn: c, confidence: 'high', frames, at: e.ts, filter, evidence, data,
          detail: `${e.reporter} answered the RDP-UDP datagram(s) to ${dst} with "${name}" (${errs.length}×, frames ${frames.slice(0, 5).join(', ')}): nothing listens on UDP ${e.quotedDstPort} there, so the client stays on TCP. Harmless when the TCP connection works (docs/findings).`,
        }));
        continue;
      }
      // How strong is the link to the failure?
      let confidence: Finding['confidence'];
      let tail: string;
      if (!c) {
        confidence = 'low';
        tail = ' The quoted packet is not in this capture (the ICMP may concern another capture point or be forged): treat with caution.';
      } else if (c.transport === 'tcp' && !c.synAck) {
        confidence = 'high';
        tail = ` The connection never got a SYN-ACK${c.syns.length ? ` (${c.syns.length} SYN(s))` : ''}: the ICMP error is the answer the client got.`;
      } else if (c.transport === 'tcp') {
        confidence = 'medium';
        tail = ' The connection had been established; the error arrived during the session (a route or filter change).';
      } else {
        confidence = e.quotedFromClient === false ? 'low' : 'medium';
        tail = udp && e.quotedDstPort === 88 ? ' Kerberos over UDP failed here; the client may fall back to TCP 88 or another KDC.' : '';
      }
      // A retry that got through (Kerberos falling back from UDP to TCP 88, a new connection that
      // was answered): the error is not what the client ended with; what the retry got is.
      const retry = c ? retryAnswered(ctx, c, e.ts) : null;
      if (retry) {
        confidence = 'low';
        tail += ` The client retried: ${retry.transport.toUpperCase()} connection from ${retry.client.ip}:${retry.client.port} to ${retry.server.ip}:${retry.server.port} (frame ${retry.firstFrame}) was answered, so this error is not the cause; what the retry got is.`;
      }
      const kindText = isAdmin(e)
        ? 'a filtering device (ACL "reject") blocks this traffic'
        : isPortUnreachable(e)
          ? `nothing listens on ${udp ? 'UDP' : 'TCP'} ${e.quotedDstPort} at ${e.quotedDst}`
          : 'a routing or neighbour-resolution (ARP/ND) failure at the reporting router';
      out.push(makeFinding({
        kind: ICMP_UNREACHABLE, conn: c, confidence, frames, at: e.ts, filter, evidence,
        data: { ...data, retryAnswered: retry ? retry.id : null },
        ...(retry ? { cause: null } : {}),
        title: `${name} from ${e.reporter}${retry ? ' (a retry got through)' : ''}`,
        detail:
          `${e.reporter} (TTL ${e.ttl}, ≈${hops} hop(s) from the capture point — initial TTLs 64/128/255 assumed, UNVERIFIED) answered ${e.quotedFromClient === false ? 'the server\'s' : 'the client\'s'} ${udp ? 'UDP datagram' : 'TCP segment'} to ${dst} with ICMP${e.v6 ? 'v6' : ''} type ${e.type} code ${e.code} "${name}"` +
          (errs.length > 1 ? ` (${errs.length} times, frames ${frames.slice(0, 6).join(', ')}${frames.length > 6 ? '…' : ''})` : ` (frame ${e.frame})`) +
          `: ${kindText}` + (reporterIsTarget ? ` — the target host itself sent it (host firewall or closed port)` : '') + '.' + tail,
      }));
    }
    return out;
  },
};

/** Within this many seconds after the error, a retry to the same service counts. */
const RETRY_SECONDS = 120;

/** A later connection from the same client to the same server and port (either transport) that got an answer. */
function retryAnswered(ctx: FindingContext, c: Connection, after: number): Connection | null {
  for (const o of ctx.conns) {
    const x = o.conn;
    if (x === c || x.start < after || x.start - after > RETRY_SECONDS) continue;
    if (x.client.ip !== c.client.ip || x.server.ip !== c.server.ip || x.server.port !== c.server.port) continue;
    if (x.transport === 'tcp' ? x.synAck && x.server.bytes > 0 : x.server.packets > 0) return x;
  }
  return null;
}

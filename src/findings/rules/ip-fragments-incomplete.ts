/**
 * IP fragment sets that never completed (protocol-facts §2.3, §3.6 last paragraph, §10 row 14):
 * fragments with the same ID where the first or last piece, or a middle range, never arrived
 * within the reassembly timeout (Linux 30 s; IPv6 60 s; Windows UNVERIFIED) or before the end of
 * the capture. Reassembly rules are documented (RFC 791/8200); blaming a path device is inferred.
 * Cause ip-fragment-loss when it hits Kerberos (88), RDP-UDP (3389/3391) or the RDP/gateway
 * flows; context otherwise. An ICMP "fragment reassembly time exceeded" for the set is quoted.
 */
import type { IncompleteFragments } from '../../reassembly/ip-defrag.js';
import type { FindingContext } from '../context.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Finding } from '../types.js';
import { isRelevant } from './tcp-phase.js';

export const FRAGMENTS_INCOMPLETE = kind({
  id: 'ip.fragments-incomplete',
  title: 'IP fragments never reassembled',
  severity: 'error',
  category: 'network-path',
  documented: true,
  cause: 'ip-fragment-loss',
  rank: 22,
});

const PORTS = new Set([88, 3389, 3391, 443]);
const PROTO: Record<number, string> = { 6: 'TCP', 17: 'UDP', 1: 'ICMP', 58: 'ICMPv6' };

export const rule: Rule = {
  kinds: [FRAGMENTS_INCOMPLETE],
  run(ctx: FindingContext): Finding[] {
    const out: Finding[] = [];
    const groups = new Map<string, IncompleteFragments[]>();
    for (const fr of ctx.fragments) {
      const key = `${fr.src}>${fr.dst}/${fr.proto}/${fr.srcPort}/${fr.dstPort}`;
      const l = groups.get(key) ?? [];
      l.push(fr);
      groups.set(key, l);
    }
    for (const sets of groups.values()) {
      const f0 = sets[0]!;
      // The flow these fragments belong to (same addresses, ports when the first fragment showed them).
      const conn = ctx.conns.find((v) => {
        const c = v.conn;
        const pair = (c.client.ip === f0.src && c.server.ip === f0.dst) || (c.client.ip === f0.dst && c.server.ip === f0.src);
        if (!pair || (f0.proto !== 6 && f0.proto !== 17) || c.transport !== (f0.proto === 6 ? 'tcp' : 'udp')) return false;
        if (f0.srcPort || f0.dstPort) return [c.client.port, c.server.port].includes(f0.srcPort) && [c.client.port, c.server.port].includes(f0.dstPort);
        return isRelevant(v) && f0.firstTs >= c.start - 1 && f0.firstTs <= c.end + 1;
      }) ?? null;
      const relevant = (conn !== null && isRelevant(conn)) || PORTS.has(f0.srcPort) || PORTS.has(f0.dstPort);
      const icmp = ctx.icmp.filter((e) => (e.v6 ? e.type === 3 : e.type === 11) && e.code === 1 && ((e.quotedSrc === f0.src && e.quotedDst === f0.dst) || (e.quotedSrc === f0.dst && e.quotedDst === f0.src)));
      const maxWait = Math.max(...sets.map((s) => s.waited));
      const strong = sets.filter((s) => s.reason === 'timeout' || s.waited >= 2);
      const confidence: Finding['confidence'] = !relevant ? 'low' : strong.length >= 1 && (sets.length >= 2 || icmp.length > 0 || strong.some((s) => s.reason === 'timeout')) ? 'high' : strong.length >= 1 ? 'medium' : 'low';
      const proto = PROTO[f0.proto] ?? `protocol ${f0.proto}`;
      const ports = f0.srcPort || f0.dstPort ? ` ${f0.srcPort} → ${f0.dstPort}` : ' (ports unknown: the first fragment is missing)';
      const describe = (s: IncompleteFragments) =>
        `ID 0x${s.id.toString(16)}: got ${s.seen.map((p) => `offset ${p.offset}+${p.length}${p.more ? '' : ' (last)'} [frame ${p.frame}]`).join(', ')}; ${s.hasFirst ? '' : 'first fragment missing; '}${s.hasLast ? '' : 'last fragment missing; '}` +
        (s.reason === 'timeout' ? `no completion within the ${s.v6 ? 60 : 30} s reassembly timeout` : s.reason === 'memory' ? 'dropped for memory' : `still incomplete ${s.waited.toFixed(1)} s later at the end of the capture`);
      const frames = sets.flatMap((s) => s.seen.map((p) => p.frame));
      out.push(makeFinding({
        kind: FRAGMENTS_INCOMPLETE,
        conn: conn?.conn ?? null,
        confidence,
        cause: relevant ? 'ip-fragment-loss' : null,
        frames: [...frames, ...icmp.map((e) => e.frame)],
        at: f0.firstTs,
        detail:
          `${sets.length} fragmented ${proto} datagram(s) from ${f0.src} to ${f0.dst}${ports} never completed — ${sets.slice(0, 4).map(describe).join(' | ')}${sets.length > 4 ? ' | …' : ''}.` +
          (icmp.length ? ` ${icmp[0]!.reporter} sent ICMP "fragment reassembly time exceeded" (frame ${icmp[0]!.frame}).` : '') +
          (relevant
            ? ` ${f0.srcPort === 88 || f0.dstPort === 88 ? 'These are Kerberos replies: without them the client cannot get its ticket (it may retry, fall back to TCP 88 or to NTLM).' : 'They belong to an RDP-related flow.'} Fragments are being dropped in the path (a firewall/NAT discarding non-first fragments, or an MTU mismatch on a tunnel) — inferred.`
            : ' Not an RDP, gateway or Kerberos flow: context only.'),
        filter: { base: `${f0.v6 ? 'ipv6' : 'ip'}.addr==${f0.src} && ${f0.v6 ? 'ipv6' : 'ip'}.addr==${f0.dst}`, also: [f0.v6 ? 'ipv6.fragment' : '(ip.flags.mf==1 || ip.frag_offset>0)'] },
        evidence: sets.slice(0, 6).flatMap((s) => s.seen.slice(0, 3).map((p) => ({ frame: p.frame, at: s.firstTs, what: `fragment ID 0x${s.id.toString(16)} offset ${p.offset}, ${p.length} bytes${p.more ? ', more fragments' : ', last'}` }))),
        data: {
          sets: sets.length, src: f0.src, dst: f0.dst, proto: f0.proto, srcPort: f0.srcPort, dstPort: f0.dstPort, waitedSec: maxWait,
          missingFirst: sets.some((s) => !s.hasFirst), missingLast: sets.some((s) => !s.hasLast), icmpTimeExceeded: icmp.length > 0,
          firstFragmentLength: sets.find((s) => s.hasFirst)?.seen.find((p) => p.offset === 0)?.length ?? null, server: conn?.conn.server.ip ?? f0.src,
        },
      }));
    }
    return out;
  },
};

/**
 * Scans, brute force and password spraying (inferred): one source opening many RDP connections
 * to a server that end before the MCS phase — for NLA, the keyless failed-logon signature
 * (X.224 selects HYBRID/HYBRID_EX, TLS completes, a few CredSSP-sized records go back and forth,
 * then a close within seconds), often all with the same mstshash cookie. Internet-facing servers'
 * captures are full of these. Context only: the finding names the source, the count, the time
 * span and the signature, and says what dominates the capture; the verdict stays on the user's
 * attempt (--client, or the attempts of other sources).
 */
import { formatDuration, isoTime } from '../../core/time.js';
import type { ConnView, FindingContext } from '../context.js';
import { isRdpish } from '../context.js';
import { kind, type Rule } from '../rule.js';
import { makeFinding, type Confidence, type Finding } from '../types.js';

export const SCAN_ACTIVITY = kind({
  id: 'scan.activity',
  title: 'Many short failed RDP connections from one source: a scan, brute force or password spraying',
  severity: 'warning',
  category: 'authentication',
  documented: false,
  cause: null,
  rank: 95,
});

/** At least this many early-ending connections from one source to one server. */
export const SCAN_MIN_CONNECTIONS = 20;
/** A connection ending this soon after its SYN, before MCS, is a probe or one logon try. */
const SHORT_SECONDS = 10;

type Shape = 'failed-nla' | 'pre-tls' | 'tls-only';

/** How an early-ending RDP connection looks (null: it got to MCS, or did not end). */
export function earlyShape(v: ConnView): Shape | null {
  const rec = v.rec;
  if (!rec || v.protocol !== 'rdp') return null;
  const m = rec.machine;
  if (m.seen('mcs') || m.has('active') || m.seen('secure-settings')) return null;
  if (v.close.closeKind === 'open') return null;
  if (v.conn.end - v.conn.start > SHORT_SECONDS) return null;
  const sel = rec.rdp.selectedProtocol;
  const hc = rec.tls.handshakeComplete;
  if ((sel === 2 || sel === 8) && hc) return 'failed-nla';
  if (hc) return 'tls-only';
  return 'pre-tls';
}

/** Sources whose early-ending connections reach the scan threshold (for the verdict's focus). */
export function scanSources(findings: readonly Finding[]): Set<string> {
  const s = new Set<string>();
  for (const f of findings) if (f.id === SCAN_ACTIVITY.id && typeof f.data['source'] === 'string') s.add(f.data['source']);
  return s;
}

export const rule: Rule = {
  kinds: [SCAN_ACTIVITY],
  run(ctx: FindingContext): Finding[] {
    const groups = new Map<string, { src: string; dst: string; all: ConnView[]; early: ConnView[]; shapes: Record<Shape, number>; cookies: Map<string, number> }>();
    let rdpTotal = 0;
    for (const v of ctx.conns) {
      if (!isRdpish(v)) continue;
      rdpTotal++;
      const key = `${v.conn.client.ip}>${v.conn.server.ip}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { src: v.conn.client.ip, dst: v.conn.server.ip, all: [], early: [], shapes: { 'failed-nla': 0, 'pre-tls': 0, 'tls-only': 0 }, cookies: new Map() }));
      g.all.push(v);
      const shape = earlyShape(v);
      if (!shape) continue;
      g.early.push(v);
      g.shapes[shape]++;
      const cookie = v.rec?.rdp.cookie;
      if (cookie) g.cookies.set(cookie, (g.cookies.get(cookie) ?? 0) + 1);
    }
    const out: Finding[] = [];
    for (const g of groups.values()) {
      if (g.early.length < SCAN_MIN_CONNECTIONS || g.early.length * 4 < g.all.length * 3) continue;
      const first = g.early[0]!;
      const last = g.early[g.early.length - 1]!;
      const span = last.conn.end - first.conn.start;
      const [topCookie, topCookieCount] = [...g.cookies.entries()].sort((a, b) => b[1] - a[1])[0] ?? [null, 0];
      const sameCookie = topCookie !== null && topCookieCount >= g.early.length * 0.9;
      const nla = g.shapes['failed-nla'];
      const share = rdpTotal > 0 ? g.all.length / rdpTotal : 1;
      const durations = g.early.map((v) => v.conn.end - v.conn.start).sort((a, b) => a - b);
      const median = durations[durations.length >> 1]!;
      const closers = { client: 0, server: 0 };
      for (const v of g.early) if (v.close.closedBy === 'client' || v.close.closedBy === 'server') closers[v.close.closedBy]++;
      const signature =
        nla > 0
          ? `${nla} with the failed-NLA signature (X.224 selects HYBRID, TLS completes, CredSSP round trips, then the connection is closed — by the client ${closers.client}×, by the server ${closers.server}× — before any MCS Connect; median ${median.toFixed(1)} s from SYN to close)`
          : `${g.shapes['pre-tls']} ended before TLS and ${g.shapes['tls-only']} right after it (median ${median.toFixed(1)} s)`;
      const what = nla >= g.early.length / 2 ? (sameCookie ? 'password guessing (brute force or spraying) against one account name' : 'password guessing (brute force or spraying)') : 'a scan (probing connections that never log on)';
      const confidence: Confidence = g.early.length >= 50 || (nla >= SCAN_MIN_CONNECTIONS && sameCookie) ? 'high' : 'medium';
      out.push(
        makeFinding({
          kind: SCAN_ACTIVITY,
          conn: null,
          confidence,
          frames: [first.conn.firstFrame, last.conn.firstFrame],
          at: first.conn.start,
          detail:
            `${g.all.length} RDP connection(s) from ${g.src} to ${g.dst} between ${isoTime(first.conn.start)} and ${isoTime(last.conn.end)} (${formatDuration(span)}); ${g.early.length} of them ended within seconds before the MCS phase, ${signature}` +
            `${sameCookie ? `, all carrying the same mstshash cookie (${topCookieCount}×)` : ''}. This looks like ${what} (inferred). ` +
            `This source accounts for ${Math.round(share * 100)} % of the RDP connections in the capture${share >= 0.5 ? ' and dominates it' : ''}. ` +
            `The verdict is about the other sources' attempts when there are any; give --client with the user's address to judge theirs. If the server faces the internet, restrict 3389 (VPN or RD Gateway), enable account lockout, and check the Security log (event 4625) for this source.`,
          filter: `ip.src==${g.src} && ip.dst==${g.dst} && tcp.flags.syn==1 && tcp.flags.ack==0`.replace(/ip\./g, first.conn.v6 ? 'ipv6.' : 'ip.'),
          evidence: [
            { frame: first.conn.firstFrame, at: first.conn.start, what: `first of ${g.early.length} short connections from ${g.src}` },
            { frame: last.conn.firstFrame, at: last.conn.start, what: `last of them, ${formatDuration(span)} later` },
          ],
          data: { source: g.src, server: g.dst, connections: g.all.length, early: g.early.length, failedNla: nla, spanSec: span, medianSec: median, sameCookie, cookie: sameCookie ? topCookie : null, share, closedByClient: closers.client, closedByServer: closers.server },
        }),
      );
    }
    return out;
  },
};

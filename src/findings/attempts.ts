/**
 * Groups connections into connection attempts as a user experiences them: RDP and gateway
 * connections between the same client and server that follow each other within seconds
 * (negotiation retries, reconnects), with the Kerberos exchanges and RDP-UDP flows around them.
 */
import type { ConnView, FindingContext } from './context.js';
import { isRdpish } from './context.js';

/** A new attempt starts when the previous one ended more than this long before. */
export const ATTEMPT_GAP_SECONDS = 30;
/** Kerberos traffic this long before an attempt belongs to it (ticket requests precede NLA). */
export const KERBEROS_LEAD_SECONDS = 120;

export interface Attempt {
  id: number;
  /** The RDP-ish connections in order. */
  connections: ConnView[];
  /** Kerberos, RDP-UDP and other related flows in the attempt's time window (built when first read). */
  readonly related: ConnView[];
  start: number;
  end: number;
  client: string;
  server: string;
  /** Whether the attempt ended with a working session. */
  succeeded: boolean;
  /** The connection whose end decides the attempt's outcome (the last one). */
  final: ConnView;
}

function reachedActive(v: ConnView): boolean {
  const m = v.rec?.machine;
  if (!m) return false;
  if (m.has('active')) return true;
  if (v.rec?.inner?.machine.has('active')) return true;
  return false;
}

/** A server-ended session this soon after activation did not really work (see server.set-error-info). */
export const QUICK_END_SECONDS = 15;

export function succeeded(v: ConnView): boolean {
  if (!reachedActive(v)) return false;
  const rec = v.rec!;
  for (const r of [rec, rec.inner]) {
    if (!r) continue;
    const active = r.machine.phases.find((p) => p.name === 'active');
    for (const e of r.rdp.errorInfo) {
      if (e.value === 0) continue;
      if (e.value !== 0x0c && e.value !== 0x0b && e.value !== 0x03 && e.value !== 0x04 && e.value !== 0x05) return false;
    }
  }
  return true;
}

/**
 * A server-initiated disconnect (errorInfo 0xB, RPC-initiated by user) within seconds of
 * activation: a normal admin disconnect and a logon refused inside the session look the same
 * on the wire, so a "healthy" verdict must say so and not be confident.
 */
export function quickServerDisconnect(v: ConnView): { seconds: number; frame: number; value: number } | null {
  const rec = v.rec;
  if (!rec) return null;
  for (const r of [rec, rec.inner]) {
    if (!r) continue;
    const active = r.machine.phases.find((p) => p.name === 'active');
    if (!active) continue;
    for (const e of r.rdp.errorInfo) {
      if (e.value !== 0x0b) continue;
      const ev = r.timeline.events.find((x) => x.frame === e.frame && x.type === 'rdp.set_error_info');
      if (ev && ev.ts - active.ts >= 0 && ev.ts - active.ts <= QUICK_END_SECONDS) return { seconds: ev.ts - active.ts, frame: e.frame, value: e.value };
    }
  }
  return null;
}

/**
 * The part of an attempt up to a moment (--failed-at): a reconnect storm from one client groups into
 * one attempt, but the user's failure is the connection(s) around the moment they name, not a
 * later reconnect that worked.
 */
export function attemptUpTo(a: Attempt, t: number): Attempt {
  const conns = a.connections.filter((v) => v.conn.start <= t + 5);
  if (conns.length === 0 || conns.length === a.connections.length) return a;
  const final = conns[conns.length - 1]!;
  const related = a.related;
  return {
    id: a.id, connections: conns, related, start: a.start, end: Math.max(...conns.map((v) => v.conn.end)), client: a.client, server: a.server,
    succeeded: succeeded(final), final,
  };
}

function lowerBound(list: ConnView[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.conn.start < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function groupAttempts(ctx: FindingContext): Attempt[] {
  // Related flows, sorted by start once; an attempt takes its window by binary search when asked
  // (only the verdict's attempt is: copying every window was quadratic on busy captures).
  let sortedRelated: ConnView[] | null = null;
  const relatedFlows = (): ConnView[] =>
    (sortedRelated ??= ctx.conns
      .filter((v) => !isRdpish(v) && (v.protocol === 'kerberos' || v.protocol === 'rdp-udp' || v.protocol === 'tls'))
      .sort((x, y) => x.conn.start - y.conn.start));
  const rdp = ctx.conns.filter(isRdpish).sort((a, b) => a.conn.start - b.conn.start);
  const attempts: Attempt[] = [];
  const lastByPair = new Map<string, Attempt>();
  for (const v of rdp) {
    const client = v.conn.client.ip;
    const server = v.conn.server.ip;
    const last = lastByPair.get(`${client}>${server}`);
    if (last && v.conn.start - last.end <= ATTEMPT_GAP_SECONDS) {
      last.connections.push(v);
      last.end = Math.max(last.end, v.conn.end);
      last.final = v;
    } else {
      const a = newAttempt(attempts.length + 1, v, relatedFlows);
      attempts.push(a);
      lastByPair.set(`${client}>${server}`, a);
    }
  }
  for (const a of attempts) a.succeeded = succeeded(a.final);
  return attempts;
}

function newAttempt(id: number, v: ConnView, relatedFlows: () => ConnView[]): Attempt {
  let related: ConnView[] | null = null;
  return {
    id, connections: [v], start: v.conn.start, end: v.conn.end, client: v.conn.client.ip, server: v.conn.server.ip, succeeded: false, final: v,
    get related(): ConnView[] {
      if (related === null) {
        const flows = relatedFlows();
        related = [];
        for (let i = lowerBound(flows, this.start - KERBEROS_LEAD_SECONDS); i < flows.length && flows[i]!.conn.start <= this.end + 5; i++) related.push(flows[i]!);
      }
      return related;
    },
  };
}

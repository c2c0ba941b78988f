/**
 * Small shared helpers for the protocol-level rules: hex formatting, frame → time lookup on a
 * connection's timeline, how a connection ended in words, and retries of the same client to
 * the same server on new connections within seconds (protocol-facts §4.4, §10.1 step 1).
 */
import { rdpProtocolNames } from '../../codes/rdp-protocols.js';
import { formatHex } from '../../codes/table.js';
import type { ConnView, FindingContext } from '../context.js';

export function hex(n: number, digits = 8): string {
  return formatHex(n >>> 0, digits);
}

/** Capture time of a frame of this connection (timeline event, else the connection start). */
export function tsOf(v: ConnView, frame: number | null | undefined): number {
  if (frame === null || frame === undefined) return v.conn.start;
  const evs = v.rec?.timeline.events ?? [];
  for (const e of evs) if (e.frame === frame) return e.ts;
  if (v.conn.synAck?.frame === frame) return v.conn.synAck.ts;
  for (const s of v.conn.syns) if (s.frame === frame) return s.ts;
  for (const r of v.conn.rsts) if (r.frame === frame) return r.ts;
  if (v.conn.firstFin?.frame === frame) return v.conn.firstFin.ts;
  return v.conn.start;
}

/** "PROTOCOL_SSL|PROTOCOL_HYBRID (0x00000003)" or "PROTOCOL_RDP (0x00000000)". */
export function protocolsText(mask: number | null): string {
  if (mask === null) return 'none (no RDP_NEG_REQ)';
  const names = mask === 0 ? ['PROTOCOL_RDP'] : rdpProtocolNames(mask);
  return `${names.join('|')} (${hex(mask)})`;
}

/** How and by whom the TCP connection ended, in words, with the frame. */
export function closeText(v: ConnView): string {
  const c = v.close;
  const who = c.closedBy === 'third-party' ? 'a third party (forged reset, see reset attribution)' : c.closedBy ?? 'nobody';
  switch (c.closeKind) {
    case 'fin':
      return `the ${who} closed the connection with FIN (frame ${c.frame})`;
    case 'rst':
      return `the ${who} reset the connection (RST frame ${c.frame})`;
    case 'alert':
      return `the ${who} sent a fatal TLS alert (frame ${c.frame}) before the close`;
    case 'dpu':
      return `the ${who} sent an MCS Disconnect Provider Ultimatum (frame ${c.frame}) before the close`;
    case 'silence':
      return `the connection went silent (last frame ${c.frame})`;
    case 'open':
      return 'the connection was still open when the capture ended';
    default:
      return `the connection ended (${c.closeKind})`;
  }
}

/** Frame of the first TCP FIN or RST, whichever came first (null when neither). */
export function firstCloseFrame(v: ConnView): { frame: number; ts: number; fromClient: boolean; kind: 'fin' | 'rst' } | null {
  const fin = v.conn.firstFin;
  const rst = v.conn.rsts[0];
  if (fin && (!rst || fin.frame < rst.frame)) return { frame: fin.frame, ts: fin.ts, fromClient: fin.fromClient, kind: 'fin' };
  if (rst) return { frame: rst.frame, ts: rst.ts, fromClient: rst.fromClient, kind: 'rst' };
  return null;
}

/** Last phase the connection's state machine reached ("x224", "tls", "credssp"…), with the frame. */
export function lastPhase(v: ConnView): { name: string; frame: number; inferred: boolean } | null {
  const p = v.rec?.machine.phases;
  if (!p || p.length === 0) return null;
  const last = p[p.length - 1]!;
  return { name: last.name, frame: last.frame, inferred: last.inferred };
}

/** Whether the connection (or its tunnelled inner connection) reached the active phase. */
export function reachedActive(v: ConnView): boolean {
  return !!(v.rec?.machine.has('active') || v.rec?.inner?.machine.has('active'));
}

/** One-line outcome of a connection for retry notes. */
export function outcomeText(v: ConnView): string {
  const rdp = v.rec?.rdp;
  if (rdp?.negotiation === 'failure') return `failed again with RDP_NEG_FAILURE code ${rdp.negFailure ?? '?'}`;
  if (reachedActive(v)) return 'reached the active phase (the retry worked)';
  const lp = lastPhase(v);
  return `stopped after phase '${lp?.name ?? 'none'}' (${closeText(v)})`;
}

export interface RetryInfo {
  view: ConnView;
  requestedProtocols: number | null;
  outcome: string;
  succeeded: boolean;
}

/** Seconds after a connection's end within which a new connection counts as its retry. */
export const RETRY_WINDOW_SECONDS = 15;

/** Later RDP connections from the same client to the same server and port, started within seconds. */
export function retriesOf(ctx: FindingContext, v: ConnView, windowSec = RETRY_WINDOW_SECONDS): RetryInfo[] {
  const c = v.conn;
  return ctx.conns
    .filter(
      (o) =>
        o !== v &&
        o.protocol === 'rdp' &&
        o.conn.client.ip === c.client.ip &&
        o.conn.server.ip === c.server.ip &&
        o.conn.server.port === c.server.port &&
        o.conn.start >= c.start &&
        o.conn.firstFrame > c.firstFrame &&
        o.conn.start - c.end <= windowSec,
    )
    .sort((a, b) => a.conn.firstFrame - b.conn.firstFrame)
    .map((o) => ({ view: o, requestedProtocols: o.rec?.rdp.requestedProtocols ?? null, outcome: outcomeText(o), succeeded: reachedActive(o) }));
}

/** Sentence describing the first retry, or '' when none. */
export function retrySentence(retries: RetryInfo[], requested: number | null): string {
  const r = retries[0];
  if (!r) return '';
  const changed = r.requestedProtocols !== requested;
  return (
    ` The client retried on a new connection (port ${r.view.conn.client.port}, frame ${r.view.conn.firstFrame})` +
    (changed ? ` with requestedProtocols ${protocolsText(r.requestedProtocols)}` : ' with the same requestedProtocols') +
    ` and that retry ${r.outcome}.`
  );
}

/** An earlier RDP connection of the same client to the same server that ended within seconds before this one started. */
export function previousConnection(ctx: FindingContext, v: ConnView, windowSec = RETRY_WINDOW_SECONDS): ConnView | null {
  const c = v.conn;
  const prev = ctx.conns
    .filter((o) => o !== v && o.protocol === 'rdp' && o.conn.client.ip === c.client.ip && o.conn.server.ip === c.server.ip && o.conn.firstFrame < c.firstFrame && c.start - o.conn.end <= windowSec)
    .sort((a, b) => b.conn.firstFrame - a.conn.firstFrame);
  return prev[0] ?? null;
}

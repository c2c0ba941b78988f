/**
 * What rules see: every connection with its session record and close information, ICMP
 * errors, incomplete fragment sets, capture-loss indicators and the user's hints. Rules read
 * only this (decoded events and connection records), never packets.
 */
import { ipv4ToString } from '../core/addr.js';
import type { Connection } from '../reassembly/connection.js';
import type { TrafficEngine } from '../reassembly/engine.js';
import type { IcmpError } from '../reassembly/icmp-link.js';
import type { IncompleteFragments } from '../reassembly/ip-defrag.js';
import { closeInfo, type CloseInfo } from '../session/close.js';
import type { ConnectionRecord } from '../session/connection-record.js';
import type { Session } from '../session/session.js';
import type { EventRecord } from '../evtx/event.js';
import { sessionEnd, type SessionEnd } from '../session/session-end.js';
import { vantageOf, type Vantage } from '../session/vantage.js';

export interface ConnView {
  conn: Connection;
  rec: ConnectionRecord | null;
  close: CloseInfo;
  protocol: string;
  /** Where this connection was captured (session/vantage.ts): rules judge timing and TTLs from there. */
  vantage: Vantage;
  /** How a session that was up ended (session/session-end.ts); null when it never was up. */
  end: SessionEnd | null;
}

export interface FindingContext {
  conns: ConnView[];
  byConn: Map<Connection, ConnView>;
  icmp: IcmpError[];
  /** The ICMP errors that quote each connection (so rules need not scan every error per connection). */
  icmpFor(c: Connection): readonly IcmpError[];
  fragments: IncompleteFragments[];
  /** Packets the capture itself lost (pcapng ISB / live), null when unknown. */
  captureDrops: number | null;
  /** "ACKed unseen segment" count over the whole capture: the capture missed packets. */
  ackedUnseen: number;
  captureStart: number;
  captureEnd: number;
  failedAt: number | null;
  serverHint: string | null;
  /** The user's machine (--client): the verdict chooses among its attempts. */
  clientHint: string | null;
  /** Finished connections let go over the retention limit (not diagnosed), and connections finished early (table full). */
  notDiagnosed: number;
  closedEarly: number;
  /** Frame-number prefix when several files were read (file index → label). */
  files: string[];
  /** RDP-relevant event-log records given with --events (src/evtx), empty when none. */
  events?: readonly EventRecord[];
}

export interface ContextOptions {
  failedAt?: number | null;
  server?: string | null;
  client?: string | null;
  captureDrops: number | null;
  files: string[];
  events?: readonly EventRecord[];
}

export function buildContext(engine: TrafficEngine, session: Session | null, opts: ContextOptions): FindingContext {
  const captureEnd = Number.isFinite(engine.stats.lastTs) ? engine.stats.lastTs : 0;
  const conns: ConnView[] = [];
  const byConn = new Map<Connection, ConnView>();
  let ackedUnseen = 0;
  for (const c of engine.flows.all) {
    const rec = session?.record(c) ?? null;
    const vantage = vantageOf(c);
    const close = closeInfo(c, rec, captureEnd, vantage);
    const v: ConnView = { conn: c, rec, close, protocol: rec?.protocol ?? 'other', vantage, end: sessionEnd(c, rec, close) };
    conns.push(v);
    byConn.set(c, v);
    ackedUnseen += c.client.ackedUnseen + c.server.ackedUnseen;
  }
  const icmpBy = new Map<Connection, IcmpError[]>();
  for (const e of engine.icmpErrors) {
    if (!e.connection) continue;
    const list = icmpBy.get(e.connection);
    if (list) list.push(e);
    else icmpBy.set(e.connection, [e]);
  }
  const none: readonly IcmpError[] = [];
  return {
    conns,
    byConn,
    icmp: engine.icmpErrors,
    icmpFor: (c) => icmpBy.get(c) ?? none,
    fragments: engine.defrag.incomplete,
    captureDrops: opts.captureDrops,
    ackedUnseen,
    captureStart: Number.isFinite(engine.stats.firstTs) ? engine.stats.firstTs : 0,
    captureEnd,
    failedAt: opts.failedAt ?? null,
    serverHint: opts.server ?? null,
    clientHint: opts.client ?? null,
    notDiagnosed: engine.flows.retired,
    closedEarly: engine.closedEarly,
    files: opts.files,
    events: opts.events ?? [],
  };
}

/** Connections that are part of an RDP attempt (direct, gateway, or tunnelled). */
export function isRdpish(v: ConnView): boolean {
  return v.protocol === 'rdp' || v.protocol === 'rdp-gateway';
}

/** Kept for rules written before filters.ts: prefer `filter: { also, tls }` in makeFinding. */
export { conversationFilter as streamFilter, framesFilter } from './filters.js';

export { ipv4ToString };

/** An IP address as the user may give it (IPv4, IPv6, optionally with a port). */
export function hintAddress(hint: string | null): string | null {
  if (!hint) return null;
  const h = hint.trim().replace(/^\[([^\]]+)\](:\d+)?$/, '$1');
  if (/^\d{1,3}(\.\d{1,3}){3}(:\d+)?$/.test(h)) return h.split(':')[0]!;
  if (/^[0-9a-f:]+$/i.test(h) && h.includes(':') && h.split(':').length > 2) return h.toLowerCase();
  return null;
}

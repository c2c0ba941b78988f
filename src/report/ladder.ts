/**
 * Ladders: the handshake of each RDP-ish connection as phases (terminal) and as arrows between
 * client, path and server (Markdown lists, HTML SVG), grouped by the verdict's attempts. Data
 * only; the words come from messages.ts.
 */
import { formatDuration } from '../core/time.js';
import { closeStepLabel, endLabel, INNER_LADDER, ladderHeader, phaseDetail, stepLabel } from './messages.js';
import type { ConnectionReport, Report } from './model.js';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const FOLLOWED = new Set(['rdp', 'rdp-gateway', 'kerberos', 'rdp-udp']);

export function isLadderConnection(c: ConnectionReport): boolean {
  return FOLLOWED.has(String(c['protocol'])) || (c['protocol'] === 'tls' && Array.isArray(c['phases']));
}

/** The terminal's compact ladder: one row per phase reached. */
export function renderLadder(c: ConnectionReport): string[] {
  const x = c as Any;
  const out: string[] = [ladderHeader(c)];
  for (const p of (x.phases ?? []) as Any[]) out.push(`   ${phaseRow(x, p)}`);
  if (x.inner) {
    out.push(`   ${INNER_LADDER(x.inner.phase)}`);
    for (const p of (x.inner.phases ?? []) as Any[]) out.push(`     ${phaseRow(x.inner, p, false)}`);
  }
  return out;
}

function phaseRow(x: Any, p: Any, withOffset = true): string {
  const off = withOffset && typeof p.offsetSec === 'number' ? formatDuration(p.offsetSec).padStart(9) + '  ' : '';
  const d = phaseDetail(x, p.name);
  return `${off}f${String(p.frame).padEnd(6)} ${String(p.name).padEnd(16)}${p.inferred ? ' (inferred)' : ''}${d ? '  ' + d : ''}`;
}

export type Column = 'client' | 'path' | 'server';

export interface LadderStep {
  connection: number;
  frame: number;
  at: string;
  /** Epoch seconds (microsecond precision from the ISO time). */
  ts: number;
  from: Column;
  to: Column;
  label: string;
  /** The point of failure: the last frame the verdict's evidence cites in this connection. */
  failure: boolean;
  /** The verdict's evidence cites this frame. */
  evidence: boolean;
  /** The step that ended the connection. */
  close: boolean;
}

export interface AttemptLadder {
  id: number;
  title: string;
  connections: ConnectionReport[];
  steps: LadderStep[];
  failed: boolean;
}

/** At most this many arrows per connection (the first ones and the last ones are kept). */
export const MAX_STEPS_PER_CONNECTION = 40;

/** Epoch seconds from an ISO time with up to nanosecond digits (Date keeps milliseconds only). */
export function isoToEpoch(s: string): number {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(s);
  if (!m) return Date.parse(s) / 1000;
  return Date.parse(m[1] + 'Z') / 1000 + (m[2] ? Number('0.' + m[2]) : 0);
}

/** The frames the verdict cites, per connection. */
function verdictFrames(r: Report): Map<number, Set<number>> {
  const out = new Map<number, Set<number>>();
  const v = r['verdict'] as Any | undefined;
  if (!v) return out;
  const findings = ((r['findings'] as Any[] | undefined) ?? []) as Any[];
  const byId = new Map<string, Any[]>();
  for (const f of findings) byId.set(f.id, [...(byId.get(f.id) ?? []), f]);
  for (const e of (v.evidence ?? []) as Any[]) {
    const conn = (byId.get(e.finding) ?? []).find((f) => (f.frames as number[]).includes(e.frame))?.connection ?? v.connection;
    if (conn === null || conn === undefined) continue;
    if (!out.has(conn)) out.set(conn, new Set());
    out.get(conn)!.add(e.frame);
  }
  return out;
}

export function ladderSteps(c: ConnectionReport, failureFrames: Set<number> = new Set()): LadderStep[] {
  const x = c as Any;
  const steps: LadderStep[] = [];
  const seen = new Set<string>();
  const middlebox = x.reset?.verdict === 'middlebox' ? x.reset.frame : null;
  const failurePoint = failureFrames.size ? Math.max(...failureFrames) : -1;
  for (const e of (x.events ?? []) as Any[]) {
    const label = stepLabel(e);
    if (label === null) continue;
    const key = `${e.frame}:${label}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const toServer = e.dir !== 's→c';
    let from: Column = toServer ? 'client' : 'server';
    const to: Column = toServer ? 'server' : 'client';
    if (e.type === 'tcp.rst' && e.frame === middlebox) from = 'path';
    steps.push({ connection: c.id, frame: e.frame, at: e.at, ts: isoToEpoch(e.at), from, to, label, failure: e.frame === failurePoint, evidence: failureFrames.has(e.frame), close: e.frame === x.closeFrame && /^(tcp\.(rst|fin)|tls\.alert|mcs\.|rdp\.dpu)/.test(e.type) });
  }
  if (steps.length > MAX_STEPS_PER_CONNECTION) {
    const head = steps.slice(0, MAX_STEPS_PER_CONNECTION - 10);
    const tail = steps.slice(-10);
    steps.length = 0;
    steps.push(...head, ...tail);
  }
  // Frames the verdict cites that no step shows (e.g. an ICMP error, a decrypted error PDU).
  for (const f of failureFrames) {
    if (steps.some((s) => s.frame === f)) continue;
    const ev = ((x.events ?? []) as Any[]).find((e) => e.frame === f);
    if (!ev) continue;
    steps.push({ connection: c.id, frame: f, at: ev.at, ts: isoToEpoch(ev.at), from: ev.dir === 's→c' ? 'server' : 'client', to: ev.dir === 's→c' ? 'client' : 'server', label: String(ev.type), failure: f === failurePoint, evidence: true, close: false });
  }
  steps.sort((a, b) => a.frame - b.frame);
  return steps;
}

/** One ladder per attempt of the verdict (or per followed connection when there is no verdict). */
export function attemptLadders(r: Report): AttemptLadder[] {
  const byId = new Map(r.connections.map((c) => [c.id, c]));
  const frames = verdictFrames(r);
  const v = r['verdict'] as Any | undefined;
  const attempts = ((v?.attempts ?? []) as Any[]).filter((a) => (a.connections as number[]).some((n) => byId.has(n)));
  const out: AttemptLadder[] = [];
  const covered = new Set<number>();
  for (const a of attempts) {
    const conns = (a.connections as number[]).map((n) => byId.get(n)).filter((c): c is ConnectionReport => c !== undefined);
    for (const c of conns) covered.add(c.id);
    out.push({
      id: a.id,
      title: `Attempt ${a.id}: ${a.client} → ${a.server}`,
      connections: conns,
      steps: conns.flatMap((c) => ladderSteps(c, frames.get(c.id))),
      failed: !a.succeeded,
    });
  }
  if (out.length === 0) {
    let n = 0;
    for (const c of r.connections.filter(isLadderConnection)) {
      if (covered.has(c.id)) continue;
      n++;
      out.push({ id: n, title: `Connection #${c.id}: ${c.client.ip} → ${c.server.ip}`, connections: [c], steps: ladderSteps(c, frames.get(c.id)), failed: false });
    }
  }
  return out;
}

export { closeStepLabel, endLabel };

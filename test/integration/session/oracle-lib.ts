/**
 * Shared by the session-layer proof tests: running the full pipeline on a capture, reading
 * per-frame facts out of the report (from the connection facts and the event timeline), and
 * reading the same facts out of tshark for a frame-by-frame comparison.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFiles, type AnalyzeOptions } from '../../../src/analyze.js';
import type { ConnectionReport, Report } from '../../../src/report/model.js';
import { REPO } from '../../helpers/shared.js';
import { tshark } from '../../helpers/tshark.js';

export const LAB = join(REPO, 'captures', 'lab');
export const HAVE_LAB = existsSync(LAB);

export interface EventOut {
  type: string;
  frame: number;
  at: string;
  dir?: string;
  decrypted?: boolean;
  detail: Record<string, unknown>;
}

export interface PhaseOut {
  name: string;
  frame: number;
  at: string;
  inferred: boolean;
}

/** The session fields of a connection, as the report writes them (loosely typed for tests). */
export type Conn = ConnectionReport & {
  protocol: string;
  phase: string | null;
  phases: PhaseOut[];
  closedBy: string | null;
  closeKind: string;
  closeFrame: number | null;
  reset?: { frame: number; claimedFrom: string; verdict: string; indicators: unknown[]; rstTtl: number; peerTtl: number | null };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  rdp?: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  tls?: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  credssp?: any;
  ntlm?: { messages: { type: string; frame: number }[] } & Record<string, unknown>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  kerberos?: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  rdg?: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  inner?: any;
  decrypted?: boolean;
  events?: EventOut[];
};

const cache = new Map<string, Promise<Report>>();

/** analyzeFiles with redaction off (the tests compare names), memoised per file+options. */
export function analyze(file: string, opts: AnalyzeOptions = {}): Promise<Report> {
  const key = JSON.stringify([file, opts]);
  let p = cache.get(key);
  if (!p) {
    p = analyzeFiles([file], { redact: false, ...opts });
    cache.set(key, p);
  }
  return p;
}

export function conns(r: Report): Conn[] {
  return r.connections as Conn[];
}

/** Connections the session layer followed. */
export function followed(r: Report): Conn[] {
  return conns(r).filter((c) => c.protocol !== 'other');
}

export function lastPhase(c: Conn): string | null {
  return c.phases.length ? c.phases[c.phases.length - 1]!.name : null;
}

export function phaseNames(c: Conn): string[] {
  return c.phases.map((p) => `${p.name}@${p.frame}${p.inferred ? '?' : ''}`);
}

/** Every event of every connection, with the connection it came from. */
export function allEvents(r: Report): { c: Conn; e: EventOut }[] {
  const out: { c: Conn; e: EventOut }[] = [];
  for (const c of conns(r)) for (const e of c.events ?? []) out.push({ c, e });
  return out;
}

/* ------------------------------------------------------------------ tshark ---------- */

export interface TsharkRow {
  frame: number;
  srcPort: number | null;
  dstPort: number | null;
  udp: boolean;
  f: Record<string, string[]>;
}

/** Runs tshark with -T fields (all occurrences, ',' between them) and returns the rows that have any of the fields. */
export async function tsharkFields(file: string, fields: string[], extra: string[] = []): Promise<TsharkRow[]> {
  const args = ['-r', file, ...extra, '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=,', '-e', 'frame.number', '-e', 'tcp.srcport', '-e', 'tcp.dstport', '-e', 'udp.srcport', '-e', 'udp.dstport'];
  for (const f of fields) args.push('-e', f);
  const r = await tshark(args);
  const rows: TsharkRow[] = [];
  for (const line of r.stdout.split('\n')) {
    if (!line) continue;
    const cols = line.split('\t');
    const vals = cols.slice(5);
    if (!vals.some((v) => v !== '')) continue;
    const f: Record<string, string[]> = {};
    fields.forEach((name, i) => {
      const v = vals[i] ?? '';
      f[name] = v === '' ? [] : v.split(',');
    });
    const tsp = cols[1] ? Number(cols[1].split(',')[0]) : null;
    const tdp = cols[2] ? Number(cols[2].split(',')[0]) : null;
    const usp = cols[3] ? Number(cols[3].split(',')[0]) : null;
    const udp2 = cols[4] ? Number(cols[4].split(',')[0]) : null;
    rows.push({ frame: Number(cols[0]), srcPort: tsp ?? usp, dstPort: tdp ?? udp2, udp: tsp === null && usp !== null, f });
  }
  return rows;
}

export const num = (s: string): number => (s.startsWith('0x') ? parseInt(s, 16) : Number(s));

/** Set comparison: agreement = |A∩B| / |A∪B|, with what each side has alone. */
export function compareSets(ours: Iterable<string>, theirs: Iterable<string>): { agree: number; total: number; onlyOurs: string[]; onlyTshark: string[] } {
  const a = new Set(ours);
  const b = new Set(theirs);
  const onlyOurs = [...a].filter((x) => !b.has(x)).sort();
  const onlyTshark = [...b].filter((x) => !a.has(x)).sort();
  const total = new Set([...a, ...b]).size;
  return { agree: total - onlyOurs.length - onlyTshark.length, total, onlyOurs, onlyTshark };
}

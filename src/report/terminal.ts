/**
 * Terminal rendering: the verdict first, then the capture summary and its warnings, the
 * connection table (cli-table3, or a narrow layout when the full one does not fit) and the
 * handshake ladders. Prose is wrapped to the width; words come from messages.ts.
 */
import Table from 'cli-table3';
import { isLadderConnection, renderLadder } from './ladder.js';
import {
  CONNECTION_COLUMNS, HEADINGS, captureFacts, captureProblems, connectionSummary, connectionsHeading, warningText, warningsNotListed,
} from './messages.js';
import { renderVerdict } from './verdict-text.js';
import { renderAggregates } from './aggregates-text.js';
import type { ConnectionReport, Report, WarningReport } from './model.js';
import { displayWidth, wrapLines } from './wrap.js';

export interface TextOptions {
  /** Show every connection, not only the first `limit`. */
  all?: boolean;
  limit?: number;
  /** Wrap to this many columns (default 80). */
  width?: number;
}

/** Warnings listed one by one in the terminal (errors first); the rest are counted by kind. */
export const TEXT_WARNINGS = 20;

export function renderText(r: Report, opts: TextOptions = {}): string {
  const width = Math.max(40, opts.width ?? 80);
  const out: string[] = [];
  const prose = (lines: string[]): void => {
    out.push(...wrapLines(lines, width));
  };
  prose(renderVerdict(r));
  prose(captureFacts(r).map((f) => `${f.label}: ${f.value}`));
  prose(renderWarnings(r));
  out.push('');
  const conns = r.connections;
  const limit = opts.all ? conns.length : (opts.limit ?? 40);
  const shown = pickShown(conns, limit);
  prose([connectionsHeading(conns.length + r.capture.connectionsNotListed, shown.length)]);
  if (shown.length > 0) out.push(...connectionTable(shown, width));
  prose(renderAggregates(r.aggregates));
  const ladders = conns.filter(isLadderConnection);
  if (ladders.length > 0) {
    out.push('');
    out.push(`${HEADINGS.ladders}:`);
    for (const c of ladders.slice(0, opts.all ? ladders.length : 30)) prose(renderLadder(c));
    if (!opts.all && ladders.length > 30) out.push(`  … ${ladders.length - 30} more (--all)`);
  }
  return out.join('\n') + '\n';
}

export function renderWarnings(r: Report): string[] {
  const c = r.capture;
  const problems = captureProblems(r);
  if (problems.length === 0 && c.warningCount === 0) return [];
  const out: string[] = [`${HEADINGS.warnings}:`];
  for (const p of problems) out.push(`  - ${p.text}`);
  const ordered = orderWarnings(c.warnings);
  for (const w of ordered.slice(0, TEXT_WARNINGS)) out.push(`  - ${warningText(w)}`);
  if (ordered.length > TEXT_WARNINGS) {
    out.push(`  … ${ordered.length - TEXT_WARNINGS} more: ${countByKind(ordered.slice(TEXT_WARNINGS))} (--format json, markdown or html lists them)`);
  }
  const notKept = warningsNotListed(r);
  if (notKept) out.push(`  ${notKept}`);
  return out;
}

/** Errors before warnings, then in frame order. */
export function orderWarnings(ws: WarningReport[]): WarningReport[] {
  return [...ws].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) || a.frame - b.frame);
}

export function countByKind(ws: WarningReport[]): string {
  const m = new Map<string, number>();
  for (const w of ws) m.set(`${w.severity} (${w.protocol})`, (m.get(`${w.severity} (${w.protocol})`) ?? 0) + 1);
  return [...m].map(([k, n]) => `${n} ${k}`).join(', ');
}

/** The full table when it fits, else only the narrow columns, else one entry per connection. */
function connectionTable(shown: ConnectionReport[], width: number): string[] {
  for (const cols of [CONNECTION_COLUMNS, CONNECTION_COLUMNS.filter((c) => c.narrow)]) {
    const t = new Table({ head: cols.map((c) => c.head), style: { head: [], border: [] } });
    for (const x of shown) t.push(cols.map((c) => c.cell(x)));
    const lines = t.toString().split('\n');
    if (lines.every((l) => displayWidth(l) <= width)) {
      if (cols.length === CONNECTION_COLUMNS.length) return lines;
      return [...lines, ...wrapLines(shown.map((x) => `#${x.id}: ${connectionSummary(x)}`), width)];
    }
  }
  const out: string[] = [];
  for (const x of shown) {
    const head = CONNECTION_COLUMNS.filter((c) => c.narrow).map((c) => c.cell(x));
    out.push(...wrapLines([`#${head[0]} ${head[1]} ${head[2]} → ${head[3]} ${head[4]}`, `    ${connectionSummary(x)}`], width));
  }
  return out;
}

/** RDP-ish connections first, then the rest in order, up to `limit`. */
export function pickShown(conns: ConnectionReport[], limit: number): ConnectionReport[] {
  if (conns.length <= limit) return conns;
  const rdp = conns.filter((c) => c['protocol'] !== undefined && c['protocol'] !== 'other');
  const rest = conns.filter((c) => !(c['protocol'] !== undefined && c['protocol'] !== 'other'));
  return [...rdp, ...rest].slice(0, limit).sort((a, b) => a.id - b.id);
}

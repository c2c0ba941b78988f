/**
 * Markdown rendering for tickets: verdict and confidence first, the evidence as a table, next
 * steps, the attempts with their ladders, capture facts and warnings. Plain pipe tables, lists
 * and code spans only (no HTML, no box drawing), so GitHub, GitLab and Jira render it alike.
 * Every string from the capture is escaped: it is hostile input.
 */
import { attemptLadders, type LadderStep } from './ladder.js';
import {
  CONNECTION_COLUMNS, HEADINGS, LABELS, aggregateRows, alternativeText, attemptText, captureFacts, captureProblems, clientErrorText, damageNote,
  endLabel, evidenceKind, failureMomentText, findingHeadline, ladderHeader, phaseDetail, verdictTitle, verdictWhere, warningText, warningsNotListed,
} from './messages.js';
import { decodeAsText } from '../findings/filters.js';
import { formatDuration } from '../core/time.js';
import type { Report } from './model.js';
import { countByKind, orderWarnings, pickShown } from './terminal.js';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Warnings listed one by one (errors first); the rest are counted by kind. */
export const MARKDOWN_WARNINGS = 50;

/** Escapes text so that Markdown shows it as it is (no emphasis, links, HTML or table breaks). */
export function mdText(s: unknown): string {
  return String(s ?? '')
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*[\]<>|~]/g, (c) => `\\${c}`)
    .replace(/(^|[^A-Za-z0-9])_|_(?=$|[^A-Za-z0-9])/g, (m) => m.replace('_', '\\_'))
    .replace(/^(#|[+-] |\d+\. )/, '\\$1');
}

/** A code span that holds any text (a fence longer than any backtick run inside). */
export function mdCode(s: unknown): string {
  const t = String(s ?? '').replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|');
  let fence = '`';
  while (t.includes(fence)) fence += '`';
  const pad = t.startsWith('`') || t.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${t}${pad}${fence}`;
}

function table(head: string[], rows: string[][]): string[] {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map((c) => (c === '' ? ' ' : c)).join(' | ')} |`)];
}

export function renderMarkdown(r: Report, opts: { all?: boolean } = {}): string {
  const out: string[] = [];
  const v = r['verdict'] as Any | undefined;
  const problems = captureProblems(r);
  const damage = damageNote(problems);
  out.push(`# rdpdiag: ${v ? mdText(verdictTitle(v)) : mdText(LABELS.noVerdict)}`, '');
  if (v) {
    const where = verdictWhere(v);
    out.push(`**${HEADINGS.verdict}:** ${mdText(v.cause)}, **${LABELS.confidence} ${mdText(v.confidence)}**${where ? `, ${mdText(where)}` : ''}`, '');
    if (damage) out.push(`**${HEADINGS.damage}:** ${mdText(damage)}`, '');
    out.push(mdText(v.summary), '');
    if (v.reason) out.push(mdText(v.reason), '');
  } else if (damage) out.push(`**${HEADINGS.damage}:** ${mdText(damage)}`, '');
  if (v?.evidence?.length) {
    out.push(`## ${HEADINGS.evidence}`, '');
    out.push(...table([LABELS.frame, LABELS.time, LABELS.what, LABELS.kind, LABELS.finding], (v.evidence as Any[]).map((e) => [String(e.frame), mdCode(e.at), mdText(e.what), evidenceKind(e.documented), mdCode(e.finding)])), '');
  }
  if (v?.nextSteps?.length) {
    out.push(`## ${HEADINGS.nextSteps}`, '');
    (v.nextSteps as string[]).forEach((s, i) => out.push(`${i + 1}. ${mdText(s)}`));
    out.push('');
  }
  if (v?.clientErrors?.length) {
    out.push(`## ${HEADINGS.clientErrors}`, '');
    for (const c of v.clientErrors as Any[]) out.push(`- ${mdText(clientErrorText(c))}`);
    out.push('');
  }
  if (v?.about0x904) out.push(`## ${HEADINGS.about0x904}`, '', mdText(v.about0x904), '');
  const findings = ((r['findings'] as Any[] | undefined) ?? []).filter((f) => f.severity !== 'info');
  if (findings.length) {
    out.push(`## ${HEADINGS.findings}`, '');
    out.push(...table([LABELS.severity, LABELS.finding, LABELS.kind, LABELS.filter], findings.slice(0, 50).map((f) => [`${mdText(f.severity)}/${mdText(f.confidence)}`, mdText(findingHeadline(f)), evidenceKind(f.documented), mdCode(f.filter) + (f.decodeAs ? ` (${mdText(decodeAsText(f.decodeAs))})` : '')])), '');
    if (findings.length > 50) out.push(`… ${findings.length - 50} more in --format json`, '');
  }
  if (v?.alternatives?.length) {
    out.push(`## ${HEADINGS.alternatives}`, '');
    for (const a of (v.alternatives as Any[]).slice(0, 5)) out.push(`- ${mdText(alternativeText(a))}`);
    out.push('');
  }
  out.push(...renderAttempts(r));
  out.push(`## ${HEADINGS.capture}`, '');
  for (const f of captureFacts(r)) out.push(`- **${mdText(f.label)}:** ${mdText(f.value)}`);
  out.push('');
  if (problems.length || r.capture.warningCount) {
    out.push(`## ${HEADINGS.warnings}`, '');
    for (const p of problems) out.push(`- ${mdText(p.text)}`);
    const ws = orderWarnings(r.capture.warnings);
    for (const w of ws.slice(0, MARKDOWN_WARNINGS)) out.push(`- ${mdText(warningText(w))}`);
    if (ws.length > MARKDOWN_WARNINGS) out.push(`- … ${ws.length - MARKDOWN_WARNINGS} more: ${mdText(countByKind(ws.slice(MARKDOWN_WARNINGS)))}`);
    const notKept = warningsNotListed(r);
    if (notKept) out.push(`- ${mdText(notKept)}`);
    out.push('');
  }
  const conns = r.connections;
  const shown = pickShown(conns, opts.all ? conns.length : 40);
  if (conns.length) {
    out.push(`## ${HEADINGS.connections}`, '');
    if (shown.length < conns.length) out.push(mdText(`Showing ${shown.length} of ${conns.length} (--all for every one).`), '');
    out.push(...table(CONNECTION_COLUMNS.map((c) => mdText(c.head)), shown.map((x) => CONNECTION_COLUMNS.map((c) => mdText(c.cell(x))))), '');
  }
  const agg = aggregateRows(r);
  if (agg) out.push(`## ${HEADINGS.aggregates}`, '', ...table(agg.head.map(mdText), agg.rows.map((row) => row.map(mdText))), '');
  out.push(`_${mdText(LABELS.generatedBy(r.tool.version))}_`, '');
  return out.join('\n');
}

function direction(s: LadderStep): string {
  return `${s.from} → ${s.to}`;
}

function renderAttempts(r: Report): string[] {
  const out: string[] = [];
  const v = r['verdict'] as Any | undefined;
  const ladders = attemptLadders(r);
  if (!ladders.length && !v?.attempts?.length) return out;
  out.push(`## ${HEADINGS.attempts}`, '');
  const moment = failureMomentText(v?.failureMoment);
  if (moment) out.push(mdText(moment), '');
  for (const a of (v?.attempts ?? []) as Any[]) out.push(`- ${mdText(attemptText(a))}`);
  if (v?.attempts?.length) out.push('');
  for (const l of ladders.slice(0, 30)) {
    out.push(`### ${mdText(l.title)}`, '');
    for (const c of l.connections) {
      const x = c as Any;
      out.push(`**${mdText(ladderHeader(c))}**`, '');
      if (x.phases?.length) {
        out.push(...table(['Phase', LABELS.frame, '+time', 'Detail'], (x.phases as Any[]).map((p) => [mdText(p.name + (p.inferred ? ' (inferred)' : '')), String(p.frame), formatDuration(p.offsetSec), mdText(phaseDetail(x, p.name))])), '');
      }
      const steps = l.steps.filter((s) => s.connection === c.id);
      if (steps.length) {
        out.push(...table([LABELS.frame, LABELS.time, 'Direction', 'Step'], steps.map((s) => [String(s.frame), mdCode(s.at), direction(s), `${mdText(s.label)}${s.failure ? ` **(${LABELS.failurePoint})**` : s.evidence ? ` (${LABELS.evidence})` : ''}${s.close ? ` (${mdText(endLabel(x))})` : ''}`])), '');
      }
    }
  }
  if (ladders.length > 30) out.push(`… ${ladders.length - 30} more attempts in --format json`, '');
  return out;
}

/**
 * Terminal rendering of the verdict: the verdict line first, its summary and limits, a damaged
 * capture said so, then the evidence (frames, times, documented/inferred), the client errors it
 * is consistent with, next steps and the findings list. Words from messages.ts.
 */
import {
  HEADINGS, LABELS, alternativeText, captureProblems, clientErrorText, damageNote, evidenceKind, findingHeadline, findingTag, verdictLine,
} from './messages.js';
import type { Report } from './model.js';
import { decodeAsText } from '../findings/filters.js';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function renderVerdict(r: Report): string[] {
  const v = r['verdict'] as Any | undefined;
  if (!v) return [];
  const out: string[] = [];
  out.push(verdictLine(v));
  const damage = damageNote(captureProblems(r));
  if (damage) out.push(`  ${damage}`);
  out.push(`  ${v.summary}`);
  if (v.reason) out.push(`  ${v.reason}`);
  if (v.evidence?.length) {
    out.push(`${HEADINGS.evidence}:`);
    for (const e of v.evidence as Any[]) out.push(`  frame ${String(e.frame).padEnd(6)} ${e.at}  ${e.what}  [${evidenceKind(e.documented)}; ${e.finding}]`);
  }
  if (v.clientErrors?.length) {
    out.push(`${HEADINGS.clientErrors}:`);
    for (const c of v.clientErrors as Any[]) out.push(`  ${clientErrorText(c)}`);
  }
  if (v.about0x904) out.push(`${HEADINGS.about0x904}: ${v.about0x904}`);
  if (v.nextSteps?.length) {
    out.push(`${HEADINGS.nextSteps}:`);
    for (const s of v.nextSteps as string[]) out.push(`  - ${s}`);
  }
  const findings = (r['findings'] as Any[] | undefined) ?? [];
  const shown = findings.filter((f) => f.severity !== 'info').slice(0, 25);
  if (shown.length) {
    out.push(`${HEADINGS.findings}:`);
    for (const f of shown) {
      out.push(`  [${findingTag(f)}] ${findingHeadline(f)}`);
      out.push(`      ${LABELS.filter.toLowerCase()}: ${f.filter}`);
      if (f.decodeAs) out.push(`      ${decodeAsText(f.decodeAs)}`);
    }
    if (findings.length > shown.length) out.push(`  … ${findings.length - shown.length} more in --format json`);
  }
  if (v.alternatives?.length) {
    out.push(`${HEADINGS.alternatives}:`);
    for (const a of (v.alternatives as Any[]).slice(0, 5)) out.push(`  - ${alternativeText(a)}`);
  }
  out.push('');
  return out;
}

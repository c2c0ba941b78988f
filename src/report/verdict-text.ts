/**
 * Terminal rendering of the verdict: two or three lines first, then the evidence (frames,
 * times, documented/inferred), the client errors it is consistent with, next steps and the
 * findings list.
 */
import type { Report } from './model.js';
import { decodeAsText } from '../findings/filters.js';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function renderVerdict(r: Report): string[] {
  const v = r['verdict'] as Any | undefined;
  if (!v) return [];
  const out: string[] = [];
  out.push(`VERDICT: ${v.cause} (confidence ${v.confidence})${v.connection ? ` — connection #${v.connection}` : ''}${v.at ? ` at ${v.at}` : ''}`);
  out.push(`  ${v.summary}`);
  if (v.reason) out.push(`  ${v.reason}`);
  if (v.evidence?.length) {
    out.push('Evidence:');
    for (const e of v.evidence as Any[]) out.push(`  frame ${String(e.frame).padEnd(6)} ${e.at}  ${e.what}  [${e.documented ? 'documented' : 'inferred'}; ${e.finding}]`);
  }
  if (v.clientErrors?.length) {
    out.push('Consistent client errors:');
    for (const c of v.clientErrors as Any[]) {
      const code = c.client === 'mstsc' ? `0x${c.code.toString(16)}` : c.name;
      out.push(`  ${c.client}: ${code}${c.client === 'mstsc' ? ` ${c.name}` : ''}${c.extendedName ? ` / extended ${c.extendedName}` : ''}${c.verified ? '' : ' (UNVERIFIED mapping)'}`);
    }
  }
  out.push(`About 0x904 / extended 0x7: ${v.about0x904}`);
  if (v.nextSteps?.length) {
    out.push('Next steps:');
    for (const s of v.nextSteps as string[]) out.push(`  - ${s}`);
  }
  const findings = (r['findings'] as Any[] | undefined) ?? [];
  const shown = findings.filter((f) => f.severity !== 'info').slice(0, 25);
  if (shown.length) {
    out.push('Findings:');
    for (const f of shown) {
      out.push(`  [${f.severity}/${f.confidence}${f.documented ? '/documented' : '/inferred'}] ${f.id}${f.connection ? ` #${f.connection}` : ''}: ${f.title}`);
      out.push(`      filter: ${f.filter}`);
      if (f.decodeAs) out.push(`      ${decodeAsText(f.decodeAs)}`);
    }
    if (findings.length > shown.length) out.push(`  … ${findings.length - shown.length} more in --format json`);
  }
  out.push('');
  return out;
}

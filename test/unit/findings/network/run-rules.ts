/**
 * Test helper: analyse a capture and run the network rules over the findings context.
 * Lab captures (captures/lab, made with real xrdp/xfreerdp/krb5kdc in network namespaces) and
 * the public corpus are read in place, never copied.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFiles } from '../../../../src/analyze.js';
import { buildContext, type FindingContext } from '../../../../src/findings/context.js';
import { networkRules } from '../../../../src/findings/rules/network.js';
import type { Finding } from '../../../../src/findings/types.js';
import { REPO } from '../../../helpers/shared.js';
import { tshark } from '../../../helpers/tshark.js';

export const LAB = join(REPO, 'captures', 'lab');

export interface LabEntry {
  file: string;
  scenario: string;
  expectedCause: string;
  side: string;
}

export function labEntries(): LabEntry[] {
  const p = join(REPO, 'captures', 'manifest.json');
  if (!existsSync(p)) return [];
  return (JSON.parse(readFileSync(p, 'utf8')) as { captures: LabEntry[] }).captures;
}

export function labPath(name: string): string {
  return join(LAB, name);
}

export interface NetworkRun {
  ctx: FindingContext;
  findings: Finding[];
  /** Rules that threw (a bug). */
  ruleErrors: string[];
}

export async function runNetwork(path: string): Promise<NetworkRun> {
  let out: NetworkRun | null = null;
  await analyzeFiles([path], {
    redact: false,
    extend: [
      (report, { engine, session }) => {
        const dropped = (report.capture as { dropped?: number | null }).dropped ?? null;
        const ctx = buildContext(engine, session, { captureDrops: dropped, files: [] });
        const findings: Finding[] = [];
        const ruleErrors: string[] = [];
        for (const r of networkRules) {
          try {
            findings.push(...r.run(ctx));
          } catch (err) {
            ruleErrors.push(`${r.kinds.map((k) => k.id).join('/')}: ${(err as Error).stack ?? String(err)}`);
          }
        }
        out = { ctx, findings, ruleErrors };
      },
    ],
  });
  return out!;
}

/** tshark -T fields rows (tab-separated) for a display filter. */
export async function fields(file: string, filter: string, names: string[]): Promise<string[][]> {
  const r = await tshark(['-r', file, '-Y', filter, '-T', 'fields', '-E', 'separator=\t', ...names.flatMap((n) => ['-e', n])]);
  return r.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => l.split('\t'));
}

/** Runs every rule over the context; a rule that throws is a bug and is reported as such. */
import { RULES } from './catalog.js';
import type { FindingContext } from './context.js';
import type { Finding } from './types.js';

export function runRules(ctx: FindingContext): Finding[] {
  const out: Finding[] = [];
  // (no push(...list): a rule may return more findings than a call can take arguments)
  for (const r of RULES) for (const f of r.run(ctx)) out.push(f);
  out.sort((a, b) => a.at - b.at || a.rank - b.rank);
  return out;
}

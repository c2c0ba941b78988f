/** Runs every rule over the context; a rule that throws is a bug and is reported as such. */
import { RULES } from './catalog.js';
import type { FindingContext } from './context.js';
import type { Finding } from './types.js';

export function runRules(ctx: FindingContext): Finding[] {
  const out: Finding[] = [];
  for (const r of RULES) out.push(...r.run(ctx));
  out.sort((a, b) => a.at - b.at || a.rank - b.rank);
  return out;
}

/** A rule: the finding kinds it can produce and the function that looks for them. */
import type { FindingContext } from './context.js';
import type { Finding, FindingKind } from './types.js';

export interface Rule {
  readonly kinds: readonly FindingKind[];
  run(ctx: FindingContext): Finding[];
}

export function kind(k: Omit<FindingKind, 'doc'>): FindingKind {
  return { ...k, doc: `docs/findings/${k.id}.md` };
}

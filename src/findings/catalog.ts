/** The catalog of finding ids: every kind every rule can produce. */
import { networkRules } from './rules/network.js';
import { protocolRules } from './rules/protocol.js';
import { rule as eventLogEvidence } from './rules/event-log-evidence.js';
import type { Rule } from './rule.js';
import type { FindingKind } from './types.js';

export const RULES: readonly Rule[] = [...networkRules, ...protocolRules, eventLogEvidence];

export const CATALOG: ReadonlyMap<string, FindingKind> = new Map(RULES.flatMap((r) => r.kinds.map((k) => [k.id, k] as const)));

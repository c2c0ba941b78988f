/** Findings and the verdict for one analysis. */
import type { EventRecord } from '../evtx/event.js';
import type { TrafficEngine } from '../reassembly/engine.js';
import type { Session } from '../session/session.js';
import { buildContext } from './context.js';
import { runRules } from './engine.js';
import type { Finding } from './types.js';
import { decideVerdict, type Verdict } from './verdict.js';

export interface Diagnosis {
  findings: Finding[];
  verdict: Verdict;
}

export function diagnose(engine: TrafficEngine, session: Session | null, opts: { failedAt?: number | null; server?: string | null; client?: string | null; captureDrops: number | null; files: string[]; events?: readonly EventRecord[] }): Diagnosis {
  const ctx = buildContext(engine, session, opts);
  const findings = runRules(ctx);
  return { findings, verdict: decideVerdict(ctx, findings) };
}

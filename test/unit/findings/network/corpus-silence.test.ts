/**
 * Every network rule over every public-corpus capture: no rule may throw, and on captures
 * without RDP, RD Gateway/TLS or Kerberos traffic no finding may name a failure cause with high
 * confidence (a confident wrong verdict is the worst outcome).
 */
import { describe, expect, it } from 'vitest';
import { isRelevant } from '../../../../src/findings/rules/tcp-phase.js';
import { corpusEntries, corpusPath, HAVE_CORPUS } from '../../../helpers/shared.js';
import { pool } from '../../../helpers/tshark.js';
import { runNetwork } from './run-rules.js';

describe.skipIf(!HAVE_CORPUS)('network rules over the public corpus', () => {
  it('never throw, and stay quiet (no high-confidence cause) without RDP/TLS/Kerberos traffic', async () => {
    const entries = corpusEntries().filter((e) => e.dup_of === null);
    const problems: string[] = [];
    let relevantFiles = 0;
    await pool(entries, 4, async (e) => {
      let r;
      try {
        r = await runNetwork(corpusPath(e.local));
      } catch {
        return; // unreadable file: the capture reader's business, not the rules'
      }
      for (const x of r.ruleErrors) problems.push(`${e.local}: rule threw ${x}`);
      const relevant = r.ctx.conns.some((v) => isRelevant(v));
      if (relevant) relevantFiles++;
      for (const f of r.findings) {
        if (!relevant && f.cause !== null && f.confidence === 'high') problems.push(`${e.local}: ${f.id} ${f.cause} high on a capture without RDP/TLS/Kerberos`);
        expect(f.frames.every((n) => Number.isInteger(n) && n > 0)).toBe(true);
      }
    });
    expect(problems).toEqual([]);
    expect(relevantFiles).toBeGreaterThan(10);
  });
});

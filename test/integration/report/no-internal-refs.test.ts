/**
 * What users read cites public specifications (MS-RDPBCGR 2.2.5.1.1, RFC 8446 §6, MS-CSSP …)
 * or our docs/findings pages, never the project's internal research notes ("protocol-facts §…",
 * "section 10 row 11", source keys like "[S-FREERDP]"): every lab capture's report (JSON, all
 * findings, verdict, next steps) and every explained code are checked.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFiles } from '../../../src/analyze.js';
import { explainIn } from '../../../src/codes/explain.js';
import { ALL_TABLES } from '../../../src/codes/registry.js';
import { REPO } from '../../helpers/shared.js';

const INTERNAL = /protocol-facts|section \d+ (rows?|#|item)|§1[01]\b|\[S-[A-Z]/;

describe('no internal research-note references in output', () => {
  it('lab capture reports', async () => {
    const m = join(REPO, 'captures', 'manifest.json');
    const lab = existsSync(m) ? (JSON.parse(readFileSync(m, 'utf8')) as { captures: { file: string; keylog: string | null }[] }).captures : [];
    expect(lab.length).toBeGreaterThan(10);
    const bad: string[] = [];
    for (const e of lab) {
      const r = await analyzeFiles([join(REPO, 'captures', e.file)], { keylogs: e.keylog ? [join(REPO, 'captures', e.keylog)] : [] });
      const text = JSON.stringify({ findings: r['findings'], verdict: r['verdict'] });
      const hit = INTERNAL.exec(text);
      if (hit) bad.push(`${e.file}: …${text.slice(Math.max(0, hit.index - 60), hit.index + 40)}…`);
    }
    expect(bad).toEqual([]);
  }, 300_000);

  it('explain output for every table entry', () => {
    const bad: string[] = [];
    for (const t of ALL_TABLES) {
      for (const e of t.entries) {
        const text = JSON.stringify(explainIn(t, e.code));
        if (INTERNAL.test(text)) bad.push(`${t.title ?? ''} ${e.code}: ${text.slice(0, 200)}`);
      }
    }
    expect(bad).toEqual([]);
  });
});

/**
 * Dependency direction, always one way (docs/architecture.md): a layer imports only the
 * layers listed for it. analyze.ts wires the stages; index.ts only re-exports.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../../helpers/shared.js';

const SRC = join(REPO, 'src');

const ALLOWED: Record<string, string[]> = {
  core: ['core'],
  codes: ['core', 'codes'],
  capture: ['core', 'capture'],
  evtx: ['core', 'codes', 'evtx'],
  decode: ['core', 'capture', 'decode'],
  protocols: ['core', 'protocols'],
  reassembly: ['core', 'capture', 'decode', 'protocols', 'reassembly'],
  session: ['core', 'capture', 'decode', 'protocols', 'reassembly', 'codes', 'session'],
  findings: ['core', 'codes', 'decode', 'reassembly', 'protocols', 'session', 'evtx', 'findings'],
  report: ['core', 'capture', 'codes', 'reassembly', 'session', 'findings', 'evtx', 'report'],
  cli: ['core', 'capture', 'codes', 'findings', 'report', 'evtx', 'cli', '(root)'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function layerOf(path: string): string {
  const rel = relative(SRC, path).split('/');
  return rel.length === 1 ? '(root)' : rel[0]!;
}

describe('source dependency direction', () => {
  const violations: string[] = [];
  for (const f of files(SRC)) {
    const from = layerOf(f);
    if (from === '(root)') continue; // analyze.ts wires everything; index.ts re-exports
    const allowed = ALLOWED[from];
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s+'(\.[^']+)'|import\('(\.[^']+)'\)/g)) {
      const spec = (m[1] ?? m[2])!;
      const target = join(f, '..', spec);
      const to = layerOf(target);
      if (!allowed || !allowed.includes(to)) violations.push(`${relative(SRC, f)} → ${relative(SRC, target)} (${from} may not import ${to})`);
    }
  }
  it('every import goes in the allowed direction', () => {
    expect(violations).toEqual([]);
  });
  it('index.ts only re-exports', () => {
    const text = readFileSync(join(SRC, 'index.ts'), 'utf8');
    const code = text.split('\n').filter((l) => l.trim() && !l.trim().startsWith('/') && !l.trim().startsWith('*'));
    expect(code.every((l) => l.startsWith('export '))).toBe(true);
  });
});

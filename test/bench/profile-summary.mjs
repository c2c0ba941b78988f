#!/usr/bin/env node
/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): top functions by self time, self time
 * per source line (of the compiled dist/ files) and per source file.
 *
 *   node test/bench/profile-summary.mjs PROFILE.cpuprofile [--top N]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Self time (ms) per function and per file. */
export function summarizeProfile(file, top = 25) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  const samples = prof.samples ?? [];
  const deltas = prof.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i] ?? 0));
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const fn = new Map();
  const files = new Map();
  const lines = new Map();
  const short = (url) => url.replace(/^file:\/\//, '').replace(/^.*\/(dist|node_modules)\//, '$1/');
  for (const [id, us] of selfUs) {
    const n = byId.get(id);
    const cf = n.callFrame;
    const url = cf.url ? short(cf.url) : '';
    const name = `${cf.functionName || '(anonymous)'} ${url ? `${url}:${cf.lineNumber + 1}` : ''}`.trim();
    fn.set(name, (fn.get(name) ?? 0) + us);
    const fkey = url || `(${cf.functionName})`;
    files.set(fkey, (files.get(fkey) ?? 0) + us);
    // per-line ticks (positionTicks), scaled to this node's self time
    const ticks = n.positionTicks ?? [];
    const sum = ticks.reduce((a, t) => a + t.ticks, 0);
    for (const t of ticks) {
      const key = `${url}:${t.line} (${cf.functionName || '(anonymous)'})`;
      lines.set(key, (lines.get(key) ?? 0) + (us * t.ticks) / sum);
    }
  }
  const rows = (m) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), pct: Math.round((1000 * us) / total) / 10 }));
  return { totalMs: Math.round(total / 1000), functions: rows(fn), files: rows(files), lines: rows(lines) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  const ti = process.argv.indexOf('--top');
  const top = ti > 0 ? Number(process.argv[ti + 1]) : 25;
  if (!file) {
    console.error('usage: node test/bench/profile-summary.mjs PROFILE.cpuprofile [--top N]');
    process.exit(2);
  }
  const s = summarizeProfile(file, top);
  console.log(`total sampled: ${s.totalMs} ms\n\nself time by function:`);
  for (const r of s.functions) console.log(`${String(r.ms).padStart(7)} ms ${r.pct.toFixed(1).padStart(5)} %  ${r.name}`);
  console.log('\nself time by source line (dist/ line numbers):');
  for (const r of s.lines) console.log(`${String(r.ms).padStart(7)} ms ${r.pct.toFixed(1).padStart(5)} %  ${r.name}`);
  console.log('\nself time by file:');
  for (const r of s.files) console.log(`${String(r.ms).padStart(7)} ms ${r.pct.toFixed(1).padStart(5)} %  ${r.name}`);
}

#!/usr/bin/env node
/**
 * npm run fuzz -- --target NAME --seconds S [--seed N] [--iterations N] [--rebuild-seeds] [--all]
 *
 * Runs one target (or, with --all, every target one after the other) on the built dist/ for the
 * time or number of executions given, and prints executions per second, blocks covered, corpus
 * size and findings. Findings are saved under test/fuzz/findings/<target>/ (git-ignored).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FUZZ_DIR } from './lib/paths.mjs';
import { runFuzz } from './lib/fuzzer.mjs';
import { buildSeeds, loadSeeds } from './lib/seeds.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const flag = (name) => args.includes(`--${name}`);
const TARGETS = readdirSync(join(FUZZ_DIR, 'targets'))
  .filter((f) => f.endsWith('.mjs'))
  .map((f) => f.slice(0, -4))
  .sort();

if (flag('help') || (!opt('target') && !flag('all'))) {
  console.log(`usage: npm run fuzz -- --target NAME --seconds S [--seed N] [--iterations N] [--rebuild-seeds]\n       npm run fuzz -- --all --seconds S\ntargets: ${TARGETS.join(', ')}`);
  process.exit(flag('help') ? 0 : 2);
}
const names = flag('all') ? TARGETS : [opt('target')];
for (const n of names) {
  if (!TARGETS.includes(n)) {
    console.error(`unknown target '${n}' (targets: ${TARGETS.join(', ')})`);
    process.exit(2);
  }
}
const seconds = Number(opt('seconds', '60'));
const iterations = opt('iterations') ? Number(opt('iterations')) : 0;
const seed = Number(opt('seed', '1'));

const counts = await buildSeeds({ force: flag('rebuild-seeds'), log: (m) => console.error(m) });
let failed = false;
for (const name of names) {
  const t = await import(new URL(`./targets/${name}.mjs`, import.meta.url).href);
  const seeds = loadSeeds(t.seeds);
  console.error(`[${name}] ${seeds.length} seeds (${counts[t.seeds] ?? 0} built), ${iterations ? `${iterations} executions` : `${seconds} s`}, seed ${seed}`);
  const r = await runFuzz({
    target: name,
    seeds,
    seed,
    seconds,
    iterations,
    findingsDir: join(FUZZ_DIR, 'findings'),
    onProgress: (m) => {
      if (m.type === 'stats') process.stderr.write(`\r[${name}] ${m.execs} execs, ${m.corpus} in corpus, ${m.covered} blocks, ${m.findings} findings   `);
    },
  });
  process.stderr.write('\n');
  const c = r.coverage;
  console.log(
    `${name}: ${r.execs} execs in ${(r.ms / 1000).toFixed(0)} s (${r.execsPerSec}/s), corpus ${r.corpus} (from ${seeds.length} seeds: ${r.seeded?.corpus ?? '?'} kept), ` +
      `blocks ${c.blocksRun}/${c.blocks} (${c.pct} %), functions ${c.functionsRun}/${c.functions} in ${c.files} files, findings ${r.findings.length}`,
  );
  for (const f of r.findings) console.log(`  ${f.kind}: ${f.signature} (x${f.count}), input ${f.input.length} bytes, minimized ${f.minimized?.length ?? f.input.length}`);
  if (r.findings.length > 0) failed = true;
}
process.exit(failed ? 1 : 0);

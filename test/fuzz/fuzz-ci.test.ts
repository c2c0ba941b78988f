/**
 * CI budget of the fuzzer: every target (test/fuzz/targets) for a fixed number of executions with
 * a fixed PRNG seed (reproducible: the same inputs every run, whatever the machine's speed), on
 * the built dist/. Any crash, hang or memory finding fails the test and is saved under
 * test/fuzz/findings/<target>/ with its minimized input. The seeds are built on first use from
 * ../shared/captures/public and captures/lab into test/fuzz/.cache (git-ignored).
 *
 * The hang limit here is 10 s, not the 2 s of `npm run fuzz`: CI machines are shared and a slow
 * input is not a hang; a real hang (an endless loop) is caught either way.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/shared.js';
// @ts-expect-error plain ES module without types
import { runFuzz } from './lib/fuzzer.mjs';
// @ts-expect-error plain ES module without types
import { buildSeeds, loadSeeds } from './lib/seeds.mjs';

const HAVE_DIST = existsSync(join(REPO, 'dist', 'analyze.js'));
const TARGETS = readdirSync(join(REPO, 'test', 'fuzz', 'targets'))
  .filter((f) => f.endsWith('.mjs'))
  .map((f) => f.slice(0, -4))
  .sort();

/** Executions per target (the pipeline analyses a whole capture per execution). */
const BUDGET: Record<string, number> = { pipeline: 250, netmon: 1500, erf: 1500, ngsniffer: 1500 };
const DEFAULT_BUDGET = 3000;
/** Seeds per target in CI (the first by name; the long runs use every seed). */
const CI_SEEDS: Record<string, number> = { pipeline: 40 };
const DEFAULT_SEEDS = 80;

interface Finding {
  kind: string;
  signature: string;
  input: Uint8Array;
  minimized: Uint8Array;
}
interface Result {
  execs: number;
  corpus: number;
  covered: number;
  findings: Finding[];
  coverage: { blocks: number; blocksRun: number };
}

describe.skipIf(!HAVE_DIST)('fuzzer, CI budget (seeded, by execution count)', () => {
  beforeAll(async () => {
    await buildSeeds();
  }, 600_000);

  it.each(TARGETS)('%s: no crash, hang or memory finding', async (name) => {
    const t = await import(join(REPO, 'test', 'fuzz', 'targets', `${name}.mjs`));
    const seeds = loadSeeds(t.seeds, CI_SEEDS[name] ?? DEFAULT_SEEDS);
    const r: Result = await runFuzz({
      target: name,
      seeds,
      seed: 1,
      iterations: BUDGET[name] ?? DEFAULT_BUDGET,
      hangMs: 10_000,
      findingsDir: join(REPO, 'test', 'fuzz', 'findings'),
    });
    const report = r.findings.map((f) => `${f.kind}: ${f.signature}\n  minimized: ${Buffer.from(f.minimized).toString('hex')}`);
    expect(report, `findings of ${name} (saved under test/fuzz/findings/${name}/)`).toEqual([]);
    expect(r.execs).toBeGreaterThanOrEqual(BUDGET[name] ?? DEFAULT_BUDGET);
    expect(r.coverage.blocksRun).toBeGreaterThan(0);
  }, 600_000);
});

describe('the fuzzer itself', () => {
  const planted = join(REPO, 'test', 'fuzz', 'selftest', 'planted.mjs');
  const run = (seeds: string[], iterations: number, hangMs = 2000) =>
    runFuzz({ target: planted, seeds: seeds.map((s) => new Uint8Array(Buffer.from(s, 'latin1'))), seed: 3, iterations, hangMs, memLimitMb: 128, coverTarget: true }) as Promise<Result>;

  it('reports a TypeError as a crash, minimized, and a declared clean rejection not at all', async () => {
    const r = await run(['TYPEaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'RJCTbbbbbb'], 50);
    expect(r.findings.map((f) => f.kind)).toEqual(['crash']);
    expect(r.findings[0]!.signature).toMatch(/^TypeError: .*selftest|^TypeError/);
    expect(r.findings[0]!.minimized.length).toBe(9);
    expect(r.findings[0]!.minimized[0]).toBe(0x54);
  }, 120_000);

  it('reports an endless loop as a hang (and goes on after it)', async () => {
    const r = await run(['HANG', 'Aaaa'], 200, 1000);
    expect(r.findings.map((f) => f.kind)).toEqual(['hang']);
    expect(Buffer.from(r.findings[0]!.input).toString('latin1')).toBe('HANG');
    expect(r.execs).toBeGreaterThanOrEqual(200);
  }, 120_000);

  it('reports memory kept by one input', async () => {
    const r = await run(['MEMO'], 20);
    expect(r.findings.map((f) => f.kind)).toContain('memory');
  }, 120_000);

  it('finds a two-level bug from an unrelated seed, the same way every time (seeded)', async () => {
    const a = await run(['Za'], 3000);
    const b = await run(['Za'], 3000);
    expect(a.findings.map((f) => f.signature)).toEqual(b.findings.map((f) => f.signature));
    expect([a.corpus, a.covered]).toEqual([b.corpus, b.covered]);
    expect(a.findings.some((f) => /second level/.test(f.signature))).toBe(true);
    // The corpus grew by the input that reached the first level.
    expect(a.corpus).toBeGreaterThan(1);
  }, 300_000);
});

/**
 * The main thread of a fuzzing run: starts the worker (lib/worker.mjs) with the seeds, watches it
 * (an input running longer than `hangMs` is a hang; a worker killed by its heap limit is an
 * out-of-memory finding: the input is read from shared memory), restarts it after either with
 * the corpus found so far, and collects statistics and findings.
 */
import { Worker } from 'node:worker_threads';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { functionsIn, targetFiles } from './static-count.mjs';

import { DIST_URL, FUZZ_DIR, REPO } from './paths.mjs';

/** A target by name (test/fuzz/targets/NAME.mjs), or a path to a target module. */
export function targetPath(name) {
  return pathToFileURL(name.endsWith('.mjs') ? name : join(FUZZ_DIR, 'targets', `${name}.mjs`)).href;
}

/**
 * @param {object} o
 * @param {string} o.target target name (test/fuzz/targets/NAME.mjs)
 * @param {Uint8Array[]} o.seeds
 * @param {number} [o.seed] PRNG seed
 * @param {number} [o.iterations] stop after this many executions (deterministic budget)
 * @param {number} [o.seconds] or after this much time
 * @param {number} [o.hangMs] an input running longer is a hang (default 2000)
 * @param {number} [o.memLimitMb] heap + external growth on one input that is a finding (default 128)
 * @param {number} [o.heapMb] the worker's old-space limit (default 512)
 * @param {string} [o.findingsDir] where findings are saved (none when absent)
 * @param {boolean} [o.coverTarget] count the target module's own blocks too (self-test)
 * @param {(msg: object) => void} [o.onProgress]
 */
export async function runFuzz(o) {
  const hangMs = o.hangMs ?? 2000;
  const maxInput = 1 << 20;
  const findings = [];
  let corpus = o.seeds.slice();
  let totals = { execs: 0, crashes: 0, ms: 0 };
  let summary = null;
  let seeded = null;
  let restarts = 0;
  let corpusSize = 0;
  let covered = 0;
  let lastExecs = 0;
  const t0 = Date.now();
  const scratchDir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'rdpdiag-fuzz-'));

  const save = (f) => {
    // A restarted worker finds again what an earlier one reported: counted once.
    const prev = findings.find((x) => x.signature === f.signature);
    if (prev) {
      prev.count += f.count;
      return;
    }
    findings.push(f);
    if (!o.findingsDir) return;
    const dir = join(o.findingsDir, o.target.replace(/^.*\//, '').replace(/\.mjs$/, ''));
    mkdirSync(dir, { recursive: true });
    const id = createHash('sha1').update(f.signature).digest('hex').slice(0, 12);
    writeFileSync(join(dir, `${f.kind}-${id}.bin`), f.minimized ?? f.input);
    writeFileSync(join(dir, `${f.kind}-${id}.txt`), `${f.signature}\nminimized (hex): ${Buffer.from(f.minimized ?? f.input).toString('hex')}\n\n${f.stack ?? ''}\n`);
  };

  while (true) {
    const remainingIter = o.iterations ? o.iterations - totals.execs : 0;
    const remainingSec = o.seconds ? o.seconds - (Date.now() - t0) / 1000 : 0;
    if ((o.iterations && remainingIter <= 0) || (!o.iterations && remainingSec <= 0)) break;
    const ctrlBuf = new SharedArrayBuffer(16);
    const inputBuf = new SharedArrayBuffer(maxInput);
    const ctrl = new Int32Array(ctrlBuf);
    const worker = new Worker(new URL('./worker.mjs', import.meta.url), {
      workerData: {
        targetPath: targetPath(o.target),
        seed: ((o.seed ?? 1) + restarts * 0x9e3779b9) >>> 0,
        iterations: remainingIter,
        seconds: remainingSec,
        seeds: corpus,
        ctrlBuf,
        inputBuf,
        distUrl: DIST_URL,
        memLimitMb: o.memLimitMb ?? 128,
        scratchDir,
        coverTarget: o.coverTarget === true,
      },
      resourceLimits: { maxOldGenerationSizeMb: o.heapMb ?? 512 },
      stdout: true,
      stderr: true,
    });
    worker.stdout.resume();
    worker.stderr.resume();
    const found = [];
    let workerExecs = 0;
    const outcome = await new Promise((resolve) => {
      let lastSeq = -1;
      let since = Date.now();
      const watch = setInterval(() => {
        const seq = Atomics.load(ctrl, 0);
        const running = Atomics.load(ctrl, 1) === 1;
        if (seq !== lastSeq || !running) {
          lastSeq = seq;
          since = Date.now();
          return;
        }
        if (Date.now() - since > hangMs) {
          clearInterval(watch);
          const len = Math.min(Atomics.load(ctrl, 2), maxInput);
          const input = new Uint8Array(inputBuf, 0, len).slice();
          void worker.terminate();
          resolve({ kind: 'hang', input });
        }
      }, 100);
      worker.on('message', (m) => {
        if (m.type === 'corpus') found.push(m.input);
        else if (m.type === 'finding') save(m.finding);
        else if (m.type === 'seeded') seeded ??= m;
        if (m.summary) summary = m.summary;
        if (m.execs !== undefined) {
          workerExecs = m.execs;
          corpusSize = m.corpus;
          covered = m.covered;
          o.onProgress?.({ ...m, execs: totals.execs + m.execs, restarts, findings: findings.length });
        }
      });
      worker.on('error', (e) => {
        clearInterval(watch);
        const len = Math.min(Atomics.load(ctrl, 2), maxInput);
        resolve({ kind: e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'oom' : 'worker-error', input: new Uint8Array(inputBuf, 0, len).slice(), error: e });
      });
      worker.on('exit', () => {
        clearInterval(watch);
        resolve({ kind: 'exit' });
      });
    });
    // Executions of a worker that did not finish are counted from its last report.
    totals.execs += Math.max(workerExecs, 1);
    corpus = [...corpus, ...found];
    if (outcome.kind === 'exit') break;
    // The input that hung or exhausted the heap is not run again by the next worker.
    corpus = corpus.filter((x) => Buffer.compare(Buffer.from(x), Buffer.from(outcome.input)) !== 0);
    const sig = outcome.kind === 'hang' ? `hang > ${hangMs} ms` : outcome.kind === 'oom' ? 'out of memory (worker heap limit)' : `worker error: ${outcome.error?.message}`;
    const prev = findings.find((f) => f.signature === sig);
    if (prev) prev.count++;
    else save({ kind: outcome.kind, signature: sig, count: 1, input: outcome.input, minimized: outcome.input, stack: outcome.error?.stack ?? '' });
    restarts++;
    if (restarts > 8) break;
  }
  rmSync(scratchDir, { recursive: true, force: true });
  const ms = Date.now() - t0;
  const coverage = await coverageOf(o.target, summary ?? {});
  return { target: o.target, execs: Math.max(totals.execs, lastExecs), ms, execsPerSec: Math.round((totals.execs / ms) * 1000), corpus: corpusSize, covered, seeded, coverage, findings, restarts };
}

/**
 * Coverage of the target's own files (its `files` prefixes under dist/): functions that ran of
 * all functions (counted from the syntax), blocks that ran of the blocks known — the blocks of the
 * functions that ran plus one for each function that never ran.
 */
export async function coverageOf(name, perFile) {
  const t = await import(targetPath(name));
  const dist = join(REPO, 'dist');
  const rels = targetFiles(dist, t.files ?? [''], t.exclude ?? []);
  const fns = functionsIn(dist, rels);
  let functionsRun = 0;
  let blocks = 0;
  let blocksRun = 0;
  for (const f of Object.values(perFile)) {
    functionsRun += f.functionsRun;
    blocks += f.blocks;
    blocksRun += f.blocksRun;
  }
  blocks += Math.max(0, fns.total - functionsRun);
  return { files: rels.length, functions: fns.total, functionsRun, blocks, blocksRun, pct: blocks ? Math.round((1000 * blocksRun) / blocks) / 10 : 0 };
}

/**
 * The fuzzing loop, run in a worker thread so that the main thread can watch it: before each
 * input the worker copies it into shared memory and bumps a sequence number; a main thread that
 * sees the same input running for longer than the hang limit saves it and terminates the worker.
 *
 * Loop: every seed is run once (kept when it reaches new blocks), then inputs are mutated from
 * the corpus in batches; a batch whose coverage holds new blocks is run again one input at a time
 * to find which inputs to keep. Exceptions other than the target's clean rejections are findings
 * (deduplicated by error and the first project frame of the stack, minimized by cutting ranges).
 * A heap + external memory growth over the limit after an input is confirmed by running that input
 * alone after a collection, and reported.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Coverage } from './coverage.mjs';
import { Prng } from './prng.mjs';
import { mutate } from './mutate.mjs';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

const { targetPath, seed, iterations, seconds, seeds, ctrlBuf, inputBuf, distUrl, memLimitMb, coverTarget } = workerData;
const ctrl = new Int32Array(ctrlBuf);
const inputMem = new Uint8Array(inputBuf);
const BATCH = 32;

// Coverage counts the project's compiled files (and the target module itself when asked: the fuzzer's self-test).
const cov = new Coverage((url) => url.startsWith(distUrl) || (coverTarget && url === targetPath));
await cov.start();
const target = await import(targetPath);
const maxLen = Math.min(target.maxLen ?? 65536, inputMem.length);
const r = new Prng(seed);
const inFiles = (rel) => (target.files ?? ['']).some((f) => rel.startsWith(f)) && !(target.exclude ?? []).some((f) => rel.startsWith(f));

/** Runs one input; returns null or the error it threw that is not a clean rejection. */
function runOne(b) {
  inputMem.set(b.subarray(0, maxLen));
  Atomics.store(ctrl, 2, b.length);
  Atomics.add(ctrl, 0, 1);
  Atomics.store(ctrl, 1, 1);
  let out;
  try {
    out = target.run(b);
  } catch (e) {
    Atomics.store(ctrl, 1, 0);
    return target.expected?.(e) ? null : e;
  }
  if (out && typeof out.then === 'function') {
    return out.then(
      () => {
        Atomics.store(ctrl, 1, 0);
        return null;
      },
      (e) => {
        Atomics.store(ctrl, 1, 0);
        return target.expected?.(e) ? null : e;
      },
    );
  }
  Atomics.store(ctrl, 1, 0);
  return null;
}

async function exec(b) {
  const e = runOne(b);
  return e && typeof e.then === 'function' ? await e : e;
}

function signature(e) {
  if (!(e instanceof Error)) return `non-error ${String(e).slice(0, 80)}`;
  const frame = (e.stack ?? '').split('\n').find((l) => l.includes('/dist/')) ?? '';
  const where = frame.replace(/^.*\/dist\//, '').replace(/\)$/, '').trim();
  return `${e.name}: ${e.message.replace(/\d+/g, 'N').slice(0, 120)} @ ${where}`;
}

async function minimize(b, sig) {
  let cur = b;
  let tries = 0;
  for (let size = Math.max(1, cur.length >> 1); size >= 1 && tries < 3000; size = size >> 1) {
    for (let at = 0; at + size <= cur.length && tries < 3000; ) {
      const cand = new Uint8Array(cur.length - size);
      cand.set(cur.subarray(0, at));
      cand.set(cur.subarray(at + size), at);
      tries++;
      const e = await exec(cand);
      if (e && signature(e) === sig) cur = cand;
      else at += size;
    }
  }
  await cov.take();
  return cur;
}

const corpus = [];
const findings = new Map();
let execs = 0;
let crashes = 0;

async function finding(kind, b, e, sig) {
  crashes++;
  if (findings.has(sig)) {
    findings.get(sig).count++;
    return;
  }
  const min = kind === 'crash' ? await minimize(b, sig) : b;
  const f = { kind, signature: sig, count: 1, input: b, minimized: min, stack: e instanceof Error ? e.stack : String(e) };
  findings.set(sig, f);
  parentPort.postMessage({ type: 'finding', finding: f });
}

function heapNow() {
  const h = getHeapStatistics();
  return h.used_heap_size + (h.external_memory ?? 0);
}
let memBase = 0;
async function memoryCheck(b) {
  if (heapNow() - memBase < memLimitMb * 1048576) return;
  gc();
  memBase = heapNow();
  await exec(b);
  const grew = heapNow() - memBase;
  if (grew > memLimitMb * 1048576) {
    await finding('memory', b, new Error(`memory grew ${Math.round(grew / 1048576)} MB on one input`), `memory > ${memLimitMb} MB`);
  }
  gc();
  memBase = heapNow();
}

function keep(b) {
  corpus.push(b);
  parentPort.postMessage({ type: 'corpus', input: b });
}

const t0 = Date.now();
let lastReport = t0;
const done = () => (iterations ? execs >= iterations : Date.now() - t0 >= seconds * 1000);

function report(final) {
  const now = Date.now();
  if (!final && now - lastReport < 2000) return;
  lastReport = now;
  // The coverage of the target's files goes with every report: a worker terminated after a hang
  // leaves its last one.
  parentPort.postMessage({ type: final ? 'done' : 'stats', execs, corpus: corpus.length, covered: cov.covered.size, crashes, ms: now - t0, summary: cov.perFile(distUrl, inFiles) });
}

gc();
memBase = heapNow();
await cov.take();
// Seeds: each run alone; kept when it reaches new blocks (an empty input first, so a target always has a corpus).
for (const s of [new Uint8Array(0), ...seeds.map((x) => new Uint8Array(x))]) {
  if (corpus.length > 0 && done()) break;
  const b = s.length > maxLen ? s.slice(0, maxLen) : s;
  const e = await exec(b);
  execs++;
  const res = await cov.take();
  if (e) await finding('crash', b, e, signature(e));
  if (cov.evaluate(res, true) > 0 || corpus.length === 0) keep(b);
  await memoryCheck(b);
  report(false);
}
parentPort.postMessage({ type: 'seeded', execs, corpus: corpus.length, covered: cov.covered.size });

while (!done()) {
  const batch = [];
  for (let i = 0; i < BATCH; i++) {
    const base = corpus[r.below(corpus.length)];
    const other = corpus[r.below(corpus.length)];
    batch.push(mutate(r, base, other, maxLen));
  }
  const errs = [];
  for (const b of batch) {
    const e = await exec(b);
    execs++;
    errs.push(e);
    await memoryCheck(b);
  }
  const res = await cov.take();
  if (cov.evaluate(res, false) > 0) {
    for (const b of batch) {
      await exec(b);
      const one = await cov.take();
      if (cov.evaluate(one, true) > 0) keep(b);
    }
  }
  for (let i = 0; i < batch.length; i++) if (errs[i]) await finding('crash', batch[i], errs[i], signature(errs[i]));
  report(false);
}
const last = await cov.take();
cov.evaluate(last, true);
report(true);

/**
 * Coverage from V8's own block coverage (node:inspector: Profiler.startPreciseCoverage with
 * callCount and detailed). Each take returns, per function, nested ranges with execution counts
 * since the previous take; V8 leaves out a nested range whose count equals its parent's, so the
 * count of a block known from an earlier take is that of the innermost range reported around it.
 * The signature of an input is the set of blocks (script, range) with count > 0, restricted to
 * the project's compiled files (`dist/`).
 */
import { Session } from 'node:inspector';

export class Coverage {
  /** @param {(url: string) => boolean} include which scripts count */
  constructor(include) {
    this.include = include;
    this.session = new Session();
    /** Blocks seen executed: "scriptId:start:end". */
    this.covered = new Set();
    /** Per function ("scriptId:start:end" of its own range): known nested block ranges. */
    this.known = new Map();
    /** scriptId → url, for the scripts included. */
    this.urls = new Map();
    this.takes = 0;
  }

  post(method, params = {}) {
    return new Promise((resolve, reject) => this.session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
  }

  async start() {
    this.session.connect();
    await this.post('Profiler.enable');
    await this.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  }

  /** Counters since the last take (and resets them). */
  async take() {
    this.takes++;
    const r = await this.post('Profiler.takePreciseCoverage');
    return r.result;
  }

  /**
   * Blocks executed in `result` that were never executed before; with `commit` they are added
   * to the covered set (and newly reported ranges to the known ones).
   */
  evaluate(result, commit) {
    let fresh = 0;
    const seenNow = commit ? null : new Set();
    for (const script of result) {
      let url = this.urls.get(script.scriptId);
      if (url === undefined) {
        url = this.include(script.url) ? script.url : null;
        this.urls.set(script.scriptId, url);
      }
      if (url === null) continue;
      const sid = script.scriptId;
      for (const fn of script.functions) {
        const ranges = fn.ranges;
        const f0 = ranges[0];
        const fkey = `${sid}:${f0.startOffset}:${f0.endOffset}`;
        let known = this.known.get(fkey);
        if (known === undefined) {
          known = { list: [], set: new Set() };
          if (commit) this.known.set(fkey, known);
        }
        const mark = (key) => {
          if (this.covered.has(key) || (seenNow && seenNow.has(key))) return;
          fresh++;
          if (commit) this.covered.add(key);
          else seenNow.add(key);
        };
        if (commit) {
          for (let i = 1; i < ranges.length; i++) {
            const x = ranges[i];
            const k = `${sid}:${x.startOffset}:${x.endOffset}`;
            if (!known.set.has(k)) {
              known.set.add(k);
              known.list.push([x.startOffset, x.endOffset, k]);
            }
          }
        }
        if (f0.count === 0) continue;
        mark(fkey);
        for (let i = 1; i < ranges.length; i++) if (ranges[i].count > 0) mark(`${sid}:${ranges[i].startOffset}:${ranges[i].endOffset}`);
        // Known blocks not reported this time carry the count of the innermost reported range around them.
        for (const [s, e, k] of known.list) {
          if (this.covered.has(k)) continue;
          let count = f0.count;
          let best = f0;
          for (let i = 1; i < ranges.length; i++) {
            const x = ranges[i];
            if (x.startOffset <= s && e <= x.endOffset && x.startOffset >= best.startOffset && x.endOffset - x.startOffset <= best.endOffset - best.startOffset) {
              best = x;
              count = x.count;
            }
          }
          if (count > 0) mark(k);
        }
      }
    }
    return fresh;
  }

  /**
   * Per file (url relative to `base`) that passes `inFiles`: functions that ran, blocks known in
   * them (their own range and every nested range V8 reported for them) and blocks that ran. V8
   * reports the inner blocks of a function once it has run (a block whose count always equals its
   * parent's is never listed apart, and is covered exactly when its parent is), so for functions
   * that ran the known blocks are their blocks; functions that never ran are counted elsewhere.
   */
  perFile(base, inFiles) {
    const out = {};
    for (const [fkey, known] of this.known) {
      if (!this.covered.has(fkey)) continue;
      const url = this.urls.get(fkey.slice(0, fkey.indexOf(':')));
      if (!url || !url.startsWith(base)) continue;
      const rel = url.slice(base.length);
      if (!inFiles(rel)) continue;
      const f = (out[rel] ??= { functionsRun: 0, blocks: 0, blocksRun: 0 });
      f.functionsRun++;
      f.blocks += 1 + known.list.length;
      f.blocksRun += 1;
      for (const [, , k] of known.list) if (this.covered.has(k)) f.blocksRun++;
    }
    return out;
  }
}

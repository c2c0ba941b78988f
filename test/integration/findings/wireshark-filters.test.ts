/**
 * Every Wireshark display filter a finding carries is valid for Wireshark itself and selects
 * the frames the finding cites — checked by tshark (4.0 here) with default preferences (an
 * empty WIRESHARK_CONFIG_DIR), over every lab capture (with and without its key log) and every
 * corpus capture that produces findings.
 *
 * tshark takes one `-Y` filter per run and is slow to start, so the checks go through
 * protocol-hierarchy taps (`-z io,phs,FILTER`): the filter is compiled by the same display
 * filter engine as `-Y` (an invalid one makes tshark refuse it by name) and the tap counts the
 * frames it matches. Per capture one tshark run counts, for every finding,
 * `(FILTER) && frame.number in {cited}`: it must equal the number of cited frames. Two-pass
 * (`-2`), like the Wireshark GUI, so TCP analysis flags are final. A sample of filters is also
 * run with `-Y` to show the taps and `-Y` agree frame for frame.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeFiles } from '../../../src/analyze.js';
import { framesFilter } from '../../../src/findings/filters.js';
import { CORPUS, corpusEntries, HAVE_CORPUS, HAVE_TSHARK, REPO, TSHARK } from '../../helpers/shared.js';
import { pool } from '../../helpers/tshark.js';

interface Check {
  file: string;
  id: string;
  filter: string;
  frames: number[];
}

const CONFIG_DIR = mkdtempSync(join(tmpdir(), 'rdpdiag-ws-default-'));

function run(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(TSHARK, args, { maxBuffer: 256 << 20, timeout: 300_000, env: { ...process.env, LC_ALL: 'C', WIRESHARK_CONFIG_DIR: CONFIG_DIR } }, (err, stdout, stderr) => {
      resolve({ stdout, stderr, code: err ? 1 : 0 });
    });
  });
}

/**
 * Frame counts per tap filter from `-q -z io,phs,F…` output: the sum of the top-level entries
 * (`frame`, and `pkt_comment` for frames that carry a comment).
 */
function phsCounts(stdout: string): Map<string, number> {
  const out = new Map<string, number>();
  let current: string | null = null;
  for (const line of stdout.split('\n')) {
    if (line.startsWith('Filter: ')) {
      current = line.slice('Filter: '.length);
      out.set(current, 0);
    } else if (line.startsWith('=')) {
      current = null;
    } else if (current !== null && /^\S+\s+frames:(\d+)/.test(line)) {
      out.set(current, out.get(current)! + Number(/frames:(\d+)/.exec(line)![1]));
    }
  }
  return out;
}

/** Protocol names that Wireshark does not dissect on 3389 without Decode As, or that do not exist. */
const NEEDS_DISSECTOR = /\b(x224|tls|ssl|rdp|t125|tpkt|cotp|credssp|http|kerberos)\b/;

const checks: Check[] = [];
let labFiles = 0;
let corpusFiles = 0;

async function collect(file: string, keylogs: string[]): Promise<void> {
  let r;
  try {
    r = await analyzeFiles([file], { keylogs });
  } catch {
    return; // unreadable corpus files are the readers' tests' business
  }
  for (const f of (r['findings'] as { id: string; filter: string; frames: number[] }[] | undefined) ?? []) {
    checks.push({ file, id: f.id, filter: f.filter, frames: f.frames });
  }
}

const LAB_MANIFEST = join(REPO, 'captures', 'manifest.json');

describe.skipIf(!HAVE_TSHARK)('Wireshark display filters of findings', () => {
  beforeAll(async () => {
    if (existsSync(LAB_MANIFEST)) {
      const lab = (JSON.parse(readFileSync(LAB_MANIFEST, 'utf8')) as { captures: { file: string; keylog: string | null }[] }).captures;
      for (const e of lab) {
        const file = join(REPO, 'captures', e.file);
        await collect(file, []);
        if (e.keylog) await collect(file, [join(REPO, 'captures', e.keylog)]);
        labFiles++;
      }
    }
    if (HAVE_CORPUS) {
      for (const e of corpusEntries()) {
        const before = checks.length;
        await collect(join(CORPUS, e.local), []);
        if (checks.length > before) corpusFiles++;
      }
    }
  }, 600_000);

  it('findings were produced on the lab and corpus captures', () => {
    expect(labFiles).toBeGreaterThan(50);
    expect(checks.length).toBeGreaterThan(100);
    if (HAVE_CORPUS) expect(corpusFiles).toBeGreaterThan(50);
  });

  it('no filter relies on a protocol dissector (Decode As) or a protocol name Wireshark lacks', () => {
    const bad = [...new Set(checks.map((c) => c.filter))].filter((f) => NEEDS_DISSECTOR.test(f));
    expect(bad).toEqual([]);
  });

  it('every distinct filter compiles in tshark (default preferences)', async () => {
    const distinct = [...new Set(checks.map((c) => c.filter))];
    const sample = join(REPO, 'captures', 'lab', 'sample-middlebox-reset-client.pcapng');
    const invalid: string[] = [];
    let left = distinct;
    // tshark names the first filter it refuses: take it out and run again.
    for (let round = 0; round < 50 && left.length; round++) {
      const r = await run(['-r', sample, '-q', ...left.flatMap((f) => ['-z', `io,phs,${f}`])]);
      if (r.code === 0) break;
      const m = /Filter "(.*)" is invalid/.exec(r.stderr);
      expect(m, r.stderr).not.toBeNull();
      invalid.push(`${m![1]} — ${r.stderr.trim().split('\n').pop()}`);
      left = left.filter((f) => f !== m![1]);
    }
    console.log(`[filters] ${distinct.length} distinct filters from ${checks.length} findings compiled by tshark; ${invalid.length} refused`);
    expect(invalid).toEqual([]);
  });

  it('every filter selects the frames its finding cites (one two-pass tshark run per capture)', async () => {
    const byFile = new Map<string, Check[]>();
    for (const c of checks) {
      if (c.frames.length === 0) continue;
      const list = byFile.get(c.file) ?? [];
      list.push(c);
      byFile.set(c.file, list);
    }
    const failures: string[] = [];
    let checked = 0;
    let selected = 0;
    await pool([...byFile.entries()], 2, async ([file, list]) => {
      const taps = new Map<string, Check>();
      for (const c of list) taps.set(`(${c.filter}) && ${framesFilter(c.frames)}`, c);
      const r = await run(['-2', '-r', file, '-q', '-z', 'io,phs,frame', ...[...taps.keys()].flatMap((t) => ['-z', `io,phs,${t}`])]);
      const counts = phsCounts(r.stdout);
      // A damaged file: tshark stops at the bad record where our reader resynchronises; only
      // the frames tshark read can be checked.
      const readByTshark = /appears to be damaged or corrupt/.test(r.stderr) ? counts.get('frame') ?? 0 : Infinity;
      for (const [tap, c] of taps) {
        checked++;
        const n = counts.get(tap);
        if (n === c.frames.filter((f) => f <= readByTshark).length) selected++;
        else failures.push(`${file.replace(REPO + '/', '').replace(CORPUS + '/', '')} ${c.id}: ${c.filter} selects ${n ?? `nothing (${r.stderr.trim().split('\n').pop()})`} of cited frames ${c.frames.join(',')}`);
      }
    });
    console.log(`[filters] ${checked} (filter, cited frames) pairs over ${byFile.size} captures: ${selected} select all their cited frames`);
    expect(failures).toEqual([]);
  }, 900_000);

  it('the taps agree with -Y: a sample of filters run with -Y selects the cited frames', async () => {
    const sample = checks.filter((c, i) => c.frames.length > 1 && i % 97 === 0).slice(0, 4);
    expect(sample.length).toBeGreaterThan(0);
    for (const c of sample) {
      const r = await run(['-2', '-r', c.file, '-Y', c.filter, '-T', 'fields', '-e', 'frame.number']);
      const got = new Set(r.stdout.split('\n').filter(Boolean).map(Number));
      for (const f of c.frames) expect(got.has(f), `${c.id} ${c.filter}: frame ${f}`).toBe(true);
    }
  }, 300_000);
});

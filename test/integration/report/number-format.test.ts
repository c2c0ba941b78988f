/**
 * Numbers in the reports are for people: every lab capture and every corpus capture (the oddest
 * timestamps included: a capture starting at the epoch, ones whose clock jumps by decades, nanosecond
 * pcaps) is rendered as text, Markdown and HTML; no number carries more than four decimals (times of
 * day and addresses aside), and no printed duration is longer than the capture's own span, read from
 * the first and last frame times tshark shows. Durations of over a year (a clock jump) and negative
 * ones are said, not printed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFiles } from '../../../src/analyze.js';
import { DURATION_BACKWARDS, DURATION_JUMP, formatDuration } from '../../../src/core/time.js';
import { renderHtml } from '../../../src/report/html.js';
import { renderMarkdown } from '../../../src/report/markdown.js';
import { renderText } from '../../../src/report/terminal.js';
import { corpusEntries, corpusPath, HAVE_CORPUS, HAVE_TSHARK, REPO, TSHARK } from '../../helpers/shared.js';

interface Input {
  path: string;
  keylogs: string[];
}

function inputs(): Input[] {
  const out: Input[] = [];
  const m = join(REPO, 'captures', 'manifest.json');
  if (existsSync(m)) {
    const lab = (JSON.parse(readFileSync(m, 'utf8')) as { captures: { file: string; keylog: string | null }[] }).captures;
    for (const e of lab) out.push({ path: join(REPO, 'captures', e.file), keylogs: e.keylog ? [join(REPO, 'captures', e.keylog)] : [] });
  }
  for (const e of corpusEntries()) {
    if (e.dup_of) continue;
    const p = corpusPath(e.local);
    if (!existsSync(p) || statSync(p).size > 20e6) continue;
    out.push({ path: p, keylogs: [] });
  }
  return out;
}

/** Times of day, dates, dotted addresses and versions are not measured numbers. */
const NOT_A_MEASURE = /[+-]?\d{4,6}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?|\d\d:\d\d:\d\d\.\d+|\d+(\.\d+){2,}|0x[0-9a-f]+/gi;
const LONG_DECIMAL = /\d\.\d{5,}/;

/** Every duration in formatDuration's forms, in seconds. */
const DURATION = /(?<![\w.:])(\d+)d(\d\d)h\b|(?<![\w.:])(\d+)h(\d\d)m\b|(?<![\w.:])(\d+)m(\d\d)s\b|(?<![\w.:])(\d+(?:\.\d+)?)(µs|ms|s)\b/g;
function durations(s: string): number[] {
  const out: number[] = [];
  for (const m of s.matchAll(DURATION)) {
    if (m[1]) out.push(+m[1] * 86400 + +m[2]! * 3600);
    else if (m[3]) out.push(+m[3] * 3600 + +m[4]! * 60);
    else if (m[5]) out.push(+m[5] * 60 + +m[6]!);
    else out.push(+m[7]! * (m[8] === 'µs' ? 1e-6 : m[8] === 'ms' ? 1e-3 : 1));
  }
  return out;
}

/** First and last frame time as tshark reads them (epoch seconds). */
function tsharkSpan(path: string): number | null {
  try {
    const out = execFileSync(TSHARK, ['-n', '-r', path, '-T', 'fields', '-e', 'frame.time_epoch'], { encoding: 'utf8', maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
    const ts = out.split('\n').filter(Boolean).map(Number).filter(Number.isFinite);
    if (ts.length === 0) return null;
    return Math.max(...ts) - Math.min(...ts);
  } catch {
    return null;
  }
}

describe('formatDuration', () => {
  it('uses sensible units and never more than three decimals', () => {
    expect(formatDuration(0.00005626678466796875)).toBe('56µs');
    expect(formatDuration(0.000232)).toBe('232µs');
    expect(formatDuration(0.0042)).toBe('4.2ms');
    expect(formatDuration(0.99996)).toBe('1.000s');
    expect(formatDuration(12.5)).toBe('12.500s');
    expect(formatDuration(119.9996)).toBe('2m00s');
    expect(formatDuration(185)).toBe('3m05s');
    expect(formatDuration(7199.6)).toBe('2h00m');
    expect(formatDuration(5 * 3600 + 7 * 60)).toBe('5h07m');
    expect(formatDuration(12 * 86400 + 4 * 3600)).toBe('12d04h');
  });
  it('says negative and over-a-year spans instead of printing them', () => {
    expect(formatDuration(-0.00005626678466796875 * 60)).toBe(DURATION_BACKWARDS);
    expect(formatDuration(-3)).toBe(DURATION_BACKWARDS);
    expect(formatDuration(7583878 * 60 + 24)).toBe(DURATION_JUMP);
    expect(formatDuration(NaN)).toBe('-');
  });
});

describe.skipIf(!HAVE_CORPUS || !HAVE_TSHARK)('numbers in every report format over the lab and corpus captures', () => {
  it('no number with more than four decimals, no duration longer than the capture', async () => {
    const all = inputs();
    expect(all.length).toBeGreaterThan(300);
    const bad: string[] = [];
    let checkedDurations = 0;
    for (const f of all) {
      let r;
      try {
        r = await analyzeFiles([f.path], { keylogs: f.keylogs });
      } catch {
        continue; // unreadable files are another test's business (a clear message, exit 2)
      }
      const span = (r.capture.durationSec as number | null | undefined) ?? null;
      const texts: [string, string][] = [
        ['text', renderText(r, {})],
        ['markdown', renderMarkdown(r)],
        ['html', renderHtml(r).replace(/<svg[\s\S]*?<\/svg>/g, '').replace(/<style[\s\S]*?<\/style>/g, '')],
      ];
      let wire: number | null | undefined;
      for (const [fmt, s] of texts) {
        const plain = s.replace(NOT_A_MEASURE, 'T');
        const long = LONG_DECIMAL.exec(plain);
        if (long) bad.push(`${fmt} ${f.path}: …${plain.slice(Math.max(0, long.index - 60), long.index + 20)}…`);
        // A clock difference (Kerberos skew) is not a span of the capture: those sentences are left out.
        const ds = durations(plain.replace(/[^.\n]*clock[^.\n]*/gi, ''));
        checkedDurations += ds.length;
        const max = ds.length ? Math.max(...ds) : 0;
        if (max > 1) {
          if (wire === undefined) wire = tsharkSpan(f.path);
          const w = wire ?? span ?? 0;
          const limit = w + Math.max(1, w * 0.01); // hours and days are rounded to the minute and hour
          if (max > limit) bad.push(`${fmt} ${f.path}: a duration of ${max} s in a capture of ${wire} s`);
        }
      }
    }
    expect(checkedDurations).toBeGreaterThan(1000);
    expect(bad).toEqual([]);
  }, 600_000);
});

/**
 * The terminal report in a real pseudo-terminal (script(1)): wrapped to the terminal's width
 * (stty cols), no line longer than it but a single unbreakable word, the verdict in the first
 * three lines, the connection table in a narrow layout when the full one does not fit;
 * $COLUMNS when standard output is not a terminal. Progress appears on standard error only
 * when it is a terminal (or with --progress), never with --quiet, at most about ten times a
 * second, and is cleared before the report.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { terminalWidth, wrapLine } from '../../../src/report/wrap.js';
import { corpusPath, HAVE_CORPUS, REPO } from '../../helpers/shared.js';

const BIN = join(REPO, 'bin', 'rdpdiag');
const LAB = join(REPO, 'captures', 'lab');
const HAVE_DIST = existsSync(join(REPO, 'dist', 'cli', 'main.js'));
const HAVE_SCRIPT = existsSync('/usr/bin/script');
const tmp = mkdtempSync(join(tmpdir(), 'rdpdiag-term-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const BIG = corpusPath('markofu__pcaps/NetworkForensics/evidence08.pcap.tgz_extracted/evidence08.pcap');

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs the CLI in a pseudo-terminal of `cols` columns; returns what the terminal received. */
function inPty(args: string[], cols: number): string {
  const log = join(tmp, `pty-${Math.random().toString(36).slice(2)}.log`);
  const cmd = `stty cols ${cols} rows 50; ${q(process.execPath)} ${[BIN, ...args].map(q).join(' ')}`;
  spawnSync('script', ['-qfec', cmd, log], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'ignore'], timeout: 120_000 });
  // Drop script's own first/last lines; normalise the terminal's CRLF.
  return readFileSync(log, 'utf8').split('\n').filter((l) => !/^Script (started|done)/.test(l)).join('\n').replace(/\r\n/g, '\n');
}

function overlong(lines: string[], width: number): string[] {
  // Longer than the width is allowed only for one unbreakable word (plus its indentation).
  return lines.filter((l) => [...l].length > width && /\S \S/.test(l.trim()));
}

describe('wrapping', () => {
  it('breaks at spaces, keeps long words whole, indents continuation lines', () => {
    const line = '  Next: ' + 'word '.repeat(30) + 'ip.addr==10.0.0.1&&tcp.port==3389&&tcp.flags.reset==1&&frame.number<99999';
    const out = wrapLine(line, 40);
    expect(out.join(' ').replace(/\s+/g, ' ').trim()).toBe(line.replace(/\s+/g, ' ').trim());
    for (const l of out) expect([...l].length <= 40 || !/\S \S/.test(l.trim())).toBe(true);
    expect(out.slice(1).every((l) => l.startsWith('      '))).toBe(true);
  });
  it('width from the terminal, else $COLUMNS, else 80', () => {
    expect(terminalWidth({ isTTY: true, columns: 63 }, { COLUMNS: '100' })).toBe(63);
    expect(terminalWidth({ isTTY: false }, { COLUMNS: '100' })).toBe(100);
    expect(terminalWidth({ isTTY: false }, {})).toBe(80);
  });
});

describe.skipIf(!HAVE_DIST || !HAVE_SCRIPT)('terminal report in a pseudo-terminal', () => {
  for (const cols of [60, 100]) {
    it(`${cols} columns: wrapped, verdict first, table fits`, () => {
      const out = inPty(['analyze', join(LAB, 'credssp-auth-failure-wrongpass-client.pcapng')], cols);
      const lines = out.split('\n');
      expect(lines.slice(0, 3).join('\n')).toMatch(/^VERDICT: credssp-auth-failure/m);
      expect(overlong(lines, cols)).toEqual([]);
      // No box-drawing line of the table is wider than the terminal.
      for (const l of lines.filter((x) => /[┌│└├]/.test(x))) expect([...l].length).toBeLessThanOrEqual(cols);
      expect(out).toMatch(/Connections: 2/);
    });
  }

  it('$COLUMNS when standard output is a pipe', () => {
    const r = spawnSync(process.execPath, [BIN, 'analyze', join(LAB, 'middlebox-reset-clienthello-client.pcapng')], { encoding: 'utf8', env: { ...process.env, COLUMNS: '50' } });
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^VERDICT: middlebox-reset/);
    expect(overlong(lines, 50)).toEqual([]);
    expect(r.stderr).toBe(''); // no progress without a terminal
  });

  it.skipIf(!HAVE_CORPUS || !existsSync(BIG))('progress on a terminal, cleared before the report; none with --quiet', () => {
    const out = inPty(['analyze', BIG, '-o', join(tmp, 'r.txt')], 100);
    const updates = out.split('\r').filter((s) => /^rdpdiag: \d+ frames, [\d.]+ MB \(\d+%\), [\d.]+ MB\/s/.test(s));
    expect(updates.length).toBeGreaterThan(0);
    expect(out).toMatch(/\r\x1b\[K/); // cleared
    expect(inPty(['analyze', BIG, '--quiet', '-o', join(tmp, 'r2.txt')], 100)).not.toMatch(/frames, /);
    // Forced with --progress on a pipe; at most ~10 updates a second.
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [BIN, 'analyze', BIG, '--progress', '-o', join(tmp, 'r3.txt')], { encoding: 'utf8' });
    const secs = (Date.now() - t0) / 1000;
    const n = r.stderr.split('\r').filter((s) => s.startsWith('rdpdiag: ')).length;
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(Math.ceil(secs * 10) + 1);
  });
});

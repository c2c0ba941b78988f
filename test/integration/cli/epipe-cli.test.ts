/**
 * `rdpdiag analyze … | head -1`: when the reader of standard output goes away the run stops writing
 * quietly — no stack trace on stderr — and still exits with the verdict's code (the exit code of the
 * same run with the whole report read).
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../../bin/rdpdiag', import.meta.url));
const CAPTURE = fileURLToPath(new URL('../../../captures/lab/credssp-spray-with-user-server.pcapng', import.meta.url));

function closeEarly(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Like `head -c 0`: the reader is gone before the report is written.
    child.stdout.destroy();
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('standard output closed by its reader', () => {
  const full = spawnSync(process.execPath, [BIN, 'analyze', CAPTURE, '-f', 'json'], { encoding: 'utf8' });
  it.each([['text'], ['json'], ['markdown'], ['html']])('%s: no stack trace, verdict exit code kept', async (format) => {
    expect(full.status).toBeGreaterThan(0); // the staged capture is a failure (captures/MANIFEST.md)
    const r = await closeEarly(['analyze', CAPTURE, '-f', format]);
    expect(r.stderr).not.toMatch(/EPIPE|at .*\.js:\d+|Unhandled/);
    expect(r.code).toBe(full.status);
  });
  it('--all: no stack trace', async () => {
    const r = await closeEarly(['analyze', CAPTURE, '--all']);
    expect(r.stderr).not.toMatch(/EPIPE|at .*\.js:\d+|Unhandled/);
    expect(r.code).toBe(full.status);
  });
});

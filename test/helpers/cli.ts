/**
 * Running the built CLI (bin/rdpdiag → dist/) as a user would: a child process with its exit code,
 * standard output and standard error, killed after a minute.
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './shared.js';

export const BIN = join(REPO, 'bin', 'rdpdiag');
export const HAVE_DIST = existsSync(join(REPO, 'dist', 'cli', 'main.js'));

/** `stdinFile`: piped to the CLI's standard input (for `-`); otherwise standard input is empty. */
export function runCli(args: string[], stdinFile?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    if (stdinFile) createReadStream(stdinFile).pipe(child.stdin);
    else child.stdin.end();
  });
}

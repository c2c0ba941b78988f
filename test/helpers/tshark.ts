/**
 * Running tshark as a differential oracle.
 */
import { execFile } from 'node:child_process';
import { TSHARK } from './shared.js';

export function tshark(args: string[], timeoutMs = 120_000): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(TSHARK, args, { maxBuffer: 512 << 20, timeout: timeoutMs, env: { ...process.env, LC_ALL: 'C' } }, (err, stdout, stderr) => {
      const code = err ? ((err as NodeJS.ErrnoException & { code?: number }).code as unknown as number) ?? 1 : 0;
      resolve({ stdout, stderr, code: typeof code === 'number' ? code : 1 });
    });
  });
}

/** Runs `fn` over items with at most `n` in flight. */
export async function pool<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(n, items.length) }, async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return out;
}

export interface TsharkTcpFrame {
  frame: number;
  stream: number | null;
  experts: string;
  rst: boolean;
}

/** Per-frame TCP stream and expert messages (FT_NONE analysis fields print nothing with -T fields). */
export async function tsharkTcpFrames(file: string): Promise<{ frames: TsharkTcpFrame[]; stderr: string }> {
  const r = await tshark(['-r', file, '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-e', 'frame.number', '-e', 'tcp.stream', '-e', 'tcp.flags.reset', '-e', '_ws.expert.message']);
  const frames: TsharkTcpFrame[] = [];
  for (const line of r.stdout.split('\n')) {
    if (!line) continue;
    const [fn, stream, rst, experts] = line.split('\t');
    frames.push({
      frame: Number(fn),
      stream: stream ? Number(stream.split(',')[0]) : null,
      experts: experts ?? '',
      rst: (rst ?? '').split(',')[0] === '1',
    });
  }
  return { frames, stderr: r.stderr };
}

/**
 * A scratch file per thread for targets that read a path: in the run's scratch directory (made
 * and removed by the main thread, lib/fuzzer.mjs), else in /dev/shm or the temp directory.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId, workerData } from 'node:worker_threads';

let dir = null;
export function scratchPath(name) {
  dir ??= workerData?.scratchDir ?? mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'rdpdiag-fuzz-'));
  return join(dir, `${name}-${process.pid}-${threadId}`);
}

/**
 * Output files (the report, --annotate, live -w): checked before the analysis starts, so a
 * directory, a full device or a missing folder is refused at once (exit 2) instead of after a
 * long analysis; a write that fails anyway is a clear message, not a stack trace.
 */
import { accessSync, closeSync, constants as fsConstants, openSync, statSync, statfsSync, writeFileSync, writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import { dirname, resolve } from 'node:path';
import { ErrorCode, RdpdiagError } from '../core/errors.js';

export function checkWritable(output: string, option = '--output'): void {
  const fail = (why: string): never => {
    throw new RdpdiagError(ErrorCode.BAD_ARGUMENT, `${option} ${output}: cannot write there (${why})`);
  };
  if (output === '') fail('empty name');
  const st = statSync(output, { throwIfNoEntry: false });
  if (st?.isDirectory()) fail('it is a directory');
  const dir = dirname(resolve(output));
  const dst = statSync(dir, { throwIfNoEntry: false });
  if (!st) {
    if (!dst) fail(`the folder ${dir} does not exist`);
    if (!dst!.isDirectory()) fail(`${dir} is not a folder`);
  }
  try {
    accessSync(st ? output : dir, fsConstants.W_OK);
  } catch (e) {
    fail((e as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : (e as Error).message);
  }
  if (st?.isCharacterDevice()) {
    // A device takes or refuses bytes only when written to (/dev/full says ENOSPC): try one.
    let fd = -1;
    try {
      fd = openSync(output, 'a');
      if (!isatty(fd)) writeSync(fd, '\n');
    } catch (e) {
      fail(errnoText(e));
    } finally {
      if (fd >= 0) closeSync(fd);
    }
    return;
  }
  if (st && !st.isFile()) return; // a FIFO or socket: opening it could block; the write says.
  try {
    const fs = statfsSync(dir);
    if (fs.bavail === 0) fail('no space left on the device');
  } catch (e) {
    if (e instanceof RdpdiagError) throw e;
  }
}

function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'ENOENT') return 'the folder does not exist';
  return (e as Error).message;
}

/** Writes a whole report; a failure is an operational error with the reason. */
export function writeReportFile(output: string, text: string | Uint8Array, option = '--output'): void {
  try {
    writeFileSync(output, text);
  } catch (e) {
    throw new RdpdiagError(ErrorCode.BAD_ARGUMENT, `${option} ${output}: writing the report failed (${errnoText(e)})`);
  }
}

export function writeFailure(output: string, e: unknown, option = '--output'): RdpdiagError {
  return new RdpdiagError(ErrorCode.BAD_ARGUMENT, `${option} ${output}: writing failed (${errnoText(e)})`);
}



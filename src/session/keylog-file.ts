/**
 * Reads a --keylog file as a stream of lines, bounded: a line longer than MAX_LINE is skipped
 * (counted, its first line number kept), and reading stops after MAX_TOTAL bytes. Only regular
 * files and stdin ("-") are read: a device (/dev/zero never ends), a FIFO or a directory is
 * refused with a message before the analysis. What was skipped is counted for the report.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { ErrorCode, RdpdiagError } from '../core/errors.js';

/** Longer than any NSS key log line (a TLS 1.3 SHA-384 line is under 200 characters). */
export const MAX_LINE = 4096;
/** Key log bytes read at most (about 150 000 lines, tens of thousands of sessions). */
export const MAX_TOTAL = 32 << 20;
const CHUNK = 1 << 16;

export interface KeyLogReadStats {
  /** Bytes read. */
  bytes: number;
  /** Lines over MAX_LINE, skipped whole, and the number of the first. */
  overlongLines: number;
  firstOverlongLine: number | null;
  /** Reading stopped at MAX_TOTAL bytes: the rest of the file was not read. */
  stoppedAtLimit: boolean;
}

function kindOf(st: Stats): string {
  if (st.isCharacterDevice()) return 'character device';
  if (st.isBlockDevice()) return 'block device';
  if (st.isFIFO()) return 'FIFO';
  if (st.isDirectory()) return 'directory';
  if (st.isSocket()) return 'socket';
  return 'special file';
}

/**
 * Calls `batch(text, firstLine)` with whole lines (each batch ends with a line end, or is the
 * file's last line); never holds more than a chunk plus one line.
 */
export function readKeyLogLines(path: string, batch: (text: string, firstLine: number) => void): KeyLogReadStats {
  const stdin = path === '-';
  let fd: number;
  try {
    // Non-blocking open: opening a FIFO for reading would wait for a writer before fstat can refuse it.
    fd = stdin ? 0 : openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new RdpdiagError(ErrorCode.KEYLOG_UNREADABLE, `${path}: cannot read key log (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, path);
  }
  const stats: KeyLogReadStats = { bytes: 0, overlongLines: 0, firstOverlongLine: null, stoppedAtLimit: false };
  try {
    const st = fstatSync(fd);
    if (!stdin && !st.isFile()) {
      throw new RdpdiagError(ErrorCode.KEYLOG_UNREADABLE, `${path}: is a ${kindOf(st)}, not a key log file; --keylog reads regular files, or stdin as "-"`, path);
    }
    const buf = Buffer.allocUnsafe(CHUNK);
    let partial = '';
    let skipping = false; // inside an overlong line
    let line = 1; // number of the first line of `partial` (or of the line being skipped)
    for (;;) {
      if (stats.bytes >= MAX_TOTAL) {
        stats.stoppedAtLimit = true;
        break;
      }
      let n: number;
      try {
        n = readSync(fd, buf, 0, Math.min(CHUNK, MAX_TOTAL - stats.bytes), null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        if ((e as NodeJS.ErrnoException).code === 'EOF') break;
        throw new RdpdiagError(ErrorCode.KEYLOG_UNREADABLE, `${path}: cannot read key log (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, path);
      }
      if (n === 0) break;
      stats.bytes += n;
      let text = buf.toString('latin1', 0, n); // key log lines are ASCII; latin1 never fails
      if (skipping) {
        const nl = text.indexOf('\n');
        if (nl < 0) continue;
        text = text.slice(nl + 1);
        skipping = false;
        line++;
      }
      text = partial + text;
      const cut = text.lastIndexOf('\n');
      const whole = cut < 0 ? '' : text.slice(0, cut + 1);
      const rest = cut < 0 ? text : text.slice(cut + 1);
      if (whole !== '') {
        batch(whole, line);
        line += countLines(whole);
      }
      if (rest.length > MAX_LINE) {
        stats.overlongLines++;
        stats.firstOverlongLine ??= line;
        partial = '';
        skipping = true;
      } else partial = rest;
    }
    if (partial !== '' && !skipping) batch(partial, line);
  } finally {
    if (!stdin) closeSync(fd);
  }
  return stats;
}

function countLines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Progress on standard error while captures are read: frames, MB, percent of the input, rate
 * and time left, redrawn at most ten times a second. The read loop pays a counter increment per
 * frame; the clock is read only every PROGRESS_EVERY frames.
 */
import { statSync } from 'node:fs';
import type { Frame } from '../capture/frame.js';

/** Frames between two looks at the clock. */
export const PROGRESS_EVERY = 2048;
/** Shortest time between two redraws, in milliseconds. */
export const PROGRESS_INTERVAL_MS = 100;

export class Progress {
  private frames = 0;
  private bytes = 0;
  private readonly total: number | null;
  private readonly started = Date.now();
  private last = 0;
  private drawn = false;
  /** Redraws so far (tests). */
  updates = 0;

  constructor(
    files: string[],
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    let total = 0;
    let known = true;
    for (const f of files) {
      const st = f === '-' ? undefined : statSync(f, { throwIfNoEntry: false });
      // A compressed file's size is not the size of what is read.
      if (!st || !st.isFile() || /\.gz$/i.test(f)) known = false;
      else total += st.size;
    }
    this.total = known && total > 0 ? total : null;
  }

  /** Called for every frame: a counter, and the clock every PROGRESS_EVERY frames. */
  readonly frame = (f: Frame): void => {
    this.bytes += f.caplen + 16;
    if (++this.frames % PROGRESS_EVERY !== 0) return;
    const now = Date.now();
    if (now - this.last < PROGRESS_INTERVAL_MS) return;
    this.last = now;
    this.draw(now);
  };

  line(now = Date.now()): string {
    const secs = Math.max((now - this.started) / 1000, 1e-3);
    const mb = this.bytes / 1e6;
    const rate = mb / secs;
    let s = `rdpdiag: ${this.frames} frames, ${mb.toFixed(1)} MB`;
    if (this.total !== null) {
      const frac = Math.min(this.bytes / this.total, 1);
      s += ` (${Math.floor(frac * 100)}%)`;
      s += `, ${rate.toFixed(1)} MB/s`;
      if (frac > 0 && frac < 1) s += `, ETA ${Math.ceil((secs / frac) * (1 - frac))}s`;
    } else s += `, ${rate.toFixed(1)} MB/s`;
    return s;
  }

  private draw(now: number): void {
    const width = this.out.columns && this.out.columns > 10 ? this.out.columns - 1 : 79;
    this.out.write(`\r${this.line(now).slice(0, width)}\x1b[K`);
    this.drawn = true;
    this.updates++;
  }

  /** Clears the line (the report follows on standard output). */
  done(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
  }
}

/** Whether to show progress: forced by --progress or --quiet, else when stderr is a terminal. */
export function wantProgress(opts: { progress?: boolean; quiet?: boolean }, stderr: { isTTY?: boolean } = process.stderr): boolean {
  if (opts.quiet) return false;
  if (opts.progress) return true;
  return stderr.isTTY === true;
}

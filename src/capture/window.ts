/**
 * A sliding read window over a ByteSource. Record readers parse synchronously over
 * [start, end) and ask for a refill only when a record straddles the end; memory is the
 * window size, which grows only up to a record-size limit.
 */
import type { ByteSource } from './byte-source.js';

/** 4 MiB: fewer awaits per file (each read costs a trip through the event loop). */
export const DEFAULT_WINDOW = 4 << 20;

export class ReadWindow {
  buf: Uint8Array;
  /** First unconsumed byte and end of valid data in `buf`. */
  start = 0;
  end = 0;
  /** File offset of buf[0]. */
  base = 0;
  eof = false;

  constructor(
    private readonly src: ByteSource,
    size = DEFAULT_WINDOW,
  ) {
    this.buf = new Uint8Array(size);
  }

  get available(): number {
    return this.end - this.start;
  }
  /** File offset of `start`. */
  get offset(): number {
    return this.base + this.start;
  }

  /**
   * Makes at least `n` bytes available from `start` (fewer only at end of data).
   * Grows the buffer when `n` exceeds it; callers bound `n` before asking.
   */
  async fill(n: number): Promise<void> {
    if (this.available >= n || this.eof) return;
    if (n > this.buf.length) {
      const next = new Uint8Array(Math.max(n, this.buf.length * 2));
      next.set(this.buf.subarray(this.start, this.end));
      this.base += this.start;
      this.end -= this.start;
      this.start = 0;
      this.buf = next;
    } else if (this.start > 0) {
      this.buf.copyWithin(0, this.start, this.end);
      this.base += this.start;
      this.end -= this.start;
      this.start = 0;
    }
    while (this.available < n && !this.eof) {
      const got = await this.src.read(this.buf, this.end, this.buf.length - this.end);
      if (got === 0) this.eof = true;
      else this.end += got;
    }
  }

  /** Shrinks an oversized buffer back once a large record has been consumed. */
  shrink(size = DEFAULT_WINDOW): void {
    if (this.buf.length > size && this.available <= size) {
      const next = new Uint8Array(size);
      next.set(this.buf.subarray(this.start, this.end));
      this.base += this.start;
      this.end -= this.start;
      this.start = 0;
      this.buf = next;
    }
  }
}

/**
 * Variable-length parsing that reports "need more" or "malformed" instead of throwing.
 * A Cursor reads forward over a view; every read checks bounds and, on failure,
 * latches `ok = false` and returns 0 so parsers can test once at the end.
 */
import { u16be, u16le, u32be, u32le } from './bytes.js';

export class Cursor {
  pos: number;
  ok = true;
  constructor(
    readonly buf: Uint8Array,
    readonly start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }
  get remaining(): number {
    return this.end - this.pos;
  }
  has(n: number): boolean {
    return this.ok && this.pos + n <= this.end;
  }
  private need(n: number): boolean {
    if (!this.ok || this.pos + n > this.end) {
      this.ok = false;
      return false;
    }
    return true;
  }
  u8(): number {
    if (!this.need(1)) return 0;
    return this.buf[this.pos++]!;
  }
  u16be(): number {
    if (!this.need(2)) return 0;
    const v = u16be(this.buf, this.pos);
    this.pos += 2;
    return v;
  }
  u16le(): number {
    if (!this.need(2)) return 0;
    const v = u16le(this.buf, this.pos);
    this.pos += 2;
    return v;
  }
  u32be(): number {
    if (!this.need(4)) return 0;
    const v = u32be(this.buf, this.pos);
    this.pos += 4;
    return v;
  }
  u32le(): number {
    if (!this.need(4)) return 0;
    const v = u32le(this.buf, this.pos);
    this.pos += 4;
    return v;
  }
  skip(n: number): boolean {
    if (n < 0 || !this.need(n)) return false;
    this.pos += n;
    return true;
  }
  /** A view (no copy) of the next n bytes; empty view and ok=false when short. */
  bytes(n: number): Uint8Array {
    if (n < 0 || !this.need(n)) return new Uint8Array(0);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
}

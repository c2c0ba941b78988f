/**
 * The live key-log delay line: frames come out unchanged and in order, only once they are the
 * hold time older than the newest frame (or at the end), after the key logs were read; a full
 * ring releases the oldest early and says how many.
 */
import { describe, expect, it } from 'vitest';
import { DelayLine } from '../../../src/capture/delay-line.js';
import { newFrame, type Frame } from '../../../src/capture/frame.js';
import type { FrameSink } from '../../../src/capture/source.js';

interface Out {
  index: number;
  ts: number;
  tsSec: number;
  tsNsec: number;
  caplen: number;
  origLen: number;
  linkType: number;
  bytes: number[];
  /** Key-log polls done before this frame came out. */
  polls: number;
}

function harness(hold: number, maxBytes?: number, maxFrames?: number) {
  const out: Out[] = [];
  let polls = 0;
  const sink: FrameSink = {
    frame: (f: Frame) =>
      out.push({ index: f.index, ts: f.ts, tsSec: f.tsSec, tsNsec: f.tsNsec, caplen: f.caplen, origLen: f.origLen, linkType: f.linkType, bytes: [...f.data], polls }),
    issue: () => {},
    interface: () => {},
    secrets: () => {},
  };
  const line = new DelayLine(sink, hold, () => polls++, maxBytes, maxFrames);
  const f = newFrame();
  const push = (index: number, ts: number, len: number): void => {
    f.index = index;
    f.origLen = 0;
    f.ts = ts;
    f.tsSec = Math.floor(ts);
    f.tsNsec = Math.round((ts - Math.floor(ts)) * 1e9);
    f.caplen = len;
    f.origLen = index > 1e9 ? index : len + 10;
    f.linkType = 1;
    // The source reuses its buffer: the line must have copied the bytes.
    f.data = Uint8Array.from({ length: len }, (_, i) => (index * 7 + i) & 0xff);
  };
  return {
    out,
    line,
    get polls() {
      return polls;
    },
    send(index: number, ts: number, len: number) {
      push(index, ts, len);
      line.frame(f);
      f.data.fill(0xee);
    },
  };
}

const expected = (index: number, len: number) => Array.from({ length: len }, (_, i) => (index * 7 + i) & 0xff);

describe('DelayLine', () => {
  it('holds frames until they are the hold time older than the newest, then releases them in order, bytes intact', () => {
    const h = harness(2);
    h.send(1, 100.0, 60);
    h.send(2, 100.5, 1500);
    h.send(3, 101.9, 40);
    expect(h.out).toHaveLength(0);
    h.send(4, 102.0, 54); // frame 1 is now 2 s old
    expect(h.out.map((o) => o.index)).toEqual([1]);
    h.send(5, 103.0, 80); // frame 2 (100.5) is due, frame 3 (101.9) not yet
    expect(h.out.map((o) => o.index)).toEqual([1, 2]);
    h.send(6, 104.0, 80);
    expect(h.out.map((o) => o.index)).toEqual([1, 2, 3, 4]);
    h.line.flush();
    expect(h.out.map((o) => o.index)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const o of h.out) {
      expect(o.bytes).toEqual(expected(o.index, o.caplen));
      expect(o.origLen).toBe(o.caplen + 10);
      expect(o.tsSec + o.tsNsec / 1e9).toBeCloseTo(o.ts, 6);
    }
    expect(h.line.early).toBe(0);
  });

  it('reads the key logs before it releases anything (and at the end)', () => {
    const h = harness(1);
    h.send(1, 10, 20);
    h.send(2, 11.5, 20);
    expect(h.out[0]!.polls).toBe(1);
    h.line.flush();
    expect(h.out[1]!.polls).toBe(2);
  });

  it('a full ring releases the oldest early, in order, and counts them', () => {
    const h = harness(5, 1000, 1000);
    for (let i = 1; i <= 30; i++) h.send(i, 50 + i * 0.01, 100);
    // 1 000 bytes hold at most 10 frames of 100 bytes.
    expect(h.out.length).toBeGreaterThanOrEqual(20);
    expect(h.line.held).toBeLessThanOrEqual(10);
    expect(h.line.early).toBe(h.out.length);
    h.line.flush();
    expect(h.out.map((o) => o.index)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    for (const o of h.out) expect(o.bytes).toEqual(expected(o.index, 100));
  });

  it('a frame larger than the ring goes through after what is held, in order', () => {
    const h = harness(5, 256, 100);
    h.send(1, 1, 100);
    h.send(2, 1.1, 300);
    h.send(3, 1.2, 10);
    h.line.flush();
    expect(h.out.map((o) => [o.index, o.bytes.length])).toEqual([[1, 100], [2, 300], [3, 10]]);
    expect(h.out[1]!.bytes).toEqual(expected(2, 300));
  });

  it('wraps around a small ring with mixed sizes without corrupting a byte', () => {
    const h = harness(0.05, 4096, 64);
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const sizes: number[] = [];
    for (let i = 1; i <= 2000; i++) {
      const len = 1 + Math.floor(rnd() * 1400);
      sizes.push(len);
      h.send(i, 1000 + i * 0.001, len);
    }
    h.line.flush();
    expect(h.out.map((o) => o.index)).toEqual(sizes.map((_, i) => i + 1));
    for (const o of h.out) expect(o.bytes).toEqual(expected(o.index, sizes[o.index - 1]!));
  });

  it('a frame without a timestamp is due at once: it does not hold back the frames behind it', () => {
    const h = harness(1);
    h.send(1, NaN, 30);
    for (let i = 2; i <= 10; i++) h.send(i, 100 + i, 30);
    expect(h.out.map((o) => o.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]); // 110 − 1 s: up to frame 9 (109)
  });

  it('zero-length frames are held like the others and do not force anything out early', () => {
    const h = harness(100, 1000, 100);
    h.send(1, 1, 0);
    h.send(2, 2, 10);
    h.send(3, 3, 0);
    h.send(4, 4, 990);
    expect(h.out).toHaveLength(0);
    expect(h.line.early).toBe(0);
    h.line.flush();
    expect(h.out.map((o) => [o.index, o.bytes.length])).toEqual([[1, 0], [2, 10], [3, 0], [4, 990]]);
  });

  it('frame numbers and wire lengths beyond 2^31 come out unchanged', () => {
    const h = harness(0);
    h.send(3_000_000_000, 1, 20);
    h.line.flush();
    expect(h.out[0]!.index).toBe(3_000_000_000);
    expect(h.out[0]!.origLen).toBe(3_000_000_000);
  });

  it('an empty frame at the head does not let later bytes be overwritten', () => {
    const h = harness(3, 14, 5);
    h.send(1, 1, 7);
    h.send(2, 2, 0);
    h.send(3, 3, 13);
    h.send(4, 4, 7);
    h.line.flush();
    expect(h.out.map((o) => o.index)).toEqual([1, 2, 3, 4]);
    for (const o of h.out) expect(o.bytes).toEqual(expected(o.index, o.caplen));
  });
});

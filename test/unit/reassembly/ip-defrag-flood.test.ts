/**
 * A flood of first fragments with distinct IDs inside the reassembly timeout (issue 13 item 3):
 * it used to hold every set (1 M sets: 1.25 GB, 250 s), because the byte budget counted payload
 * only. Pending sets are capped (MAX_SETS), their bookkeeping is counted in the budget, the
 * oldest go first, and every set given up is counted (listed up to a limit).
 */
import { describe, expect, it } from 'vitest';
import { decodeFrame } from '../../../src/decode/decoder.js';
import { LinkType, Packet } from '../../../src/decode/packet.js';
import { IpDefragmenter, MAX_PIECES, MAX_SETS } from '../../../src/reassembly/ip-defrag.js';
import { frameOf, ipv4 } from '../decode/build.js';

const payload = new Uint8Array(8);
const p = new Packet();

function first(i: number): Uint8Array {
  return ipv4({ proto: 17, id: i & 0xffff, mf: true, fragOffset: 0, src: `10.${(i >>> 16) & 0xff}.0.1`, dst: '10.255.0.254' }, payload);
}
function last(i: number): Uint8Array {
  return ipv4({ proto: 17, id: i & 0xffff, mf: false, fragOffset: 8, src: `10.${(i >>> 16) & 0xff}.0.1`, dst: '10.255.0.254' }, payload);
}
function feed(d: IpDefragmenter, bytes: Uint8Array, frame: number, ts: number) {
  expect(decodeFrame(p, frameOf(LinkType.RAW, bytes, frame))).toBe(true);
  return d.add(p, frame, ts);
}

/** Feeds n first fragments 1 µs apart; returns the milliseconds taken. */
function flood(d: IpDefragmenter, n: number): number {
  const frames = Array.from({ length: 4096 }, (_, i) => first(i)); // built once, ids patched below
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const b = frames[i & 4095]!;
    b[4] = (i >>> 8) & 0xff; // IPv4 identification
    b[5] = i & 0xff;
    b[13] = (i >>> 16) & 0xff; // second byte of the source address
    feed(d, b, i + 1, 1000 + i * 1e-6);
  }
  return performance.now() - t0;
}

describe('IpDefragmenter under a flood of first fragments', () => {
  it(`200 000 distinct sets: at most ${MAX_SETS} pending, the oldest given up and counted, in linear time`, () => {
    const small = new IpDefragmenter();
    const tSmall = flood(small, 50_000);
    const d = new IpDefragmenter();
    const tBig = flood(d, 200_000);
    expect(d.pending).toBeLessThanOrEqual(MAX_SETS);
    expect(d.peakSets).toBeLessThanOrEqual(MAX_SETS);
    expect(d.givenUp.memory).toBe(200_000 - d.pending);
    expect(d.incomplete.length + d.notListed).toBe(d.givenUp.memory);
    expect(d.incomplete.every((s) => s.reason === 'memory' && s.fragments === 1)).toBe(true);
    // The oldest went first: the first set given up is set 0, the newest is still pending.
    expect(d.incomplete[0]!.firstFrame).toBe(1);
    expect(feed(d, last(199_999), 300_000, 1000.3)).not.toBeNull();
    expect(feed(d, last(0), 300_001, 1000.3)).toBeNull();
    // 4× the sets in at most ~8× the time (quadratic would be 16×; generous for a loaded machine).
    expect(tBig / Math.max(tSmall, 1)).toBeLessThan(8);
    d.flush(1000.4);
    expect(d.pending).toBe(0);
    expect(d.givenUp['end-of-capture']).toBeGreaterThan(0);
  });

  it(`one set of more than ${MAX_PIECES} tiny fragments is given up for memory`, () => {
    const d = new IpDefragmenter();
    for (let k = 0; k <= MAX_PIECES; k++) {
      const b = ipv4({ proto: 17, id: 7, mf: true, fragOffset: 8 + k * 8, src: '192.0.2.1', dst: '192.0.2.2' }, payload);
      feed(d, b, k + 1, 100);
    }
    expect(d.givenUp.memory).toBe(1);
    expect(d.incomplete[0]!.fragments).toBe(MAX_PIECES + 1);
    expect(d.incomplete[0]!.seen.length).toBe(64);
    expect(d.pending).toBe(0);
  });
});

/**
 * IpDefragmenter on hand-built fragments (RFC 791 / RFC 8200 layouts, see ../decode/build.ts):
 * any arrival order, the rebuilt header, overlaps with conflicting data counted, sets that
 * never complete reported with their frames and why (timeout on capture time, end of capture).
 */
import { describe, expect, it } from 'vitest';
import { decodeFrame, decodeTransport } from '../../../src/decode/decoder.js';
import { LinkType, Packet } from '../../../src/decode/packet.js';
import { IpDefragmenter, REASSEMBLY_TIMEOUT_V4, REASSEMBLY_TIMEOUT_V6 } from '../../../src/reassembly/ip-defrag.js';
import { bytes, frameOf, ipv4, ipv6, u16, u32, udp } from '../decode/build.js';

const payload = Array.from({ length: 3000 }, (_, i) => (i * 13) & 0xff);
const whole = udp(5353, 3389, payload); // 3008 bytes of UDP

/** IPv4 fragments of `whole` at the given 8-byte-aligned cut points. */
function v4frags(cuts: number[], id = 0x77): Uint8Array[] {
  const edges = [0, ...cuts, whole.length];
  return edges.slice(0, -1).map((start, i) =>
    ipv4({ proto: 17, id, mf: i < edges.length - 2, fragOffset: start, src: '192.0.2.1', dst: '192.0.2.2' }, whole.subarray(start, edges[i + 1])),
  );
}

function feed(d: IpDefragmenter, frame: Uint8Array, index: number, ts: number) {
  const p = new Packet();
  expect(decodeFrame(p, frameOf(LinkType.RAW, frame, index))).toBe(true);
  expect(p.isFragment).toBe(true);
  return d.add(p, index, ts);
}

function transportOf(data: Uint8Array, l4Offset: number): Packet {
  const p = new Packet();
  expect(decodeFrame(p, frameOf(LinkType.RAW, data))).toBe(true);
  expect(p.isFragment).toBe(false);
  expect(p.l4Offset).toBe(l4Offset);
  decodeTransport(p);
  return p;
}

describe('IpDefragmenter', () => {
  it.each([
    ['in order', [0, 1, 2]],
    ['reversed', [2, 1, 0]],
    ['last first', [2, 0, 1]],
  ])('IPv4, three fragments %s: one datagram with a fixed header (length, no MF/offset)', (_l, order) => {
    const frags = v4frags([1480, 2960]);
    const d = new IpDefragmenter();
    let out = null;
    order.forEach((k, i) => {
      const r = feed(d, frags[k]!, i + 1, 100 + i * 0.001);
      if (i < 2) expect(r).toBeNull();
      else out = r;
    });
    expect(out).not.toBeNull();
    const o = out as unknown as { data: Uint8Array; l4Offset: number; frames: number[] };
    expect(o.data.length).toBe(20 + whole.length);
    expect(Buffer.from(o.data.subarray(20)).equals(Buffer.from(whole))).toBe(true);
    expect(o.frames.sort()).toEqual([1, 2, 3]);
    const p = transportOf(o.data, 20);
    expect([p.ipTotalLength, p.srcPort, p.dstPort, p.segLength]).toEqual([20 + whole.length, 5353, 3389, 3000]);
    expect(d.completed).toBe(1);
  });

  it('IPv6 fragments (Fragment header, 32-bit id): rebuilt and decodable to UDP', () => {
    // Fragment header: next header, reserved, offset|M, identification.
    const frag = (off: number, more: boolean, part: Uint8Array) => ipv6({ next: 44 }, bytes([17, 0], u16(off | (more ? 1 : 0)), u32(0xcafe), part));
    const d = new IpDefragmenter();
    expect(feed(d, frag(1232, false, whole.subarray(1232)), 1, 5)).toBeNull();
    const out = feed(d, frag(0, true, whole.subarray(0, 1232)), 2, 5.001)!;
    expect(out).not.toBeNull();
    expect(out.data.length - out.l4Offset).toBe(whole.length);
    expect(Buffer.from(out.data.subarray(out.l4Offset)).equals(Buffer.from(whole))).toBe(true);
  });

  it('an overlap with different bytes is counted as a conflict; with identical bytes it is not', () => {
    const d = new IpDefragmenter();
    const [a, b] = v4frags([1480]);
    feed(d, a!, 1, 1);
    const dup = ipv4({ proto: 17, id: 0x77, mf: true, fragOffset: 1472, src: '192.0.2.1', dst: '192.0.2.2' }, whole.subarray(1472, 1480));
    feed(d, dup, 2, 1);
    expect(d.overlapConflicts).toBe(0);
    const evil = ipv4({ proto: 17, id: 0x77, mf: true, fragOffset: 1472, src: '192.0.2.1', dst: '192.0.2.2' }, new Uint8Array(8).fill(0xee));
    feed(d, evil, 3, 1);
    // Counted per earlier fragment it contradicts: the first fragment and its duplicate tail.
    expect(d.overlapConflicts).toBe(2);
    expect(feed(d, b!, 4, 1)).not.toBeNull();
  });

  it(`a set older than ${REASSEMBLY_TIMEOUT_V4}s (IPv4) on capture time is reported lost by timeout with its frames`, () => {
    const d = new IpDefragmenter();
    const [a, , c] = v4frags([1480, 2960], 0x99);
    feed(d, a!, 7, 1000);
    feed(d, c!, 9, 1001);
    // Another set's fragment 31 s later triggers the expiry.
    feed(d, v4frags([1480], 0x100)[0]!, 12, 1000 + REASSEMBLY_TIMEOUT_V4 + 1);
    expect(d.incomplete.length).toBe(1);
    const s = d.incomplete[0]!;
    expect([s.reason, s.id, s.firstFrame, s.hasFirst, s.hasLast, s.waited, s.srcPort, s.dstPort]).toEqual(['timeout', 0x99, 7, true, true, REASSEMBLY_TIMEOUT_V4, 5353, 3389]);
    expect(s.seen.map((q) => [q.frame, q.offset, q.length, q.more])).toEqual([
      [7, 0, 1480, true],
      [9, 2960, 48, false],
    ]);
  });

  it(`IPv6 waits ${REASSEMBLY_TIMEOUT_V6}s; whatever is left at the end of the capture is reported as end-of-capture`, () => {
    const frag = (id: number) => ipv6({ next: 44 }, bytes([17, 0], u16(1), u32(id), whole.subarray(0, 1232)));
    const d = new IpDefragmenter();
    feed(d, frag(1), 1, 0);
    feed(d, frag(2), 2, REASSEMBLY_TIMEOUT_V4 + 5); // past the IPv4 timeout, within IPv6's
    expect(d.incomplete).toEqual([]);
    feed(d, frag(3), 3, REASSEMBLY_TIMEOUT_V6 + 1);
    expect(d.incomplete.map((s) => [s.id, s.reason])).toEqual([[1, 'timeout']]);
    d.flush(REASSEMBLY_TIMEOUT_V6 + 2);
    expect(d.incomplete.map((s) => [s.id, s.reason, s.hasFirst, s.hasLast])).toEqual([
      [1, 'timeout', true, false],
      [2, 'end-of-capture', true, false],
      [3, 'end-of-capture', true, false],
    ]);
  });
});

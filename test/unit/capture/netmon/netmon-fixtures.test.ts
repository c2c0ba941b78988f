/**
 * NetMon layouts the corpus lacks, built by hand from the format description (NetMon 3.x
 * help "Capture File Format", Wireshark's wiretap/netmon.c): 2.0 without per-packet
 * trailers (start SYSTEMTIME + µs delta, including a "negative" delta), 2.1 per-packet media
 * types (metadata skipped or numbered, converted-pcap types, unknown types), 2.2 trailers,
 * 1.x millisecond records, and a frame table that lists records out of file order.
 * The expected values were checked once by hand against tshark 4.0.17 run with TZ=UTC on
 * these same files (tshark stops at the unknown media type 0x1234, we go on and warn).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { netmonLinkType } from '../../../../src/capture/netmon-reader.js';
import { readFrames } from '../read-frames.js';

const tmp = mkdtempSync(join(tmpdir(), 'netmon-fix-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Rec {
  /** v2: µs (bigint allowed for 64-bit values); v1: ms. */
  delta: bigint;
  data: number[];
  orig?: number;
  media?: number;
}

/** Builds a NetMon file: 72-byte header, records, frame table (order = `order` or file order). */
function build(major: number, minor: number, macType: number, recs: Rec[], order?: number[]): Buffer {
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let pos = 72;
  const trailer = major === 2 && minor >= 1 ? (minor === 1 ? 2 : minor === 2 ? 6 : 15) : 0;
  for (const r of recs) {
    const hdr = Buffer.alloc(major === 2 ? 16 : 8);
    if (major === 2) {
      hdr.writeBigUInt64LE(r.delta, 0);
      hdr.writeUInt32LE(r.orig ?? r.data.length, 8);
      hdr.writeUInt32LE(r.data.length, 12);
    } else {
      hdr.writeUInt32LE(Number(r.delta), 0);
      hdr.writeUInt16LE(r.orig ?? r.data.length, 4);
      hdr.writeUInt16LE(r.data.length, 6);
    }
    const t = Buffer.alloc(trailer);
    if (trailer > 0) t.writeUInt16LE(r.media ?? 1, 0);
    offsets.push(pos);
    const rec = Buffer.concat([hdr, Buffer.from(r.data), t]);
    parts.push(rec);
    pos += rec.length;
  }
  const table = Buffer.alloc(4 * recs.length);
  (order ?? recs.map((_, i) => i)).forEach((k, i) => table.writeUInt32LE(offsets[k]!, 4 * i));
  const h = Buffer.alloc(72);
  h.write(major === 2 ? 'GMBU' : 'RTSS', 0, 'latin1');
  h[4] = minor;
  h[5] = major;
  h.writeUInt16LE(macType, 6);
  // SYSTEMTIME 2020-01-02 (Thu) 03:04:05.678
  [2020, 1, 4, 2, 3, 4, 5, 678].forEach((v, i) => h.writeUInt16LE(v, 8 + 2 * i));
  h.writeUInt32LE(pos, 24);
  h.writeUInt32LE(table.length, 28);
  return Buffer.concat([h, ...parts, table]);
}

const START = Date.UTC(2020, 0, 2, 3, 4, 5) / 1000;
const eth = (n: number) => Array.from({ length: n }, (_, i) => i & 0xff);

async function read(name: string, b: Buffer) {
  const p = join(tmp, name);
  writeFileSync(p, b);
  return { p, ...(await readFrames(p, { keepData: true })) };
}

describe('NetMon hand-built layouts', () => {
  it('2.0: header media type, SYSTEMTIME start (as UTC) + µs deltas, negative delta', async () => {
    const r = await read(
      'v20.cap',
      build(2, 0, 1, [
        { delta: 0n, data: eth(60) },
        { delta: 1_500_000n, data: eth(80), orig: 1514 },
        // 2^64 - 500 µs: × 10 as a signed 100 ns count = -5000 → 500 µs before the start.
        { delta: (1n << 64n) - 500n, data: eth(42) },
      ]),
    );
    expect(r.error).toBeNull();
    expect(r.issues).toEqual([]);
    expect(r.summary?.format).toBe('netmon');
    expect(r.frames.map((f) => [f.index, f.tsSec, f.tsNsec, f.caplen, f.origLen, f.linkType])).toEqual([
      [1, START, 678_000_000, 60, 60, 1],
      [2, START + 2, 178_000_000, 80, 1514, 1],
      [3, START, 677_500_000, 42, 42, 1],
    ]);
    expect(Array.from(r.frames[1]!.data!.subarray(0, 4))).toEqual([0, 1, 2, 3]);
  });

  it('2.1 per-packet media: metadata skipped or numbered, converted pcap, raw IP, unknown types', async () => {
    const r = await read(
      'v21.cap',
      build(2, 1, 1, [
        { delta: 10n, data: eth(20), media: 0xfffd }, // network info: skipped, no number
        { delta: 11n, data: eth(60), media: 1 },
        { delta: 12n, data: eth(30), media: 0xffff }, // filter: a frame, non-packet
        { delta: 13n, data: eth(40), media: 0xe000 | 113 }, // converted pcap: LINKTYPE_LINUX_SLL
        { delta: 14n, data: [0x45, ...eth(19)], media: 9 }, // raw IP frames
        { delta: 15n, data: eth(10), media: 0x1234 }, // unknown
        { delta: 16n, data: eth(10), media: 0xfffe }, // DNS cache: skipped
      ]),
    );
    expect(r.frames.map((f) => [f.index, f.linkType, f.caplen, f.tsNsec])).toEqual([
      [1, 1, 60, 678_011_000],
      [2, -1, 30, 678_012_000],
      [3, 113, 40, 678_013_000],
      [4, 101, 20, 678_014_000],
      [5, -1, 10, 678_015_000],
    ]);
    expect(r.issues.length).toBe(1);
    expect(r.issues[0]!.frame).toBe(5);
    expect(r.issues[0]!.message).toMatch(/media type 0x1234/);
    expect(r.issues[0]!.message).toContain(r.p);
  });

  it('2.2 trailers (6 bytes) and a frame table listing records out of file order', async () => {
    const r = await read(
      'v22.cap',
      build(2, 2, 1, [{ delta: 3n, data: eth(50) }, { delta: 1n, data: eth(51) }, { delta: 2n, data: eth(52) }], [1, 2, 0]),
    );
    expect(r.issues).toEqual([]);
    expect(r.frames.map((f) => [f.index, f.caplen, f.tsNsec])).toEqual([
      [1, 51, 678_001_000],
      [2, 52, 678_002_000],
      [3, 50, 678_003_000],
    ]);
  });

  it('1.x (RTSS): 8-byte record headers, millisecond deltas', async () => {
    const r = await read('v1.cap', build(1, 1, 1, [{ delta: 0n, data: eth(60) }, { delta: 2_345n, data: eth(70), orig: 100 }]));
    expect(r.issues).toEqual([]);
    expect(r.frames.map((f) => [f.index, f.tsSec, f.tsNsec, f.caplen, f.origLen])).toEqual([
      [1, START, 678_000_000, 60, 60],
      [2, START + 3, 23_000_000, 70, 100],
    ]);
  });

  it('maps media types as Wireshark does', () => {
    expect(netmonLinkType(0)?.linkType).toBe(1);
    expect(netmonLinkType(1)?.linkType).toBe(1);
    expect(netmonLinkType(2)?.linkType).toBe(6);
    expect(netmonLinkType(7)?.linkType).toBe(101);
    expect(netmonLinkType(0xe080)?.linkType).toBe(105);
    expect(netmonLinkType(0xe001)?.linkType).toBe(1);
    expect(netmonLinkType(0xfffc)).toBeNull();
    expect(netmonLinkType(0xffe0)).toEqual({ linkType: -1, supported: true });
    expect(netmonLinkType(0xe081)).toEqual({ linkType: -1, supported: false });
    expect(netmonLinkType(5)).toEqual({ linkType: -1, supported: false });
  });
});

/**
 * Timestamps no date can hold (issue 13 item 1). A pcapng interface with if_tsresol 10^0 makes
 * the 64-bit EPB count a number of seconds: 2^64 − 1 s is far beyond the ±8.64e15 ms a Date
 * holds (ECMA-262 "Time Values and Time Range"), and formatting it used to throw
 * `RangeError: Invalid time value` (exit 70). A Sniffer record's 64-bit tick count does the same.
 * Each such frame is analysed without a time, with a warning naming the file, frame and offset;
 * classic pcap (and ERF) carry 32-bit seconds and their largest values stay dates.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeFiles } from '../../../src/analyze.js';
import { isoTime, MAX_DATE_SECONDS } from '../../../src/core/time.js';
import { corpusEntries, corpusPath, HAVE_CORPUS } from '../../helpers/shared.js';
import { readFrames } from './read-frames.js';

const tmp = mkdtempSync(join(tmpdir(), 'rdpdiag-time-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Ethernet / IPv4 / TCP SYN 10.0.0.1:50000 → 10.0.0.2:3389 (54 bytes). */
function syn(seq: number): Buffer {
  const r = Buffer.alloc(54);
  r.writeUInt16BE(0x0800, 12);
  r[14] = 0x45;
  r.writeUInt16BE(40, 16);
  r[22] = 64;
  r[23] = 6;
  r.writeUInt32BE(0x0a000001, 26);
  r.writeUInt32BE(0x0a000002, 30);
  r.writeUInt16BE(50000, 34);
  r.writeUInt16BE(3389, 36);
  r.writeUInt32BE(seq, 38);
  r[46] = 0x50;
  r[47] = 0x02;
  r.writeUInt16BE(64240, 48);
  return r;
}

function block(type: number, body: Buffer): Buffer {
  const len = 12 + ((body.length + 3) & ~3);
  const b = Buffer.alloc(len);
  b.writeUInt32LE(type, 0);
  b.writeUInt32LE(len, 4);
  body.copy(b, 8);
  b.writeUInt32LE(len, len - 4);
  return b;
}
const SHB = block(0x0a0d0d0a, Buffer.from([0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
/** IDB, Ethernet, with if_tsresol (option 9) and optionally if_tsoffset (option 14). */
function idb(tsresol: number, tsoffset?: bigint): Buffer {
  const opts: Buffer[] = [Buffer.from([9, 0, 1, 0, tsresol, 0, 0, 0])];
  if (tsoffset !== undefined) {
    const o = Buffer.alloc(12);
    o.writeUInt16LE(14, 0);
    o.writeUInt16LE(8, 2);
    o.writeBigInt64LE(tsoffset, 4);
    opts.push(o);
  }
  opts.push(Buffer.alloc(4));
  return block(1, Buffer.concat([Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]), ...opts]));
}
function epb(hi: number, lo: number, data: Buffer): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt32LE(0, 0);
  h.writeUInt32LE(hi >>> 0, 4);
  h.writeUInt32LE(lo >>> 0, 8);
  h.writeUInt32LE(data.length, 12);
  h.writeUInt32LE(data.length, 16);
  return block(6, Buffer.concat([h, data]));
}

describe('timestamps out of the Date range', () => {
  it('isoTime never throws', () => {
    for (const t of [NaN, Infinity, -Infinity, MAX_DATE_SECONDS, -MAX_DATE_SECONDS, 1.8e19, -1e300, MAX_DATE_SECONDS - 1.5]) {
      expect(() => isoTime(t)).not.toThrow();
    }
    expect(isoTime(1.8e19)).toBe('');
    expect(isoTime(0)).toBe('1970-01-01T00:00:00.000000Z');
  });

  it('pcapng: a 2^64−1 s timestamp is a warning with file, frame and offset; the analysis goes on', async () => {
    const p = join(tmp, 'huge-seconds.pcapng');
    const frames = [epb(0x5fd0_0000 >>> 0, 0, syn(1)), epb(0xffffffff, 0xffffffff, syn(2)), epb(0, 1_700_000_000, syn(3))];
    // Interface 0 counts in seconds (if_tsresol 10^0); frame 1 is 1.6e18 s, frame 2 is 2^64−1 s; frame 3 is a normal time.
    writeFileSync(p, Buffer.concat([SHB, idb(0), ...frames]));
    const r = await readFrames(p);
    expect(r.error).toBeNull();
    expect(r.frames.length).toBe(3);
    const bad = r.issues.filter((i) => /timestamp out of range/.test(i.message));
    expect(bad.map((i) => i.frame)).toEqual([1, 2]);
    // Offset of the timestamp field: SHB (28) + IDB (32) + EPB header 12 for frame 1.
    expect(bad[0]!.offset).toBe(SHB.length + idb(0).length + 12);
    expect(bad[0]!.message.startsWith(`${p}: frame 1:`)).toBe(true);
    expect(r.frames[2]!.tsSec).toBe(1_700_000_000);

    const report = await analyzeFiles([p]);
    const warnings = report.capture.warnings.filter((w) => /timestamp out of range/.test(w.message));
    expect(warnings.map((w) => [w.file, w.frame])).toEqual([[p, 1], [p, 2]]);
    expect(report.capture.frames).toBe(3);
    expect(report.capture.first).toBe('2023-11-14T22:13:20.000000Z');
    expect(JSON.stringify(report)).not.toMatch(/Invalid time/);
  });

  it('pcapng: an if_tsoffset of 2^62 s is caught the same way', async () => {
    const p = join(tmp, 'huge-offset.pcapng');
    writeFileSync(p, Buffer.concat([SHB, idb(6, 1n << 62n), epb(0, 1000, syn(1))]));
    const r = await readFrames(p);
    expect(r.issues.filter((i) => /timestamp out of range/.test(i.message)).map((i) => i.frame)).toEqual([1]);
    await expect(analyzeFiles([p])).resolves.toBeDefined();
  });

  it('classic pcap: the largest 32-bit seconds and fraction are still dates', async () => {
    const p = join(tmp, 'max.pcap');
    const hdr = Buffer.alloc(24);
    hdr.writeUInt32LE(0xa1b2c3d4, 0);
    hdr.writeUInt16LE(2, 4);
    hdr.writeUInt16LE(4, 6);
    hdr.writeUInt32LE(65535, 16);
    hdr.writeUInt32LE(1, 20);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(0xffffffff, 0);
    rec.writeUInt32LE(0xffffffff, 4);
    rec.writeUInt32LE(54, 8);
    rec.writeUInt32LE(54, 12);
    writeFileSync(p, Buffer.concat([hdr, rec, syn(1)]));
    const report = await analyzeFiles([p]);
    expect(report.capture.first).toMatch(/^21\d\d-/);
  });

  const sniffer = HAVE_CORPUS ? corpusEntries().find((e) => e.format === 'ngwsniffer_2_0') : undefined;
  it.skipIf(!sniffer)('NetXRay/Sniffer: a record with a 2^64 − 1 tick count', async () => {
    const src = readFileSync(corpusPath(sniffer!.local));
    const start = src.readUInt32LE(24);
    const b = Buffer.from(src);
    b.writeUInt32LE(0xffffffff, start); // first record: tsLo, tsHi
    b.writeUInt32LE(0xffffffff, start + 4);
    const p = join(tmp, 'sniffer.cap');
    writeFileSync(p, b);
    const r = await readFrames(p);
    expect(r.error).toBeNull();
    const bad = r.issues.filter((i) => /timestamp out of range/.test(i.message));
    expect(bad.map((i) => [i.frame, i.offset])).toEqual([[1, start]]);
    await expect(analyzeFiles([p])).resolves.toBeDefined();
  });
});

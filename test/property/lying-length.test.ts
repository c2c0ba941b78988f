/**
 * Lying length fields: a copy of a real capture with one record's length field changed.
 * The reader reports an error warning at that record, never throws, and — the formats
 * allowing resynchronisation (pcap record headers are recognisable; pcapng blocks carry
 * their length twice) — reads every later record.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusPath, HAVE_CORPUS } from '../helpers/shared.js';
import { readFrames, type FrameRec } from '../unit/capture/read-frames.js';
import { pcapLayout, pcapngLayout } from './record-layout.js';

const tmp = mkdtempSync(join(tmpdir(), 'rdpdiag-lie-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const PCAP = corpusPath('zeek__zeek/testing/btest/Traces/rdp/rdp-no-cookie-mstshash.pcap');
const PCAP_BE = corpusPath('arkime__arkime/tests/pcap/bigendian.pcap');
const PCAPNG = corpusPath('awakecoding__wireshark-rdp/captures/rdp-nla-ntlm-rejected1.pcapng');

let n = 0;
function mutated(src: string, edit: (b: Buffer) => void): string {
  const b = Buffer.from(readFileSync(src));
  edit(b);
  const p = join(tmp, `m${n++}`);
  writeFileSync(p, b);
  return p;
}

const key = (f: FrameRec) => `${f.tsSec}.${f.tsNsec}/${f.caplen}/${f.hash}`;

describe.skipIf(!HAVE_CORPUS)('lying length fields', () => {
  describe('classic pcap', () => {
    it.each([
      ['2^31-1', () => 0x7fffffff],
      ['100 MB', () => 100 << 20],
      ['300 KB (above libpcap maximum 262144)', () => 300_000],
    ])('record 3 incl_len = %s: an error at record 3, records 4..N read after resync', async (_label, value) => {
      const full = await readFrames(PCAP);
      const rec = pcapLayout(readFileSync(PCAP)).records[2]!;
      const p = mutated(PCAP, (b) => b.writeUInt32LE(value(), rec.start + 8));
      const r = await readFrames(p);
      expect(r.error).toBeNull();
      const err = r.issues.find((i) => i.severity === 'error')!;
      expect(err.message).toContain(p);
      expect([err.frame, err.offset]).toEqual([3, rec.start]);
      // Record 3 is lost; every other record is delivered, renumbered consecutively.
      expect(r.frames.map(key)).toEqual(full.frames.filter((_, i) => i !== 2).map(key));
      expect(r.frames.map((f) => f.index)).toEqual(full.frames.slice(0, -1).map((f) => f.index));
    });

    it('big-endian: record 1 incl_len = 0xffffffff → error at offset 24, record 2 still read', async () => {
      const full = await readFrames(PCAP_BE);
      const p = mutated(PCAP_BE, (b) => b.writeUInt32BE(0xffffffff, 24 + 8));
      const r = await readFrames(p);
      expect(r.issues.find((i) => i.severity === 'error')?.offset).toBe(24);
      expect(r.frames.map(key)).toEqual(full.frames.slice(1).map(key));
    });

    it('a plausible lie (incl_len of record 5 + 40 bytes): no throw, an error warning, the reader resynchronises before the end', async () => {
      const full = await readFrames(PCAP);
      const layout = pcapLayout(readFileSync(PCAP));
      const rec = layout.records[4]!;
      const p = mutated(PCAP, (b) => b.writeUInt32LE(b.readUInt32LE(rec.start + 8) + 40, rec.start + 8));
      const r = await readFrames(p);
      expect(r.error).toBeNull();
      expect(r.issues.length).toBeGreaterThan(0);
      expect(r.issues.every((i) => i.message.includes(p))).toBe(true);
      // Records 1..4 intact; the last records of the file are found again.
      expect(r.frames.slice(0, 4).map(key)).toEqual(full.frames.slice(0, 4).map(key));
      const got = new Set(r.frames.map(key));
      const tail = full.frames.slice(-5);
      expect(tail.filter((f) => got.has(key(f))).length, JSON.stringify(r.issues)).toBeGreaterThanOrEqual(4);
    });
  });

  describe('pcapng', () => {
    const epbs = () => pcapngLayout(readFileSync(PCAPNG)).records.filter((x) => x.type === 6);

    it.each([
      ['2 GB', 0x80000000],
      ['64 MB (above the 32 MB block limit)', 64 << 20],
      ['11 (shorter than any block)', 11],
    ])('EPB 3 block length = %s: an error at that block, later blocks read after resync', async (_label, value) => {
      const full = await readFrames(PCAPNG);
      const blk = epbs()[2]!;
      const p = mutated(PCAPNG, (b) => b.writeUInt32LE(value, blk.start + 4));
      const r = await readFrames(p);
      expect(r.error).toBeNull();
      const err = r.issues.find((i) => i.severity === 'error')!;
      expect(err.message).toContain(p);
      expect([err.frame, err.offset]).toEqual([3, blk.start]);
      expect(r.frames.map(key)).toEqual(full.frames.filter((_, i) => i !== 2).map(key));
    });

    it('EPB 3 leading length + 8 (plausible, trailer disagrees): an error naming both lengths, later blocks read', async () => {
      const full = await readFrames(PCAPNG);
      const blk = epbs()[2]!;
      const p = mutated(PCAPNG, (b) => b.writeUInt32LE(b.readUInt32LE(blk.start + 4) + 8, blk.start + 4));
      const r = await readFrames(p);
      const err = r.issues.find((i) => i.severity === 'error')!;
      expect(err.offset).toBe(blk.start);
      expect(r.frames.map(key)).toEqual(full.frames.filter((_, i) => i !== 2).map(key));
    });

    it('EPB 3 trailing length corrupted: an error at that block, the rest read', async () => {
      const full = await readFrames(PCAPNG);
      const blk = epbs()[2]!;
      const p = mutated(PCAPNG, (b) => b.writeUInt32LE(0xdeadbeef, blk.end - 4));
      const r = await readFrames(p);
      const err = r.issues.find((i) => i.severity === 'error')!;
      expect([err.frame, err.offset]).toEqual([3, blk.start]);
      expect(err.message).toMatch(/trailing length/);
      expect(r.frames.map(key)).toEqual(full.frames.filter((_, i) => i !== 2).map(key));
    });

    const clippedCopy = () => {
      const blk = epbs()[1]!;
      // EPB body: interface id, ts high, ts low, captured length (offset 20 from the block start).
      return { blk, p: mutated(PCAPNG, (b) => b.writeUInt32LE(0x10000, blk.start + 20)) };
    };

    it('EPB 2 captured length beyond its block: clipped to the block with an error, nothing else lost', async () => {
      const full = await readFrames(PCAPNG);
      const { blk, p } = clippedCopy();
      const r = await readFrames(p);
      expect(r.frames.length).toBe(full.frames.length);
      const errs = r.issues.filter((i) => i.severity === 'error');
      expect(errs.length).toBe(1);
      expect(errs[0]!.offset).toBe(blk.start);
      expect(errs[0]!.message).toMatch(/frame 2: captured length 65536 runs past the block end/);
      expect(r.frames.filter((_, i) => i !== 1).map(key)).toEqual(full.frames.filter((_, i) => i !== 1).map(key));
      // Clipped to the bytes the block holds (it has no options: the padded packet data).
      expect(r.frames[1]!.caplen).toBeGreaterThanOrEqual(full.frames[1]!.caplen);
      expect(r.frames[1]!.caplen).toBeLessThan(full.frames[1]!.caplen + 4);
    });

    // Regression (fixed): src/capture/pcapng-reader.ts: `report` (line ~65) stamps DecodeIssue.frame with
    // `index + 1`, but the EPB/PB and SPB branches call it after `index++` (lines ~188 and
    // ~223), so the issues "packet block too short", "refers to interface N", "captured length
    // runs past the block end" and "Simple Packet Block without interface 0" carry frame N+1
    // while their message says "frame N". Repro: this copy of rdp-nla-ntlm-rejected1.pcapng
    // with EPB 2's captured length set to 65536 → issue.frame 3, message "frame 2: ...".
    it('…and that error carries the frame number of the EPB it is about (2)', async () => {
      const { p } = clippedCopy();
      const r = await readFrames(p);
      expect(r.issues.find((i) => i.severity === 'error')!.frame).toBe(2);
    });
  });
});

/**
 * pcap-parser (an independent JavaScript pcap reader) as a differential oracle for our
 * classic-pcap reader: for every microsecond pcap of the public corpus (magic a1b2c3d4 in
 * either byte order) both must yield the same records — count, ts_sec, ts_usec, incl_len,
 * orig_len and the captured bytes byte for byte.
 *
 * pcap-parser knows nothing of FCS-annotated link types or the ns magic, and stops only on
 * EOF: files it cannot parse (bad magic / version, a record header cut off) are excluded
 * and listed.
 */
import { createHash } from 'node:crypto';
import { openSync, readSync, closeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-ignore -- pcap-parser ships no type declarations (devDependency, test oracle only)
import pcapp from 'pcap-parser';
import { corpusEntries, corpusPath, HAVE_CORPUS } from '../../helpers/shared.js';
import { pool } from '../../helpers/tshark.js';
import { readFrames } from './read-frames.js';

interface PpRecord {
  sec: number;
  usec: number;
  incl: number;
  orig: number;
  hash: string;
}

interface PpParser {
  on(ev: 'packet', fn: (p: { header: { timestampSeconds: number; timestampMicroseconds: number; capturedLength: number; originalLength: number }; data: Buffer }) => void): void;
  on(ev: 'end', fn: () => void): void;
  on(ev: 'error', fn: (e: Error) => void): void;
}

function ppRead(path: string): Promise<{ records: PpRecord[]; error: string | null; leftover: number }> {
  return new Promise((resolve) => {
    const records: PpRecord[] = [];
    let error: string | null = null;
    const parser = (pcapp as { parse(p: string): PpParser & { buffer: Buffer | null } }).parse(path);
    parser.on('packet', (p) => {
      records.push({
        sec: p.header.timestampSeconds,
        usec: p.header.timestampMicroseconds,
        incl: p.header.capturedLength,
        orig: p.header.originalLength,
        hash: createHash('sha1').update(p.data).digest('hex'),
      });
    });
    parser.on('error', (e) => {
      error = e.message;
    });
    // pcap-parser emits 'end' once even after an error (it calls onEnd itself).
    let done = false;
    parser.on('end', () => {
      if (done) return;
      done = true;
      // Bytes left unparsed at EOF: a cut-off record (pcap-parser silently drops it).
      resolve({ records, error, leftover: parser.buffer ? parser.buffer.length : 0 });
    });
  });
}

function magicOf(path: string): string {
  const fd = openSync(path, 'r');
  const b = Buffer.alloc(4);
  readSync(fd, b, 0, 4, 0);
  closeSync(fd);
  return b.toString('hex');
}

// format 'pcap' per capinfos, plus the µs-magic files capinfos refused (broken ones).
function versionMajor(path: string): number {
  const fd = openSync(path, 'r');
  const b = Buffer.alloc(6);
  readSync(fd, b, 0, 6, 0);
  closeSync(fd);
  return b.readUInt32BE(0) === 0xa1b2c3d4 ? b.readUInt16BE(4) : b.readUInt16LE(4);
}

const entries = corpusEntries().filter((e) => (e.format === 'pcap' || e.format === '(capinfos failed)') && !e.dup_of);

describe.skipIf(!HAVE_CORPUS)('pcap-parser differential oracle: classic µs pcap', () => {
  it('every microsecond pcap in the corpus yields identical records', async () => {
    const files = entries.map((e) => corpusPath(e.local)).filter((p) => ['a1b2c3d4', 'd4c3b2a1'].includes(magicOf(p)));
    expect(files.length).toBeGreaterThan(150);
    const excluded: string[] = [];
    const cutOff: string[] = [];
    const mismatches: string[] = [];
    let compared = 0;
    let records = 0;
    let bigEndian = 0;
    await pool(files, 4, async (file) => {
      const pp = await ppRead(file);
      if (pp.error) {
        excluded.push(`${file}: pcap-parser: ${pp.error}`);
        return;
      }
      const ours = await readFrames(file);
      if (versionMajor(file) !== 2) {
        // pcap-parser's version check (`major != 2 && minor != 4`) lets major 1 through;
        // libpcap and we refuse it (libpcap's own pcap-invalid-version-1.pcap).
        expect((ours.error as { code?: string } | null)?.code, file).toBe('E_NOT_A_CAPTURE');
        excluded.push(`${file}: pcap version ${versionMajor(file)}.x, refused by us and libpcap`);
        return;
      }
      expect(ours.error, file).toBeNull();
      if (magicOf(file) === 'a1b2c3d4') bigEndian++;
      compared++;
      records += pp.records.length;
      const n = Math.min(pp.records.length, ours.frames.length);
      if (pp.leftover > 0) {
        // pcap-parser stops silently at a record it cannot complete (cut off, or a length
        // field so large it waits for bytes that never come). We must say so, with the file
        // and the frame number, and may read on past a corrupt length (resync).
        cutOff.push(`${file} (after ${pp.records.length} records, ours ${ours.frames.length})`);
        expect(ours.frames.length, file).toBeGreaterThanOrEqual(pp.records.length);
        const next = pp.records.length + 1;
        expect(
          ours.issues.some((i) => i.frame === next && i.message.includes(file) && /cut off|corrupt length/.test(i.message)),
          `${file}: warning for record ${next}: ${JSON.stringify(ours.issues)}`,
        ).toBe(true);
      } else if (ours.frames.length !== pp.records.length) {
        mismatches.push(`${file}: ${ours.frames.length} frames vs pcap-parser ${pp.records.length}`);
      }
      for (let i = 0; i < n; i++) {
        const a = ours.frames[i];
        const b = pp.records[i];
        if (!a || !b) break;
        // FCS-annotated headers would make our caplen shorter: none in the corpus, so exact.
        // pcap-parser passes an out-of-range fraction (≥ 1e6 µs) through; we carry it into the
        // seconds (evidence08.pcap frame 76685 has 1000241 µs), so compare the total time.
        const sameTime = a.tsSec * 1e6 + a.tsNsec / 1000 === b.sec * 1e6 + b.usec;
        if (a.index !== i + 1 || !sameTime || a.caplen !== b.incl || a.origLen !== b.orig || a.hash !== b.hash) {
          mismatches.push(`${file} frame ${i + 1}: ours ${JSON.stringify([a.tsSec, a.tsNsec, a.caplen, a.origLen])} pp ${JSON.stringify([b.sec, b.usec, b.incl, b.orig])}`);
          break;
        }
      }
    });
    console.log(`[pcap-parser oracle] ${compared} files, ${records} records compared (${bigEndian} big-endian); excluded ${excluded.length}:\n  ${excluded.join('\n  ')}\n  pcap-parser stopped early (unfinishable record): ${cutOff.join(', ')}`);
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(150);
    expect(bigEndian).toBeGreaterThanOrEqual(1);
  });
});

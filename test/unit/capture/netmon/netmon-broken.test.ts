/**
 * Damaged NetMon files: every prefix of a real capture (no throw, only frames that the whole
 * file also has, and a warning naming the file, the frame and the byte offset whenever
 * frames are lost), a corrupted length field (reported, the frame table lets the reader go
 * on), a frame-table entry past the end, and the sequential walk used without a table.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RdpdiagError } from '../../../../src/core/errors.js';
import { corpusEntries, corpusPath, HAVE_CORPUS } from '../../../helpers/shared.js';
import { readFrames, strip } from '../read-frames.js';

const small = corpusEntries().find((e) => e.format === 'netmon2' && e.local.includes('MS-AUTHSOD_Example2-1'));
const tmp = mkdtempSync(join(tmpdir(), 'netmon-broken-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function u32at(b: Buffer, o: number): number {
  return b.readUInt32LE(o);
}

describe.skipIf(!HAVE_CORPUS || !small)('NetMon reader on damaged files', () => {
  const src = small ? corpusPath(small.local) : '';

  it('every prefix of a real capture: no throw, no bogus frame, a located warning when frames are lost', async () => {
    const whole = readFileSync(src);
    const full = await readFrames(src);
    expect(full.frames.length).toBe(15);
    const fullStripped = strip(full.frames);
    const p = join(tmp, 'prefix.cap');
    let walked = 0;
    for (let n = 0; n < whole.length; n++) {
      writeFileSync(p, whole.subarray(0, n));
      const r = await readFrames(p);
      if (n < 4) {
        // FileSource's own rule for any format: too short to tell what it is.
        expect(r.error, `prefix ${n}`).toBeInstanceOf(RdpdiagError);
        continue;
      }
      expect(r.error, `prefix ${n}`).toBeNull();
      expect(strip(r.frames), `prefix ${n}`).toEqual(fullStripped.slice(0, r.frames.length));
      expect(r.summary?.truncated, `prefix ${n}`).toBe(true);
      expect(r.issues.length, `prefix ${n}`).toBeGreaterThan(0);
      for (const i of r.issues) {
        expect(i.message.startsWith(`${p}: `), `prefix ${n}: ${i.message}`).toBe(true);
        expect(i.file).toBe(p);
        expect(i.offset).toBeGreaterThanOrEqual(0);
        expect(i.offset).toBeLessThanOrEqual(whole.length);
      }
      if (r.frames.length < full.frames.length) {
        const next = r.frames.length + 1;
        expect(
          r.issues.some((i) => i.frame === next || (next === 1 && i.frame === 0)),
          `prefix ${n}: an issue names frame ${next}: ${JSON.stringify(r.issues.map((i) => [i.frame, i.offset, i.message]))}`,
        ).toBe(true);
        walked++;
      }
    }
    // Most prefixes lack the frame table (it follows the records) and were walked.
    expect(walked).toBeGreaterThan(whole.length / 2);
  });

  it('a corrupted captured-length field is reported with frame and offset; the frame table carries on', async () => {
    const b = Buffer.from(readFileSync(src));
    const tableOff = u32at(b, 24);
    const rec3 = u32at(b, tableOff + 8);
    b.writeUInt32LE(0x7fffffff, rec3 + 12); // inclLen of frame 3
    const p = join(tmp, 'corrupt-len.cap');
    writeFileSync(p, b);
    const full = await readFrames(src);
    const r = await readFrames(p);
    expect(r.error).toBeNull();
    expect(r.frames.length).toBe(15);
    const iss = r.issues.filter((i) => i.severity === 'error');
    expect(iss.length).toBe(1);
    expect(iss[0]!.frame).toBe(3);
    expect(iss[0]!.offset).toBe(rec3);
    expect(iss[0]!.message).toContain(p);
    expect(iss[0]!.message).toMatch(/corrupt length field/);
    expect(r.frames[2]!.linkType).toBe(-1);
    expect(r.frames[2]!.caplen).toBe(0);
    expect(strip(r.frames.filter((_, i) => i !== 2))).toEqual(strip(full.frames.filter((_, i) => i !== 2)));
  });

  it('a frame-table entry past the end of the file is reported and the next entries are read', async () => {
    const b = Buffer.from(readFileSync(src));
    const tableOff = u32at(b, 24);
    b.writeUInt32LE(b.length + 1000, tableOff + 4 * 5); // frame 6
    const p = join(tmp, 'bad-entry.cap');
    writeFileSync(p, b);
    const r = await readFrames(p);
    expect(r.frames.length).toBe(15);
    expect(r.issues.some((i) => i.frame === 6 && i.offset === b.length + 1000 && /cut off/.test(i.message))).toBe(true);
    expect(r.frames[5]!.linkType).toBe(-1);
    expect(r.frames[6]!.linkType).toBe(1);
  });

  it('without a frame table the records are walked; a corrupt length stops the walk with a located error', async () => {
    const b = Buffer.from(readFileSync(src));
    const tableOff = u32at(b, 24);
    const rec3 = u32at(b, tableOff + 8);
    b.writeUInt32LE(0, 28); // frame table length 0: unusable
    const p1 = join(tmp, 'no-table.cap');
    writeFileSync(p1, b);
    const full = await readFrames(src);
    const r1 = await readFrames(p1);
    expect(r1.error).toBeNull();
    expect(strip(r1.frames)).toEqual(strip(full.frames));
    expect(r1.issues.some((i) => /frame table/.test(i.message))).toBe(true);

    b.writeUInt32LE(0x7fffffff, rec3 + 12);
    const p2 = join(tmp, 'no-table-corrupt.cap');
    writeFileSync(p2, b);
    const r2 = await readFrames(p2);
    expect(r2.error).toBeNull();
    expect(strip(r2.frames)).toEqual(strip(full.frames.slice(0, 2)));
    expect(r2.issues.some((i) => i.frame === 3 && i.offset === rec3 && i.severity === 'error' && i.message.includes(p2))).toBe(true);
  });

  it('an unsupported major version is an error issue, not an exception', async () => {
    const b = Buffer.from(readFileSync(src));
    b[5] = 9;
    const p = join(tmp, 'v9.cap');
    writeFileSync(p, b);
    const r = await readFrames(p);
    expect(r.error).toBeNull();
    expect(r.frames.length).toBe(0);
    expect(r.issues[0]?.message).toMatch(/version 9\.3 is not supported/);
  });
});

/**
 * ERF reader against tshark on every ERF capture of the public corpus (frame count,
 * frame.time_epoch to the ns, frame.len, frame.cap_len, first 64 bytes), every prefix of it
 * (no throw, only frames the whole file has, a located warning when frames are lost) and a
 * corrupted record length. ERF has no magic: the heuristic must also leave the pcap/pcapng
 * corpus alone (checked in the NetXRay test's format sweep).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RdpdiagError } from '../../../../src/core/errors.js';
import { corpusEntries, corpusPath, HAVE_CORPUS, HAVE_TSHARK } from '../../../helpers/shared.js';
import { readFrames, strip } from '../read-frames.js';
import { compareFrames, tsharkFrames } from '../netmon/oracle.js';

const entries = corpusEntries().filter((e) => e.format === 'erf');
const tmp = mkdtempSync(join(tmpdir(), 'erf-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!HAVE_CORPUS || !HAVE_TSHARK || entries.length === 0)('ERF reader vs tshark', () => {
  for (const e of entries) {
    const file = corpusPath(e.local);
    const name = e.local.split('/').pop()!;
    it(`${name}: every frame equals tshark's`, async () => {
      const ours = await readFrames(file, { keepData: true });
      expect(ours.error).toBeNull();
      expect(ours.summary?.format).toBe('erf');
      expect(ours.summary?.truncated).toBe(false);
      expect(ours.issues).toEqual([]);
      const theirs = await tsharkFrames(file);
      if (e.packets) expect(theirs.length).toBe(Number(e.packets));
      expect(compareFrames(ours.frames, theirs, 9)).toEqual([]);
      for (let i = 0; i < theirs.length; i++) {
        expect(ours.frames[i]!.linkType).toBe(theirs[i]!.protocols.startsWith('erf:eth') ? 1 : -1);
      }
      console.log(`[erf oracle] ${name}: ${ours.frames.length} frames equal to tshark`);
    });
  }

  it('every prefix: no throw, no bogus frame, a located warning when frames are lost', async () => {
    const file = corpusPath(entries[0]!.local);
    const whole = readFileSync(file);
    const full = await readFrames(file);
    // ERF has no header or record count: a file cut exactly between records looks complete.
    const boundaries = new Set<number>();
    for (let o = 0; o < whole.length; o += whole.readUInt16BE(o + 10)) boundaries.add(o);
    const p = join(tmp, 'prefix.erf');
    let warned = 0;
    for (let n = 0; n < whole.length; n++) {
      writeFileSync(p, whole.subarray(0, n));
      const r = await readFrames(p);
      if (r.error) {
        // Too short to recognise (under 4 bytes, or fewer than 3 records: Wireshark's rule too).
        expect(r.error, `prefix ${n}`).toBeInstanceOf(RdpdiagError);
        expect(n).toBeLessThan(400);
        continue;
      }
      expect(strip(r.frames), `prefix ${n}`).toEqual(strip(full.frames).slice(0, r.frames.length));
      if (boundaries.has(n)) {
        expect(r.frames.length, `prefix ${n}`).toBe([...boundaries].filter((x) => x > 0 && x <= n).length);
      } else {
        warned++;
        expect(r.summary?.truncated, `prefix ${n}`).toBe(true);
        const next = r.frames.length + 1;
        expect(
          r.issues.some((i) => i.frame === next && i.message.startsWith(`${p}: `) && i.offset >= 0 && i.offset <= n),
          `prefix ${n}: ${JSON.stringify(r.issues)}`,
        ).toBe(true);
      }
    }
    expect(warned).toBeGreaterThan(whole.length - 400);
  });

  it('a corrupted record length is reported with frame and offset', async () => {
    const file = corpusPath(entries[0]!.local);
    const b = Buffer.from(readFileSync(file));
    // Walk to the 5th record and set its rlen to 3 (below the 16-byte header).
    let o = 0;
    for (let i = 0; i < 4; i++) o += b.readUInt16BE(o + 10);
    b.writeUInt16BE(3, o + 10);
    const p = join(tmp, 'corrupt.erf');
    writeFileSync(p, b);
    const r = await readFrames(p);
    expect(r.error).toBeNull();
    expect(r.frames.length).toBe(4);
    expect(r.summary?.truncated).toBe(true);
    const iss = r.issues.find((i) => i.severity === 'error');
    expect(iss?.frame).toBe(5);
    expect(iss?.offset).toBe(o);
    expect(iss?.message).toContain(p);
    expect(iss?.message).toMatch(/corrupt length field/);
  });
});

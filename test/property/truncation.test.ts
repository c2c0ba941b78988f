/**
 * Every-prefix truncation of small captures: the file cut at every byte offset (up to 4 KB,
 * then a stride) is read without throwing or hanging; the frames delivered are exactly the
 * full run's frames whose record ends within the prefix; a cut inside a record yields a
 * warning naming the file, the frame that was cut and the record's offset; a cut on a record
 * boundary yields none.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RdpdiagError } from '../../src/core/errors.js';
import { HAVE_CORPUS } from '../helpers/shared.js';
import { readFrames, strip } from '../unit/capture/read-frames.js';
import { SAMPLES } from './capture-files.js';
import { pcapLayout, pcapngLayout } from './record-layout.js';

const tmp = mkdtempSync(join(tmpdir(), 'rdpdiag-trunc-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function offsets(size: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < Math.min(size, 4096); k++) out.push(k);
  for (let k = 4096; k < size; k += 97) out.push(k);
  return out;
}

describe.skipIf(!HAVE_CORPUS)('every-prefix truncation', () => {
  it.each(SAMPLES.map((s) => [s.name, s] as const))('%s', async (_name, sample) => {
    const bytes = readFileSync(sample.path);
    const full = await readFrames(sample.path);
    expect(full.error).toBeNull();
    expect(full.issues).toEqual([]);
    const layout = sample.kind === 'pcap' ? pcapLayout(bytes) : pcapngLayout(bytes);
    expect(layout.records.filter((r) => r.frame).length).toBe(full.frames.length);
    const fullFrames = strip(full.frames);
    const boundaries = new Set([layout.headerEnd, ...layout.records.map((r) => r.end)]);

    const path = join(tmp, `cut-${SAMPLES.indexOf(sample)}.${sample.kind}`);
    copyFileSync(sample.path, path);
    // Cut from the end downwards: one file, truncated in place.
    const ks = offsets(bytes.length).reverse();
    let checked = 0;
    for (const k of ks) {
      truncateSync(path, k);
      const t0 = Date.now();
      const r = await readFrames(path);
      expect(Date.now() - t0, `cut at ${k}: took too long`).toBeLessThan(2000);
      const minHeader = sample.kind === 'pcap' ? 24 : 4;
      if (k < minHeader) {
        // Too short to be a capture: an operational error naming the file, not a crash.
        expect(r.error, `cut at ${k}`).toBeInstanceOf(RdpdiagError);
        expect(r.error!.message).toContain(path);
        continue;
      }
      expect(r.error, `cut at ${k}: ${r.error?.stack}`).toBeNull();
      const complete = layout.records.filter((x) => x.end <= k);
      const n = complete.filter((x) => x.frame).length;
      expect(strip(r.frames), `cut at ${k}`).toEqual(fullFrames.slice(0, n));
      if (boundaries.has(k)) {
        expect(r.issues, `cut at ${k} (a record boundary)`).toEqual([]);
        expect(r.summary?.truncated, `cut at ${k}`).toBe(false);
      } else {
        // The record the cut falls in; past the last complete record with fewer bytes than a
        // record header, the "record" starts at the last boundary.
        const cut = layout.records.find((x) => x.start <= k && k < x.end) ?? { start: Math.max(layout.headerEnd, ...complete.map((x) => x.end)), type: -1 };
        expect(r.summary?.truncated, `cut at ${k}`).toBe(true);
        expect(r.issues.length, `cut at ${k}: ${JSON.stringify(r.issues)}`).toBe(1);
        const i = r.issues[0]!;
        expect(i.message, `cut at ${k}`).toContain(path);
        expect(i.message, `cut at ${k}`).toMatch(/cut.off/);
        expect([i.frame, i.offset], `cut at ${k}: ${i.message}`).toEqual([n + 1, cut.start]);
        // Packet records (pcap records, pcapng EPB/SPB/PB) are named by their frame number.
        const packet = sample.kind === 'pcap' || cut.type === 2 || cut.type === 3 || cut.type === 6;
        if (packet && k - cut.start >= (sample.kind === 'pcap' ? 16 : 12)) expect(i.message, `cut at ${k}`).toContain(`frame ${n + 1}`);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(bytes.length * 0.9 - 24);
  });
});

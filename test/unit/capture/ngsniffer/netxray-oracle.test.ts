/**
 * NetXRay / Windows Sniffer 2.0 reader (src/capture/ngsniffer-reader.ts) against tshark on
 * every `ngwsniffer_2_0` capture of the public corpus (frame count, frame.time_epoch to the
 * ns, frame.len, frame.cap_len, first 64 bytes), against the editcap-converted pcapng copies,
 * every prefix of a small one, and a corrupted length field. Also sweeps the whole corpus to
 * check that the new format detection (NetMon/NetXRay magics, ERF heuristic) claims no
 * file of another format.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusEntries, corpusPath, HAVE_CORPUS, HAVE_TSHARK } from '../../../helpers/shared.js';
import { pool } from '../../../helpers/tshark.js';
import { readFrames, strip } from '../read-frames.js';
import { compareFrames, tsharkFrames } from '../netmon/oracle.js';

const entries = corpusEntries().filter((e) => e.format === 'ngwsniffer_2_0');
const tmp = mkdtempSync(join(tmpdir(), 'netxray-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!HAVE_CORPUS || !HAVE_TSHARK || entries.length === 0)('NetXRay/Windows Sniffer reader vs tshark', () => {
  for (const e of entries) {
    const file = corpusPath(e.local);
    const name = e.local.split('/').pop()!;
    it(`${name}: every frame equals tshark's and the converted pcapng`, async () => {
      const ours = await readFrames(file, { keepData: true });
      expect(ours.error).toBeNull();
      expect(ours.summary?.format).toBe('ngsniffer');
      expect(ours.issues).toEqual([]);
      const theirs = await tsharkFrames(file);
      if (e.packets) expect(theirs.length).toBe(Number(e.packets));
      expect(compareFrames(ours.frames, theirs, 9)).toEqual([]);
      const conv = await readFrames(`${file}.converted.pcapng`);
      // The pcapng copies have µs stamps (editcap truncated the ns): compare to the µs.
      const us = (f: { tsSec: number; tsNsec: number }) => `${f.tsSec}.${String(Math.floor(f.tsNsec / 1000)).padStart(6, "0")}`;
      expect(ours.frames.map((f) => [us(f), f.caplen, f.origLen, f.linkType, f.hash])).toEqual(
        conv.frames.map((f) => [us(f), f.caplen, f.origLen, f.linkType, f.hash]),
      );
      console.log(`[netxray oracle] ${name}: ${ours.frames.length} frames equal to tshark`);
    });
  }

  it('every prefix: no throw, no bogus frame, a located warning when frames are lost', async () => {
    const file = corpusPath(entries[0]!.local);
    const whole = readFileSync(file);
    const full = await readFrames(file);
    const p = join(tmp, 'prefix.cap');
    for (let n = 4; n < whole.length; n++) {
      writeFileSync(p, whole.subarray(0, n));
      const r = await readFrames(p);
      expect(r.error, `prefix ${n}`).toBeNull();
      expect(strip(r.frames), `prefix ${n}`).toEqual(strip(full.frames).slice(0, r.frames.length));
      expect(r.summary?.truncated, `prefix ${n}`).toBe(true);
      const next = r.frames.length + 1;
      expect(
        r.issues.some((i) => (i.frame === next || (n < 128 && i.frame === 0)) && i.message.startsWith(`${p}: `) && i.offset >= 0 && i.offset <= n),
        `prefix ${n}: ${JSON.stringify(r.issues)}`,
      ).toBe(true);
    }
  });

  it('a corrupted captured-length field is reported with frame and offset', async () => {
    const file = corpusPath(entries[0]!.local);
    const b = Buffer.from(readFileSync(file));
    const first = b.readUInt32LE(24);
    const rec2 = first + 40 + b.readUInt16LE(first + 10);
    b.writeUInt16LE(0xfff0, rec2 + 10);
    const p = join(tmp, 'corrupt.cap');
    writeFileSync(p, b);
    const r = await readFrames(p);
    expect(r.error).toBeNull();
    expect(r.frames.length).toBe(1);
    const iss = r.issues.find((i) => i.severity === 'error' || /cut off/.test(i.message));
    expect(iss?.frame).toBe(2);
    expect(iss?.offset).toBe(rec2);
    expect(iss?.message).toContain(p);
  });
});

describe.skipIf(!HAVE_CORPUS)('format detection over the whole corpus', () => {
  it('only NetMon/NetXRay/ERF files are read as such; other formats keep their readers', async () => {
    const want: Record<string, string> = { netmon2: 'netmon', ngwsniffer_2_0: 'ngsniffer', erf: 'erf', pcap: 'pcap', nsecpcap: 'pcap-ns', pcapng: 'pcapng' };
    const all = corpusEntries().filter((e) => !e.local.endsWith('.gz'));
    const wrong: string[] = [];
    await pool(all, 4, async (e) => {
      const r = await readFrames(corpusPath(e.local));
      const expected = want[e.format];
      const got = r.summary?.format ?? 'error';
      if (expected && got !== expected) wrong.push(`${e.local}: ${e.format} read as ${got}`);
      if (!expected && ['netmon', 'ngsniffer', 'erf'].includes(got)) wrong.push(`${e.local}: ${e.format} read as ${got}`);
    });
    expect(wrong).toEqual([]);
  });
});

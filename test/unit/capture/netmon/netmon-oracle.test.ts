/**
 * NetMon 2.x reader against tshark on every NetMon capture of the public corpus: frame
 * count, frame.time_epoch (to the µs; NetMon 2.3 has 100 ns, compared to the ns too),
 * frame.len, frame.cap_len and the first 64 data bytes of every frame; metadata frames
 * (netmon_filter, netmon_network_info, netmon_event) come out as non-packet records. The
 * editcap-made `*.converted.pcapng` copies (metadata frames dropped) must carry the same
 * packets byte for byte. Gzip-compressed copies go through the spool path: same frames.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { LINKTYPE_NON_PACKET } from '../../../../src/capture/pcapng-reader.js';
import { corpusEntries, corpusPath, HAVE_CORPUS, HAVE_TSHARK } from '../../../helpers/shared.js';
import { readFrames, strip } from '../read-frames.js';
import { compareFrames, epochOf, tsharkFrames } from './oracle.js';

const entries = corpusEntries().filter((e) => e.format === 'netmon2');
const tmp = mkdtempSync(join(tmpdir(), 'netmon-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!HAVE_CORPUS || !HAVE_TSHARK)('NetMon 2.x reader vs tshark', () => {
  it('the corpus has the NetMon captures this test expects', () => {
    expect(entries.length).toBeGreaterThanOrEqual(5);
  });

  for (const e of entries) {
    const file = corpusPath(e.local);
    const name = e.local.split('/').pop()!;
    it(`${name}: every frame equals tshark's (count, time, lengths, first 64 bytes)`, async () => {
      const ours = await readFrames(file, { keepData: true });
      expect(ours.error).toBeNull();
      expect(ours.summary?.format).toBe('netmon');
      expect(ours.summary?.truncated).toBe(false);
      expect(ours.issues).toEqual([]);
      const theirs = await tsharkFrames(file);
      expect(theirs.length).toBeGreaterThan(0);
      if (e.packets) expect(theirs.length).toBe(Number(e.packets));
      // NetMon 2.3 stamps are 100 ns: compare all nine digits, not only the µs.
      expect(compareFrames(ours.frames, theirs, 9)).toEqual([]);
      for (let i = 0; i < theirs.length; i++) {
        const p = theirs[i]!.protocols.replace(/^netmon_header:/, '');
        const want = p.startsWith('eth:') || p === 'eth' ? 1 : LINKTYPE_NON_PACKET;
        expect(ours.frames[i]!.linkType, `frame ${i + 1} ${theirs[i]!.protocols}`).toBe(want);
      }
      console.log(`[netmon oracle] ${name}: ${ours.frames.length} frames equal to tshark (${ours.frames.filter((f) => f.linkType < 0).length} metadata)`);
    });

    it(`${name}: same packets as the editcap-converted pcapng`, async () => {
      const conv = await readFrames(`${file}.converted.pcapng`);
      expect(conv.error).toBeNull();
      const ours = await readFrames(file);
      const packets = ours.frames.filter((f) => f.linkType >= 0);
      expect(packets.length).toBe(conv.frames.length);
      for (let i = 0; i < packets.length; i++) {
        const a = packets[i]!;
        const b = conv.frames[i]!;
        expect([epochOf(a), a.caplen, a.origLen, a.linkType, a.hash], `packet ${i + 1}`).toEqual([epochOf(b), b.caplen, b.origLen, b.linkType, b.hash]);
      }
    });
  }

  it('a gzip-compressed NetMon file (no positioned reads: spooled) gives the same frames', async () => {
    const e = entries.find((x) => x.local.includes('TSRemoteGuardCreds')) ?? entries[0]!;
    const file = corpusPath(e.local);
    const gz = join(tmp, 'netmon.cap.gz');
    writeFileSync(gz, gzipSync(readFileSync(file)));
    const plain = await readFrames(file);
    const zipped = await readFrames(gz, { windowSize: 4096 });
    expect(zipped.error).toBeNull();
    expect(zipped.summary?.gzip).toBe(true);
    expect(zipped.summary?.format).toBe('netmon');
    expect(zipped.summary?.bytes).toBe(readFileSync(file).length);
    expect(zipped.issues).toEqual([]);
    expect(strip(zipped.frames)).toEqual(strip(plain.frames));
  });
});

/**
 * pcapng made of interface blocks (issue 13 item 4): 100 000 IDBs took 354 s (each IDB searched
 * the interface list). The lookup is by key now, and the number of interfaces read per file is
 * capped (MAX_INTERFACES) with a warning; packets on an interface over the cap are reported.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeFiles } from '../../../src/analyze.js';
import { MAX_INTERFACES } from '../../../src/capture/pcapng-reader.js';

const tmp = mkdtempSync(join(tmpdir(), 'rdpdiag-idb-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function block(type: number, body: Buffer): Buffer {
  const len = 12 + ((body.length + 3) & ~3);
  const b = Buffer.alloc(len);
  b.writeUInt32LE(type, 0);
  b.writeUInt32LE(len, 4);
  body.copy(b, 8);
  b.writeUInt32LE(len, len - 4);
  return b;
}

function manyInterfaces(n: number): Buffer {
  const shb = block(0x0a0d0d0a, Buffer.from([0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
  const idb = block(1, Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]));
  const epb = (ifId: number) => {
    const h = Buffer.alloc(20 + 54);
    h.writeUInt32LE(ifId, 0);
    h.writeUInt32LE(1_700_000_000, 8);
    h.writeUInt32LE(54, 12);
    h.writeUInt32LE(54, 16);
    return block(6, h);
  };
  const idbs = Buffer.alloc(idb.length * n);
  for (let i = 0; i < n; i++) idb.copy(idbs, i * idb.length);
  return Buffer.concat([shb, idbs, epb(0), epb(n - 1)]);
}

describe('pcapng with many Interface Description Blocks', () => {
  it(`100 000 IDBs: read in linear time, ${MAX_INTERFACES} interfaces kept, the rest reported`, async () => {
    const p = join(tmp, 'idb100k.pcapng');
    writeFileSync(p, manyInterfaces(100_000));
    const t0 = performance.now();
    const r = await analyzeFiles([p]);
    const ms = performance.now() - t0;
    expect(r.capture.interfaces.length).toBe(MAX_INTERFACES);
    const msgs = r.capture.warnings.map((w) => w.message);
    expect(msgs.some((m) => m.includes(`more than ${MAX_INTERFACES} Interface Description Blocks`))).toBe(true);
    expect(msgs.some((m) => m.includes(`${100_000 - MAX_INTERFACES} Interface Description Block(s) over the limit`))).toBe(true);
    const far = r.capture.warnings.find((w) => w.frame === 2);
    expect(far?.message).toContain(`interface 99999 is beyond the ${MAX_INTERFACES} interfaces read`);
    expect(r.capture.frames).toBe(2);
    // Quadratic took minutes at this size; linear is well under a second on an idle machine.
    expect(ms).toBeLessThan(20_000);
  });

  it('interfaces under the cap are all kept, each once', async () => {
    const p = join(tmp, 'idb100.pcapng');
    writeFileSync(p, manyInterfaces(100));
    const r = await analyzeFiles([p]);
    expect(r.capture.interfaces.map((i) => i.id)).toEqual([...Array(100).keys()]);
    expect(r.capture.warnings).toEqual([]);
  });
});

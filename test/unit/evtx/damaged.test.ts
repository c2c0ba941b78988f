/**
 * Damaged input: a real log with bytes flipped at random (seeded), cut at many lengths, and with
 * its chunk signature zeroed. The reader must never throw, must name an offset in each warning
 * and must keep every undamaged chunk's records.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readEvtx, type ByteSource } from '../../../src/evtx/evtx-reader.js';
import { readEventLog } from '../../../src/evtx/open.js';
import { EVTX_CORPUS, HAVE_EVTX_CORPUS } from '../../helpers/evtx-corpus.js';

function source(b: Uint8Array): ByteSource {
  return {
    size: b.length,
    read: (into, length, position) => {
      const n = Math.max(0, Math.min(length, b.length - position));
      into.set(b.subarray(position, position + n));
      return n;
    },
  };
}

function readAll(b: Uint8Array): { events: number; warnings: { offset: number; message: string }[] } {
  let events = 0;
  const warnings: { offset: number; message: string }[] = [];
  for (const item of readEvtx(source(b), 'x.evtx')) {
    if ('event' in item) events++;
    else warnings.push(item.warning);
  }
  return { events, warnings };
}

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FILE = join(EVTX_CORPUS, 'omerbenamram__evtx/samples/Security_short_selected.evtx');
const TWO_CHUNKS = join(EVTX_CORPUS, 'Velocidex__velociraptor/artifacts/testdata/files/RDPAuth_LocalSessionManager.evtx');
const tmp = mkdtempSync(join(tmpdir(), 'rdpdiag-evtx-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!HAVE_EVTX_CORPUS)('damaged EVTX input', () => {
  const original = new Uint8Array(readFileSync(FILE));
  const clean = readAll(original);

  it('reads the clean file without warnings', () => {
    expect(clean.events).toBe(7);
    expect(clean.warnings).toEqual([]);
  });

  it('survives 400 files with 1–40 random bytes changed in the records', () => {
    const r = rng(16);
    let warned = 0;
    for (let i = 0; i < 400; i++) {
      const b = original.slice();
      const flips = 1 + Math.floor(r() * 40);
      for (let k = 0; k < flips; k++) b[4096 + 512 + Math.floor(r() * 6000)] = Math.floor(r() * 256);
      const res = readAll(b);
      expect(res.events).toBeLessThanOrEqual(clean.events + 2);
      for (const w of res.warnings) expect(w.offset).toBeGreaterThanOrEqual(0);
      if (res.warnings.length > 0) warned++;
    }
    expect(warned).toBeGreaterThan(300); // the checksum catches nearly every change
  });

  it('survives every cut of the file (step 97 bytes) and reports a cut-off chunk', () => {
    for (let n = 0; n <= original.length; n += 97) {
      const res = readAll(original.subarray(0, n));
      expect(res.events).toBeLessThanOrEqual(clean.events);
      if (n > 4096 + 512 && n < original.length - 1000) expect(res.warnings.some((w) => /cut off/.test(w.message))).toBe(true);
    }
  });

  it('a chunk whose signature is damaged is skipped with its offset; the other chunks are read', () => {
    const b = new Uint8Array(readFileSync(TWO_CHUNKS));
    const before = readAll(b).events;
    b[4096] = 0x58; // "ElfChnk" → "XlfChnk"
    const res = readAll(b);
    expect(res.warnings.some((w) => w.offset === 4096 && /no chunk signature/.test(w.message))).toBe(true);
    expect(res.events).toBeLessThan(before);
  });

  it('not an event log: a clear error naming the file', () => {
    const p = join(tmp, 'capture.pcap');
    writeFileSync(p, Buffer.from('d4c3b2a1020004000000000000000000ffff000001000000', 'hex'));
    expect(() => readEventLog(p)).toThrow(/capture\.pcap: neither an \.evtx event log nor event XML/);
    expect(() => readEventLog(join(tmp, 'missing.evtx'))).toThrow(/missing\.evtx: cannot open/);
  });
});

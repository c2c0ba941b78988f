/**
 * Hostile inputs built by hand: length fields claiming gigabytes. The reader reports them
 * without allocating what they claim — resident memory and ArrayBuffer bytes stay bounded
 * while reading — and without hanging.
 *
 * Layouts (little-endian):
 *  pcap file header (24): magic a1b2c3d4, version 2.4, thiszone 0, sigfigs 0, snaplen, linktype 1
 *  pcap record header (16): ts_sec, ts_usec, incl_len, orig_len
 *  pcapng SHB (28): type 0a0d0d0a, total length 28, BOM 1a2b3c4d, version 1.0, section length -1, total length 28
 *  pcapng IDB (20): type 1, total length 20, linktype 1, reserved 0, snaplen 0, total length 20
 *  pcapng EPB header (28): type 6, total length, interface id, ts high, ts low, captured, original
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileSource } from '../../src/capture/file-source.js';
import type { DecodeIssue } from '../../src/core/issues.js';

const tmp = mkdtempSync(join(tmpdir(), 'rdpdiag-hostile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const FILLER = 1 << 20;
/**
 * Filler after the hostile header: 0xaa bytes can never look like a record header (every
 * length field read from them exceeds the limits), so the resync scan finds nothing. (Zero
 * filler is a sequence of valid empty pcap records and would legitimately be read as such.)
 */
const filler = () => Buffer.alloc(FILLER, 0xaa);

function pcapHeader(snaplen: number): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2c3d4, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(snaplen, 16);
  h.writeUInt32LE(1, 20);
  return h;
}
function pcapRecord(ts: number, incl: number, orig: number): Buffer {
  const r = Buffer.alloc(16);
  r.writeUInt32LE(ts, 0);
  r.writeUInt32LE(incl, 8);
  r.writeUInt32LE(orig, 12);
  return r;
}
function shbIdb(): Buffer {
  const b = Buffer.alloc(48);
  b.writeUInt32LE(0x0a0d0d0a, 0);
  b.writeUInt32LE(28, 4);
  b.writeUInt32LE(0x1a2b3c4d, 8);
  b.writeUInt16LE(1, 12);
  b.writeInt32LE(-1, 16);
  b.writeInt32LE(-1, 20);
  b.writeUInt32LE(28, 24);
  b.writeUInt32LE(1, 28);
  b.writeUInt32LE(20, 32);
  b.writeUInt16LE(1, 36);
  b.writeUInt32LE(20, 44);
  return b;
}
function epbHeader(total: number, cap: number): Buffer {
  const e = Buffer.alloc(28);
  e.writeUInt32LE(6, 0);
  e.writeUInt32LE(total, 4);
  e.writeUInt32LE(cap, 20);
  e.writeUInt32LE(cap, 24);
  return e;
}

interface Measured {
  frames: number;
  issues: DecodeIssue[];
  truncated: boolean | undefined;
  peakRssDelta: number;
  peakArrayBuffers: number;
  ms: number;
}

async function measure(name: string, bytes: Buffer): Promise<Measured> {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  global.gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakAb = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakAb = Math.max(peakAb, m.arrayBuffers - base.arrayBuffers);
  };
  const timer = setInterval(sample, 2);
  const issues: DecodeIssue[] = [];
  let frames = 0;
  const t0 = Date.now();
  try {
    const s = await new FileSource(path, 0).run({
      frame: () => {
        frames++;
        sample();
      },
      issue: (i) => {
        issues.push(i);
        sample();
      },
      interface: () => {},
      secrets: () => {},
    });
    sample();
    return { frames, issues, truncated: s.truncated, peakRssDelta: peakRss - base.rss, peakArrayBuffers: peakAb, ms: Date.now() - t0 };
  } finally {
    clearInterval(timer);
  }
}

const MB = 1 << 20;

describe('hostile length fields are reported without allocating them', () => {
  it('pcap record claiming 100 MB (snaplen 65535): corrupt-length error, memory bounded', async () => {
    const m = await measure('rec100mb.pcap', Buffer.concat([pcapHeader(65535), pcapRecord(1, 100 * MB, 100 * MB), filler()]));
    expect(m.issues[0]?.severity).toBe('error');
    expect(m.issues[0]?.message).toMatch(/104857600/);
    expect([m.issues[0]!.frame, m.issues[0]!.offset]).toEqual([1, 24]);
    expect(m.frames).toBe(0);
    expect(m.truncated).toBe(true);
    expect(m.peakArrayBuffers).toBeLessThan(64 * MB);
    expect(m.peakRssDelta).toBeLessThan(200 * MB);
    expect(m.ms).toBeLessThan(10_000);
  });

  it('pcap with snaplen 0xffffffff and a record claiming 100 MB: still refused (hard limit), memory bounded', async () => {
    const m = await measure('rec100mb-snap.pcap', Buffer.concat([pcapHeader(0xffffffff), pcapRecord(1, 100 * MB, 100 * MB), filler()]));
    expect(m.issues[0]?.severity).toBe('error');
    expect(m.frames).toBe(0);
    expect(m.peakArrayBuffers).toBeLessThan(64 * MB);
    expect(m.peakRssDelta).toBeLessThan(200 * MB);
  });

  it('pcap: a good record, a 100 MB claim, then good records: the good ones around it are read', async () => {
    const good = (ts: number) => Buffer.concat([pcapRecord(ts, 60, 60), Buffer.alloc(60, 0x45)]);
    const m = await measure(
      'mixed.pcap',
      Buffer.concat([pcapHeader(65535), good(1000), pcapRecord(1001, 100 * MB, 100 * MB), good(1002), good(1003)]),
    );
    expect(m.frames).toBe(3);
    expect(m.issues.some((i) => i.severity === 'error' && i.frame === 2 && i.offset === 24 + 76)).toBe(true);
    expect(m.peakArrayBuffers).toBeLessThan(64 * MB);
  });

  it('pcapng block claiming 2 GB: impossible-length error, no allocation of it', async () => {
    const m = await measure('blk2gb.pcapng', Buffer.concat([shbIdb(), epbHeader(0x80000000, 0x7fffffe0), filler()]));
    const e = m.issues.find((i) => i.severity === 'error');
    expect(e?.message).toMatch(/2147483648/);
    expect([e!.frame, e!.offset]).toEqual([1, 48]);
    expect(m.frames).toBe(0);
    expect(m.truncated).toBe(true);
    expect(m.peakArrayBuffers).toBeLessThan(64 * MB);
    expect(m.peakRssDelta).toBeLessThan(200 * MB);
    expect(m.ms).toBeLessThan(10_000);
  });

  it('pcapng block claiming 30 MB (under the block limit) in a 1 MB file: a cut-off warning; memory stays within a few times the claim', async () => {
    const m = await measure('blk30mb.pcapng', Buffer.concat([shbIdb(), epbHeader(30 * MB, 30 * MB - 32), filler()]));
    const w = m.issues.find((i) => /cut off/.test(i.message));
    expect(w?.frame).toBe(1);
    expect(w?.offset).toBe(48);
    expect(m.frames).toBe(0);
    expect(m.truncated).toBe(true);
    expect(m.peakArrayBuffers).toBeLessThan(100 * MB);
    expect(m.peakRssDelta).toBeLessThan(300 * MB);
  });

  it('pcapng EPB whose captured length claims 2 GB inside a small block: clipped, no allocation', async () => {
    const body = Buffer.alloc(64, 0x45);
    const total = 28 + body.length + 4;
    const trailer = Buffer.alloc(4);
    trailer.writeUInt32LE(total, 0);
    const m = await measure('cap2gb.pcapng', Buffer.concat([shbIdb(), epbHeader(total, 0x80000000), body, trailer]));
    expect(m.frames).toBe(1);
    expect(m.issues.some((i) => i.severity === 'error' && /runs past the block end/.test(i.message))).toBe(true);
    expect(m.peakArrayBuffers).toBeLessThan(64 * MB);
  });
});

/**
 * Chunk-split invariance of the capture readers: the same frames (index, time, caplen,
 * origLen, link type, interface, bytes hash) and the same warnings whatever the read-window
 * size, whether the file is read directly, through gzip (detected by magic, not name), or
 * from standard input ('-', a child process fed through a pipe, using the built dist/).
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusPath, HAVE_CORPUS, REPO } from '../helpers/shared.js';
import { readFrames, strip, type ReadResult } from '../unit/capture/read-frames.js';
import { SAMPLES } from './capture-files.js';

const EXTRA = [
  // A record claiming 4 MB in the middle (resynchronisation must not depend on the window).
  'OISF__suricata-verify/tests/bug-1450-04/tls_DER-incomplete-header.pcap',
  // Records larger than the smaller windows (RDP bulk data, up to 1514 bytes) over 400+ frames.
  'zeek__zeek/testing/btest/Traces/rdp/rdp-to-ssl.pcap',
  // pcapng with NRB/ISB/SPB and three sections.
  'google__gopacket/pcapgo/tests/le/test102.pcapng',
];

const DIST = join(REPO, 'dist', 'capture', 'file-source.js');
const tmp = mkdtempSync(join(tmpdir(), 'rdpdiag-chunk-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function summaryOf(r: ReadResult) {
  return {
    error: r.error?.message ?? null,
    frames: strip(r.frames),
    issues: r.issues.map((i) => [i.severity, i.frame, i.offset, i.message]),
    format: r.summary?.format,
    frameCount: r.summary?.frames,
    truncated: r.summary?.truncated,
  };
}

/** Reads '-' in a child node process with the file piped to its stdin. */
function readViaStdin(file: string): Promise<{ frames: unknown[]; issues: unknown[]; summary: { format: string; frames: number; gzip: boolean; truncated: boolean } }> {
  const script = `
    import { createHash } from 'node:crypto';
    const { FileSource } = await import(${JSON.stringify(DIST)});
    const frames = [], issues = [];
    const summary = await new FileSource('-', 0).run({
      frame: (f) => frames.push({ index: f.index, tsSec: f.tsSec, tsNsec: f.tsNsec, caplen: f.caplen, origLen: f.origLen, linkType: f.linkType, ifIndex: f.ifIndex, hash: createHash('sha1').update(f.data).digest('hex') }),
      issue: (i) => issues.push([i.severity, i.frame, i.offset, i.message]),
      interface: () => {}, secrets: () => {},
    });
    process.stdout.write(JSON.stringify({ frames, issues, summary }));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`stdin reader exited ${code}: ${err}`));
      else resolve(JSON.parse(out));
    });
    createReadStream(file).pipe(child.stdin);
  });
}

const files = [...SAMPLES.map((s) => s.path), ...EXTRA.map(corpusPath)];

describe.skipIf(!HAVE_CORPUS)('chunk-split invariance of the capture readers', () => {
  it.each(files)('%s: identical frames and warnings for windows 64, 257, 4096 and the default', async (file) => {
    const base = await readFrames(file);
    expect(base.error).toBeNull();
    expect(base.frames.length).toBeGreaterThan(0);
    const ref = summaryOf(base);
    for (const w of [64, 257, 4096]) {
      const r = await readFrames(file, { windowSize: w });
      expect(summaryOf(r), `window ${w}`).toEqual(ref);
    }
  });

  it.each(files)('%s: identical through gzip (a .gz copy and a gzip file without .gz name)', async (file) => {
    const base = summaryOf(await readFrames(file));
    const gz = gzipSync(readFileSync(file));
    const named = join(tmp, 'copy.pcap.gz');
    const unnamed = join(tmp, 'copy.bin');
    writeFileSync(named, gz);
    writeFileSync(unnamed, gz);
    for (const [p, w] of [[named, undefined], [unnamed, 257], [named, 64]] as const) {
      const r = await readFrames(p, { windowSize: w });
      expect(r.summary?.gzip).toBe(true);
      // Warnings name the path that was given; compare them with the label swapped.
      const s = summaryOf(r);
      s.issues = s.issues.map((i) => [i[0]!, i[1]!, i[2]!, String(i[3]).split(p).join(file)]);
      expect(s).toEqual(base);
    }
  });

  it.skipIf(!existsSync(DIST)).each(files)('%s: identical from standard input, plain and gzip', async (file) => {
    const base = summaryOf(await readFrames(file));
    const viaStdin = await readViaStdin(file);
    expect(viaStdin.frames).toEqual(base.frames);
    expect(viaStdin.issues.map((i) => (i as unknown[]).slice(0, 3))).toEqual(base.issues.map((i) => i.slice(0, 3)));
    expect(viaStdin.summary.frames).toBe(base.frameCount);
    expect(viaStdin.summary.gzip).toBe(false);
    const gzFile = join(tmp, `stdin-${files.indexOf(file)}.gz`);
    writeFileSync(gzFile, gzipSync(readFileSync(file)));
    const viaStdinGz = await readViaStdin(gzFile);
    expect(viaStdinGz.frames).toEqual(base.frames);
    expect(viaStdinGz.summary.gzip).toBe(true);
  });
});

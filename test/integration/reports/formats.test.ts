/**
 * Markdown and text reports through the CLI: the Markdown verdict comes first, the evidence
 * table's frames and times are the ones tshark reads for those frames, tables are plain pipe
 * tables with no box drawing and no HTML; damaged inputs (a header-only pcap, a pcapng block
 * claiming 4 GB, a key log of junk, a TLS handshake length past its bound) are said in the
 * text, Markdown and HTML reports, under the verdict; -o to a directory, a missing folder or a
 * full device fails before the analysis with exit 2 in every format.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HAVE_TSHARK, REPO } from '../../helpers/shared.js';
import { tshark } from '../../helpers/tshark.js';

const BIN = join(REPO, 'bin', 'rdpdiag');
const LAB = join(REPO, 'captures', 'lab');
const HAVE_DIST = existsSync(join(REPO, 'dist', 'cli', 'main.js'));
const tmp = mkdtempSync(join(tmpdir(), 'rdpdiag-formats-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function run(args: string[], env: NodeJS.ProcessEnv = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Blocks of a pcapng file as [offset, type, length]. */
function blocks(b: Buffer): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let off = 0; off + 8 <= b.length; ) {
    const t = b.readUInt32LE(off);
    const l = b.readUInt32LE(off + 4);
    out.push([off, t, l]);
    off += l;
  }
  return out;
}

const MB = join(LAB, 'middlebox-reset-clienthello-client.pcapng');

function damaged(): Record<string, { args: string[]; expect: RegExp }> {
  const src = readFileSync(MB);
  const headerOnly = join(tmp, 'header-only.pcap');
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2c3d4, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(65535, 16);
  h.writeUInt32LE(1, 20);
  writeFileSync(headerOnly, h);
  const big = join(tmp, 'claims-4gb.pcapng');
  const claim = Buffer.alloc(72);
  claim.writeUInt32LE(6, 0);
  claim.writeUInt32LE(0xfffffff0, 4);
  writeFileSync(big, Buffer.concat([src, claim]));
  const junk = join(tmp, 'junk.keylog');
  writeFileSync(junk, 'hello world\nCLIENT_RANDOM zz yy\n'.repeat(10));
  // The ClientHello (frame 8) with its handshake length set to 0xffffff.
  const tls = Buffer.from(src);
  const epbs = blocks(tls).filter(([, t]) => t === 6);
  const [off] = epbs[7]!;
  const cap = tls.readUInt32LE(off + 20);
  const pkt = tls.subarray(off + 28, off + 28 + cap);
  const at = pkt.indexOf(Buffer.from([0x16, 0x03, 0x01]));
  pkt[at + 6] = pkt[at + 7] = pkt[at + 8] = 0xff;
  const tlsLen = join(tmp, 'tls-length.pcapng');
  writeFileSync(tlsLen, tls);
  return {
    'header-only pcap': { args: [headerOnly], expect: /header-only\.pcap holds no packets/ },
    'pcapng block claiming 4 GB': { args: [big], expect: /claims-4gb\.pcapng: reading stopped at byte \d+ because the file is damaged/ },
    'junk key log': { args: [MB, '--keylog', junk], expect: /junk\.keylog has no usable secret line \(20 unreadable line\(s\)\)/ },
    'TLS handshake length past its bound': { args: [tlsLen], expect: /connection #1, frame 8: tls at offset \d+: handshake message of 16777219 bytes/ },
  };
}

describe.skipIf(!HAVE_DIST)('report formats', () => {
  it.skipIf(!HAVE_TSHARK)('Markdown: verdict first, evidence frames and times as tshark reads them, plain pipe tables', async () => {
    const r = run(['analyze', MB, '--format', 'markdown']);
    expect(r.code).toBe(1);
    const md = r.stdout;
    const lines = md.split('\n');
    expect(lines[0]).toMatch(/^# rdpdiag: middlebox-reset \(confidence high\)$/);
    expect(lines.slice(0, 4).join('\n')).toMatch(/\*\*Verdict:\*\* middlebox-reset, \*\*confidence high\*\*/);
    expect(md).not.toMatch(/[\u2500-\u257f]/); // no box drawing
    expect(md).not.toMatch(/<\/?[a-z][^>]*>/i); // no HTML
    // Every table row has as many unescaped pipes as its header.
    let cols = -1;
    for (const l of lines) {
      if (!l.startsWith('|')) {
        cols = -1;
        continue;
      }
      const n = l.replace(/\\\|/g, '').split('|').length;
      if (cols < 0) cols = n;
      else expect(n, l).toBe(cols);
    }
    const ev = md.slice(md.indexOf('## Evidence'), md.indexOf('## Next steps'));
    const rows = [...ev.matchAll(/^\| (\d+) \| `([^`]+)` \|/gm)].map((m) => ({ frame: Number(m[1]), at: m[2]! }));
    expect(rows.length).toBeGreaterThan(0);
    const t = await tshark(['-r', MB, '-T', 'fields', '-e', 'frame.number', '-e', 'frame.time_epoch', '-e', 'tcp.flags.reset']);
    const wire = new Map(t.stdout.trim().split('\n').map((l) => l.split('\t')).map(([n, ts, rst]) => [Number(n), { ts: Number(ts), rst: rst === '1' || rst === 'True' }]));
    for (const row of rows) {
      const w = wire.get(row.frame)!;
      expect(Math.abs(Date.parse(row.at) / 1000 - w.ts)).toBeLessThan(0.001);
    }
    // The forged RST tshark sees is in the evidence and marked on the ladder table.
    const rst = [...wire].find(([, w]) => w.rst)![0];
    expect(rows.map((x) => x.frame)).toContain(rst);
    expect(md).toMatch(new RegExp(`^\\| ${rst} \\| \`[^\`]+\` \\| path → client \\| RST TTL \\d+ \\*\\*\\(failure point\\)\\*\\*`, 'm'));
    expect(md).toContain('## Next steps');
    expect(md).toContain('## Capture');
  });

  for (const [name, c] of Object.entries(damaged())) {
    it(`${name}: said in text, Markdown and HTML, under the verdict`, () => {
      for (const format of ['text', 'markdown', 'html']) {
        const r = run(['analyze', ...c.args, '--format', format], { COLUMNS: '400' });
        expect([0, 1], r.stderr).toContain(r.code);
        const out = format === 'html' ? r.stdout.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&') : r.stdout;
        expect(out, format).toMatch(c.expect);
        // The damage note is next to the verdict: in the first lines of text and Markdown, in the verdict header of HTML.
        if (format === 'text') expect(out.split('\n').slice(0, 3).join('\n')).toMatch(/drawn from a damaged capture/);
        if (format === 'markdown') expect(out.split('\n').slice(0, 6).join('\n')).toMatch(/\*\*Damaged capture:\*\*/);
        if (format === 'html') expect(out.slice(out.indexOf('<header id="verdict"'), out.indexOf('</header>'))).toMatch(/drawn from a damaged capture/);
      }
    });
  }

  describe('-o that cannot be written fails before the analysis with exit 2', () => {
    const dir = join(tmp, 'a-folder');
    mkdirSync(dir, { recursive: true });
    const targets: [string, string, RegExp][] = [
      ['a directory', dir, /it is a directory/],
      ['a missing folder', join(tmp, 'missing', 'report.txt'), /does not exist/],
      ...(existsSync('/dev/full') ? ([['a full device', '/dev/full', /no space left/]] as [string, string, RegExp][]) : []),
    ];
    for (const [what, path, why] of targets) {
      it(what, () => {
        for (const format of ['text', 'json', 'markdown', 'html']) {
          // A file that does not exist: had the analysis run first, the error would name it instead.
          const r = run(['analyze', join(tmp, 'no-such-capture.pcap'), '--format', format, '-o', path]);
          expect(r.code, `${format}: ${r.stderr}`).toBe(2);
          expect(r.stderr).toMatch(why);
          expect(r.stderr).not.toMatch(/no-such-capture|\n\s+at /);
        }
      });
    }
  });
});

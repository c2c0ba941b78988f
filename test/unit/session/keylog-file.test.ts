/**
 * --keylog read as a bounded stream of lines (issue 13 item 2): /dev/zero and FIFOs are refused
 * before reading, a 100 MB line is skipped without being held, a million junk lines are counted
 * (the first bad line named) without a million issue records, and reading stops at MAX_TOTAL.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RdpdiagError } from '../../../src/core/errors.js';
import { MAX_LINE, MAX_TOTAL } from '../../../src/session/keylog-file.js';
import { Secrets } from '../../../src/session/secrets.js';

const tmp = mkdtempSync(join(tmpdir(), 'rdpdiag-keylog-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const R = 'ab'.repeat(32);
const good = `CLIENT_RANDOM ${R} ${'cd'.repeat(48)}\n`;

describe('key log files read bounded', () => {
  it('/dev/zero is refused with a message naming it', () => {
    const s = new Secrets();
    expect(() => s.addKeyLogFile('/dev/zero')).toThrow(RdpdiagError);
    expect(() => s.addKeyLogFile('/dev/zero')).toThrow(/\/dev\/zero: is a character device, not a key log file/);
  });

  it('a FIFO is refused without waiting for a writer', () => {
    const fifo = join(tmp, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => new Secrets().addKeyLogFile(fifo)).toThrow(/is a FIFO/);
  });

  it('a line longer than MAX_LINE that spans read chunks is skipped and counted; the lines around it are read', () => {
    const p = join(tmp, 'long.txt');
    writeFileSync(p, `# comment\n${'A'.repeat(200_000)}\n${good}`);
    const s = new Secrets();
    const r = s.addKeyLogFile(p);
    expect([r.added, r.overlongLines, r.firstOverlongLine, r.badLines]).toEqual([1, 1, 2, 0]);
  });

  it('junk lines: all counted, the first bad line named, only a few kept', () => {
    const p = join(tmp, 'junk.txt');
    writeFileSync(p, good + 'junk line\n'.repeat(200_000) + `CLIENT_RANDOM ${'ef'.repeat(32)} ${'01'.repeat(48)}\n`);
    const s = new Secrets();
    const r = s.addKeyLogFile(p);
    expect([r.added, r.badLines, r.firstBadLine]).toEqual([2, 200_000, 2]);
  });

  it(`reading stops at MAX_TOTAL (${MAX_TOTAL} bytes) and says so`, () => {
    const p = join(tmp, 'huge.txt');
    writeFileSync(p, Buffer.alloc(MAX_TOTAL + 4096, 0x41));
    const r = new Secrets().addKeyLogFile(p);
    expect(r.stoppedAtLimit).toBe(true);
    expect(r.overlongLines).toBe(1);
  });

  it('every NSS label is accepted or ignored, never a bad line', () => {
    const p = join(tmp, 'labels.txt');
    const s32 = 'aa'.repeat(32);
    const labels = ['CLIENT_EARLY_TRAFFIC_SECRET', 'CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0', 'EARLY_EXPORTER_SECRET', 'EXPORTER_SECRET', 'ECH_SECRET', 'ECH_CONFIG'];
    writeFileSync(p, labels.map((l) => `${l} ${R} ${s32}\n`).join('') + `RSA ${'12'.repeat(8)} ${'34'.repeat(48)}\n` + good);
    const r = new Secrets().addKeyLogFile(p);
    expect(r.badLines).toBe(0);
  });
});

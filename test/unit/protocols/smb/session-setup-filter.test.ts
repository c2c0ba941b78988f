/**
 * The SMB session-setup filter passes on exactly the SESSION_SETUP messages of a real SMB stream
 * (their sizes checked against tshark's NetBIOS lengths), whatever the segment boundaries, and
 * gives up on a stream that is not SMB. Streams: tshark's `follow,tcp,raw` of corpus captures
 * (SMB1 with a KRB_AP_ERR_SKEW in the session setup response; SMB2 with Kerberos).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GssKerberosScanner } from '../../../../src/protocols/kerberos/gss-scanner.js';
import { RESYNC_BUDGET, SmbSessionSetupFilter } from '../../../../src/protocols/smb/session-setup-filter.js';
import type { ChunkInfo, Dir, StreamDecoder } from '../../../../src/protocols/stream.js';
import { CORPUS, HAVE_CORPUS, HAVE_TSHARK, TSHARK } from '../../../helpers/shared.js';

const SMB1 = join(CORPUS, 'ntop__nDPI/tests/cfgs/default/pcap/smb_frags.pcap');
const SMB2 = join(CORPUS, 'zeek__zeek/testing/btest/Traces/krb/smb2_krb.pcap');
const INFO: ChunkInfo = { frame: 1, ts: 1 };

/** Both directions of TCP stream 0, in order, as tshark reassembles them. */
function streams(file: string): [Uint8Array, Uint8Array] {
  const out = execFileSync(TSHARK, ['-r', file, '-q', '-z', 'follow,tcp,raw,0'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const body = out.split('='.repeat(67))[1] ?? '';
  const parts: [string[], string[]] = [[], []];
  for (const line of body.split('\n')) {
    if (!/^\t?[0-9a-f]+$/.test(line)) continue;
    parts[line.startsWith('\t') ? 1 : 0].push(line.trim());
  }
  return [Buffer.from(parts[0].join(''), 'hex'), Buffer.from(parts[1].join(''), 'hex')];
}

/** NetBIOS lengths of the session-setup messages of each direction, in order (client → port 445 first). */
function sessionSetupLengths(file: string): [number[], number[]] {
  const out = execFileSync(TSHARK, ['-r', file, '-Y', 'smb.cmd == 0x73 || smb2.cmd == 1', '-T', 'fields', '-e', 'nbss.length', '-e', 'tcp.dstport'], { encoding: 'utf8' });
  const lens: [number[], number[]] = [[], []];
  for (const line of out.trim().split('\n')) {
    const [len, dport] = line.split('\t');
    for (const l of len!.split(',')) lens[dport === '445' ? 0 : 1].push(Number(l));
  }
  return lens;
}

function sessionSetupBytes(file: string): [number, number] {
  const [c, s] = sessionSetupLengths(file);
  return [c.reduce((a, b) => a + b, 0), s.reduce((a, b) => a + b, 0)];
}

class Collect implements StreamDecoder {
  readonly bytes: [number, number] = [0, 0];
  readonly data: [number[], number[]] = [[], []];
  gaps = 0;
  push(dir: Dir, data: Uint8Array): void {
    this.bytes[dir] += data.length;
    if (this.data[dir].length < 1 << 16) this.data[dir].push(...data);
  }
  gap(): void {
    this.gaps++;
  }
  end(): void {}
}

function feed(d: StreamDecoder, dir: Dir, s: Uint8Array, splits: number[]): void {
  let prev = 0;
  for (const at of [...splits, s.length]) {
    d.push(dir, s.subarray(prev, at), INFO);
    prev = at;
  }
}

describe.skipIf(!HAVE_TSHARK || !HAVE_CORPUS || !existsSync(SMB1) || !existsSync(SMB2))('SMB session-setup filter', () => {
  for (const [name, file] of [['SMB1', SMB1], ['SMB2', SMB2]] as const) {
    it(`${name}: passes on the session setup messages and nothing else (sizes from tshark)`, () => {
      const [c2s, s2c] = streams(file);
      const want = sessionSetupBytes(file);
      expect(want[0]).toBeGreaterThan(0);
      expect(want[1]).toBeGreaterThan(0);
      const sink = new Collect();
      let done = 0;
      const f = new SmbSessionSetupFilter(sink, () => done++);
      feed(f, 0, c2s, []);
      feed(f, 1, s2c, []);
      expect(sink.bytes).toEqual(want);
      // What was passed on is those messages, one after the other: each an SMB header of a session setup.
      const lens = sessionSetupLengths(file);
      for (const dir of [0, 1] as const) {
        let at = 0;
        for (const len of lens[dir]) {
          const b = sink.data[dir];
          expect(String.fromCharCode(b[at + 1]!, b[at + 2]!, b[at + 3]!)).toBe('SMB');
          if (b[at] === 0xfe) expect(b[at + 12]! | (b[at + 13]! << 8)).toBe(1);
          else expect([b[at], b[at + 4]]).toEqual([0xff, 0x73]);
          at += len;
        }
        expect(at).toBe(sink.data[dir].length);
      }
      expect(done).toBe(0);
    });
  }

  it('SMB1: the KRB-ERROR 37 in the session setup response is found once whatever the split point', () => {
    const [c2s, s2c] = streams(SMB1);
    for (let at = 0; at <= s2c.length; at += 7) {
      const errs: number[] = [];
      const f = new SmbSessionSetupFilter(new GssKerberosScanner((e) => errs.push((e as { errorCode?: number }).errorCode ?? -1)), () => {});
      feed(f, 0, c2s, [Math.floor(c2s.length / 2)]);
      feed(f, 1, s2c, [at]);
      expect(errs, `split at ${at}`).toEqual([37]);
    }
  });

  it('SMB2: same bytes passed on whatever the split points (byte by byte too)', () => {
    const [c2s, s2c] = streams(SMB2);
    const whole = new Collect();
    const f0 = new SmbSessionSetupFilter(whole, () => {});
    feed(f0, 0, c2s, []);
    feed(f0, 1, s2c, []);
    const bytewise = new Collect();
    const f1 = new SmbSessionSetupFilter(bytewise, () => {});
    const every = (s: Uint8Array) => Array.from({ length: s.length - 1 }, (_, i) => i + 1);
    feed(f1, 0, c2s, every(c2s));
    feed(f1, 1, s2c, every(s2c));
    expect(bytewise.bytes).toEqual(whole.bytes);
  });

  it('a stream that is not SMB is given up in both directions, nothing passed on', () => {
    const sink = new Collect();
    let done = 0;
    const f = new SmbSessionSetupFilter(sink, () => done++);
    const junk = Uint8Array.from({ length: 3000 }, (_, i) => (i * 131 + 7) & 0xff);
    feed(f, 0, junk, [100]);
    expect(done).toBe(0); // the server direction may still be SMB
    feed(f, 1, junk, []);
    expect(done).toBe(1);
    feed(f, 0, junk, []);
    expect(sink.bytes).toEqual([0, 0]);
  });

  it('NetBIOS session request and keep-alive (port 139) are passed over before the SMB messages', () => {
    const [c2s] = streams(SMB1);
    const request = Uint8Array.from([0x81, 0, 0, 6, 1, 2, 3, 4, 5, 6]);
    const keepAlive = Uint8Array.from([0x85, 0, 0, 0]);
    const sink = new Collect();
    const f = new SmbSessionSetupFilter(sink, () => {});
    const joined = Buffer.concat([request, keepAlive, c2s]);
    feed(f, 0, joined, [5, 12]);
    expect(sink.bytes[0]).toBe(sessionSetupBytes(SMB1)[0]);
  });

  it('after a gap the direction re-synchronises on the next SMB header (the session setup after it is still passed on)', () => {
    const [c2s] = streams(SMB2);
    const want = sessionSetupBytes(SMB2);
    const sink = new Collect();
    const f = new SmbSessionSetupFilter(sink, () => {});
    f.push(0, c2s.subarray(0, 50), INFO);
    f.gap(0, 100, INFO);
    f.push(0, c2s.subarray(150), INFO);
    expect(sink.gaps).toBe(1);
    // Up to the next message boundary (walking the NetBIOS lengths) the bytes are scanned as they are.
    let next = 0;
    while (next < 150) next += 4 + ((c2s[next + 1]! << 16) | (c2s[next + 2]! << 8) | c2s[next + 3]!);
    expect(sink.bytes[0]).toBe(want[0] + (next - 150));
  });

  it('picked up mid-stream (no SYN), it finds the KRB-ERROR 37 whatever the start point', () => {
    const [c2s, s2c] = streams(SMB1);
    for (const cut of [1, 37, 100, 200, 250]) {
      const errs: number[] = [];
      const f = new SmbSessionSetupFilter(new GssKerberosScanner((e) => errs.push((e as { errorCode?: number }).errorCode ?? -1)), () => {}, false);
      f.push(0, c2s.subarray(cut), INFO);
      f.push(1, s2c.subarray(cut), INFO);
      expect(errs, `from byte ${cut}`).toEqual([37]);
    }
  });

  it('picked up mid-stream, bytes that never show an SMB header are given up after the search budget', () => {
    let done = 0;
    const f = new SmbSessionSetupFilter(new Collect(), () => done++, false);
    const junk = Uint8Array.from({ length: 64 * 1024 }, (_, i) => (i * 131 + 7) & 0xff);
    for (let i = 0; i <= RESYNC_BUDGET / junk.length; i++) {
      f.push(0, junk, INFO);
      f.push(1, junk, INFO);
    }
    expect(done).toBe(1);
  });

  it('every prefix of a real stream is taken without throwing', () => {
    const [c2s, s2c] = streams(SMB1);
    for (let n = 0; n <= s2c.length; n++) {
      const f = new SmbSessionSetupFilter(new GssKerberosScanner(() => {}), () => {});
      f.push(0, c2s, INFO);
      f.push(1, s2c.subarray(0, n), INFO);
      f.end(1, INFO);
    }
  });

  it('after a gap, encrypted SMB3 messages are stepped over and a later session setup is still passed on', () => {
    const [c2s] = streams(SMB2);
    const want = sessionSetupBytes(SMB2)[0];
    // the session setup of the client stream, as it is on the wire
    let at = 0;
    let setup: Uint8Array | null = null;
    while (at < c2s.length) {
      const len = 4 + ((c2s[at + 1]! << 16) | (c2s[at + 2]! << 8) | c2s[at + 3]!);
      if (c2s[at + 4] === 0xfe && (c2s[at + 16]! | (c2s[at + 17]! << 8)) === 1) setup = c2s.subarray(at, at + len);
      at += len;
    }
    expect(setup).not.toBeNull();
    const transform = new Uint8Array(4 + 60_000);
    transform.set([0, 0, 0xea, 0x60, 0xfd, 0x53, 0x4d, 0x42]);
    for (let i = 8; i < transform.length; i++) transform[i] = (i * 89) & 0xff;
    const sink = new Collect();
    let done = 0;
    const f = new SmbSessionSetupFilter(sink, () => done++);
    f.push(0, c2s.subarray(0, 60), INFO);
    f.gap(0, 100, INFO);
    f.push(0, transform.subarray(1000), INFO); // mid-message: scanned as it is until the next header
    for (let i = 0; i < 20; i++) f.push(0, transform, INFO);
    const before = sink.bytes[0];
    expect(before).toBe(transform.length - 1000);
    f.push(0, setup!, INFO);
    expect(sink.bytes[0] - before).toBe(want);
    expect(done).toBe(0);
  });
});

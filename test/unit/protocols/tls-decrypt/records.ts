/**
 * Test helper (not library code): gets each TCP stream's bytes from tshark
 * (`-z follow,tcp,raw,N`), walks the TLS records itself, pulls the session parameters out of
 * the hellos (a minimal parse, enough for the tests), runs our decryptor over every record,
 * and gets tshark's decrypted application data (`-z follow,tls,raw,N`) as the oracle.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { constants, inflateSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dir } from '../../../../src/protocols/stream.js';
import { expect } from 'vitest';
import { cipherSuiteInfo } from '../../../../src/protocols/tls/decrypt/suites.js';
import type { DecryptorFactory, DecryptResult, TlsSessionParams } from '../../../../src/protocols/tls/decrypt/types.js';

export const TSHARK = '/usr/bin/tshark';
export const HAVE_TSHARK = existsSync(TSHARK);
const HERE = path.dirname(fileURLToPath(import.meta.url));
/** ../shared/captures/public from the repository root. */
export const PUBLIC = path.resolve(HERE, '../../../..', '..', 'shared', 'captures', 'public');
export const HAVE_PUBLIC = existsSync(PUBLIC);

export function tshark(args: string[]): string {
  return execFileSync(TSHARK, args, { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
}

export function tcpStreams(file: string, extra: string[] = []): number[] {
  const out = tshark(['-r', file, ...extra, '-Y', 'tcp.len > 0', '-T', 'fields', '-e', 'tcp.stream']);
  return [...new Set(out.split('\n').filter((l) => l.trim() !== '').map(Number))].sort((a, b) => a - b);
}

/** Per stream: the bytes of node 0 and node 1 and their addresses (tshark's order). */
export interface FollowedStream {
  readonly data: [Buffer, Buffer];
  readonly nodes: [string, string];
}
export type Followed = Map<number, FollowedStream>;

/** Runs one tshark with a `-z follow,<proto>,raw,N` per stream and parses the blocks. */
export function follow(file: string, proto: 'tcp' | 'tls', streams: number[], extra: string[] = []): Followed {
  const result: Followed = new Map();
  const BATCH = 64;
  for (let i = 0; i < streams.length; i += BATCH) {
    const args = ['-r', file, ...extra, '-q'];
    for (const s of streams.slice(i, i + BATCH)) args.push('-z', `follow,${proto},raw,${s}`);
    const out = tshark(args);
    let current: number | null = null;
    let parts: [string[], string[]] = [[], []];
    let nodes: [string, string] = ['', ''];
    for (const line of out.split('\n')) {
      const m = /^Filter: tcp\.stream eq (\d+)/.exec(line);
      if (m) {
        current = Number(m[1]);
        parts = [[], []];
        nodes = ['', ''];
        continue;
      }
      if (line.startsWith('=====')) {
        if (current !== null) {
          result.set(current, { data: [Buffer.from(parts[0].join(''), 'hex'), Buffer.from(parts[1].join(''), 'hex')], nodes });
        }
        current = null;
        continue;
      }
      const n = /^Node ([01]): (.*)$/.exec(line);
      if (n) {
        nodes[Number(n[1]) as 0 | 1] = n[2]!.trim();
        continue;
      }
      if (current === null || line.startsWith('Follow:') || line.trim() === '') continue;
      if (line.startsWith('\t')) parts[1].push(line.trim());
      else parts[0].push(line.trim());
    }
  }
  return result;
}

export interface TlsRecord {
  readonly type: number;
  readonly version: number;
  readonly body: Buffer;
}

/**
 * Skips leading TPKT PDUs (RDP's X.224 exchange before TLS), then cuts TLS records; an
 * incomplete tail is dropped. An SSLv2-format ClientHello (RFC 5246 Appendix E.2) becomes a
 * synthetic handshake record holding an equivalent ClientHello (random = challenge, left-padded).
 */
export function walkRecords(data: Buffer): TlsRecord[] {
  let o = 0;
  while (o + 4 <= data.length && data[o] === 0x03 && data[o + 1] === 0x00) {
    const len = data.readUInt16BE(o + 2);
    if (len < 4) break;
    o += len;
  }
  const out: TlsRecord[] = [];
  if (o + 11 <= data.length && (data[o]! & 0x80) !== 0 && data[o + 2] === 1) {
    const len = data.readUInt16BE(o) & 0x7fff;
    const specLen = data.readUInt16BE(o + 5);
    const sidLen = data.readUInt16BE(o + 7);
    const chLen = data.readUInt16BE(o + 9);
    const challenge = data.subarray(o + 11 + specLen + sidLen, o + 11 + specLen + sidLen + chLen);
    const random = Buffer.alloc(32);
    challenge.copy(random, 32 - Math.min(32, challenge.length));
    // type 1 | length | version | random | empty session id | no suites | no compression
    const body = Buffer.concat([Buffer.from([1, 0, 0, 38]), data.subarray(o + 3, o + 5), random, Buffer.from([0, 0, 0, 0])]);
    out.push({ type: 22, version: data.readUInt16BE(o + 3), body });
    o += 2 + len;
  }
  while (o + 5 <= data.length) {
    const type = data[o]!;
    const len = data.readUInt16BE(o + 3);
    if (type < 20 || type > 24 || data[o + 1] !== 3) break;
    if (o + 5 + len > data.length) break;
    out.push({ type, version: data.readUInt16BE(o + 1), body: data.subarray(o + 5, o + 5 + len) });
    o += 5 + len;
  }
  return out;
}

/** Concatenated plaintext handshake bytes of the records before encryption starts. */
function clearHandshake(records: TlsRecord[]): Buffer {
  const parts: Buffer[] = [];
  for (const r of records) {
    if (r.type === 22) parts.push(r.body);
    else if (r.type === 20 || r.type === 23) break;
  }
  return Buffer.concat(parts);
}

interface Hello {
  random: Buffer;
  cipherSuite: number;
  compressionMethod: number;
  legacyVersion: number;
  extensions: Map<number, Buffer>;
}

/** Minimal ClientHello/ServerHello parse: the last message of `type` in the clear handshake bytes. */
function findHello(hs: Buffer, type: 1 | 2): Hello | null {
  let o = 0;
  let found: Hello | null = null;
  while (o + 4 <= hs.length) {
    const t = hs[o]!;
    const len = hs.readUIntBE(o + 1, 3);
    const body = hs.subarray(o + 4, o + 4 + len);
    o += 4 + len;
    if (t !== type || body.length < 38) continue;
    let p = 2;
    const random = body.subarray(p, p + 32);
    p += 32;
    p += 1 + body[p]!; // session id
    let cipherSuite = -1;
    let compressionMethod = -1;
    if (type === 1) {
      p += 2 + body.readUInt16BE(p);
      p += 1 + body[p]!;
    } else {
      cipherSuite = body.readUInt16BE(p);
      compressionMethod = body[p + 2]!;
      p += 3;
    }
    const extensions = new Map<number, Buffer>();
    if (p + 2 <= body.length) {
      const end = Math.min(body.length, p + 2 + body.readUInt16BE(p));
      p += 2;
      while (p + 4 <= end) {
        const et = body.readUInt16BE(p);
        const el = body.readUInt16BE(p + 2);
        extensions.set(et, body.subarray(p + 4, p + 4 + el));
        p += 4 + el;
      }
    }
    found = { random, cipherSuite, compressionMethod, legacyVersion: body.readUInt16BE(0), extensions };
  }
  return found;
}

export interface TlsSession {
  readonly stream: number;
  /** ServerHello compression method (1 = DEFLATE, RFC 3749); not part of the decryption contract. */
  readonly compressionMethod: number;
  /** Client and server addresses as tshark prints them. */
  readonly clientAddr: string;
  readonly serverAddr: string;
  /** tshark node index of the client (0 or 1). */
  readonly clientNode: 0 | 1;
  readonly params: TlsSessionParams;
  /** Records per direction (index 0 = client → server). */
  readonly records: [TlsRecord[], TlsRecord[]];
}

/** Session parameters from the hellos of one followed stream, or null if it is not a TLS session with both hellos. */
export function sessionOf(stream: number, f: FollowedStream): TlsSession | null {
  const recs: [TlsRecord[], TlsRecord[]] = [walkRecords(f.data[0]), walkRecords(f.data[1])];
  const ch0 = findHello(clearHandshake(recs[0]), 1);
  const clientNode: 0 | 1 = ch0 !== null ? 0 : 1;
  const ch = ch0 ?? findHello(clearHandshake(recs[1]), 1);
  const sh = findHello(clearHandshake(recs[clientNode === 0 ? 1 : 0]), 2);
  if (ch === null || sh === null) return null;
  const sv = sh.extensions.get(43);
  const version = sv !== undefined && sv.length === 2 ? sv.readUInt16BE(0) : sh.legacyVersion;
  const HRR = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';
  const params: TlsSessionParams = {
    version,
    cipherSuite: sh.cipherSuite,
    clientRandom: new Uint8Array(ch.random),
    serverRandom: new Uint8Array(sh.random),
    encryptThenMac: ch.extensions.has(22) && sh.extensions.has(22),
    extendedMasterSecret: ch.extensions.has(23) && sh.extensions.has(23),
    helloRetryRequest: sh.random.toString('hex') === HRR,
  };
  const records: [TlsRecord[], TlsRecord[]] = clientNode === 0 ? recs : [recs[1], recs[0]];
  return {
    stream, clientNode, params, records, compressionMethod: sh.compressionMethod,
    clientAddr: f.nodes[clientNode], serverAddr: f.nodes[clientNode === 0 ? 1 : 0],
  };
}

export interface DecryptedDirection {
  /** Results of the records passed to the decryptor, in order. */
  results: DecryptResult[];
  /** Concatenated application data plaintext. */
  appData: Buffer;
  /** Records that did not decrypt. */
  failures: number;
}

/** Feeds every protected record of each direction to a decryptor, as the TLS decoder would. */
export function decryptSession(
  factory: DecryptorFactory,
  s: TlsSession,
  atFrame = Number.MAX_SAFE_INTEGER,
): { ok: false; reason: string } | { ok: true; dirs: [DecryptedDirection, DecryptedDirection] } {
  const created = factory.create(s.params, atFrame);
  if (!created.ok) return created;
  const dec = created.decryptor;
  const tls13 = s.params.version === 0x0304;
  const dirs = ([0, 1] as const).map((dir: Dir) => {
    const results: DecryptResult[] = [];
    const app: Uint8Array[] = [];
    let failures = 0;
    let encrypted = false;
    // TLS compression (RFC 3749): one zlib stream per direction, each record a sync-flushed piece.
    // Test-side only (quadratic re-inflation, fine for small captures).
    const compressed: Uint8Array[] = [];
    let inflatedLen = 0;
    for (const r of s.records[dir]) {
      if (tls13) {
        if (r.type !== 23) continue;
      } else if (r.type === 20) {
        dec.changeCipherSpec(dir);
        encrypted = true;
        continue;
      } else if (!encrypted) continue;
      const res = dec.decrypt(dir, r.type, r.body);
      results.push(res);
      if (!res.ok) {
        failures++;
        continue;
      }
      let plain = res.plaintext;
      if (s.compressionMethod === 1 && !tls13) {
        compressed.push(plain);
        const all = inflateSync(Buffer.concat(compressed), { finishFlush: constants.Z_SYNC_FLUSH });
        plain = all.subarray(inflatedLen);
        inflatedLen = all.length;
      }
      if (res.contentType === 23) app.push(plain);
    }
    return { results, appData: Buffer.concat(app), failures };
  }) as [DecryptedDirection, DecryptedDirection];
  return { ok: true, dirs };
}

/** Secrets from pcapng Decryption Secrets Blocks: the key log text and the frame number they apply from. */
export function readDsbSecrets(file: string): { fromFrame: number; text: string }[] {
  const d = readFileSync(file);
  const out: { fromFrame: number; text: string }[] = [];
  let o = 0;
  let le = true;
  let packets = 0;
  while (o + 12 <= d.length) {
    if (d.readUInt32LE(o) === 0x0a0d0d0a) le = d.readUInt32LE(o + 8) === 0x1a2b3c4d;
    const type = le ? d.readUInt32LE(o) : d.readUInt32BE(o);
    const len = le ? d.readUInt32LE(o + 4) : d.readUInt32BE(o + 4);
    if (len < 12 || o + len > d.length) break;
    if (type === 6 || type === 3 || type === 2) packets++;
    if (type === 0x0a) {
      const stype = le ? d.readUInt32LE(o + 8) : d.readUInt32BE(o + 8);
      const slen = le ? d.readUInt32LE(o + 12) : d.readUInt32BE(o + 12);
      if (stype === 0x544c534b) out.push({ fromFrame: packets + 1, text: d.subarray(o + 16, o + 16 + slen).toString('latin1') });
    }
    o += len;
  }
  return out;
}

export interface Totals {
  connections: number;
  records: number;
  appBytes: number;
  unsupported: string[];
  skipped: number;
}

/**
 * Decrypts every TLS session of a capture and compares each direction's application data
 * with tshark's decrypted stream (`tlsOpts` tell tshark where the keys are). Uses vitest's expect.
 */
export function compareWithTshark(file: string, factory: DecryptorFactory, tlsOpts: string[]): Totals {
  const streams = tcpStreams(file);
  const tcp = follow(file, 'tcp', streams);
  // HTTP/2 would eat the connection preface out of tshark's TLS follow output.
  const tls = follow(file, 'tls', streams, [...tlsOpts, '--disable-protocol', 'http2']);
  const totals: Totals = { connections: 0, records: 0, appBytes: 0, unsupported: [], skipped: 0 };
  for (const [stream, followed] of tcp) {
    const s = sessionOf(stream, followed);
    if (s === null) {
      // Not a TLS session we can parse: tshark must not have decrypted anything in it either.
      const t = tls.get(stream);
      expect(t === undefined ? 0 : t.data[0].length + t.data[1].length, `stream ${stream}: tshark decrypted data we skipped`).toBe(0);
      totals.skipped++;
      continue;
    }
    const info = cipherSuiteInfo(s.params.cipherSuite);
    const r = decryptSession(factory, s);
    if (!r.ok) {
      // Only unsupported suites may fail to get a decryptor here.
      expect(info, `stream ${stream}: ${r.reason}`).toBeUndefined();
      expect(r.reason).toMatch(/^cipher suite 0x[0-9a-f]{4}: not supported/);
      totals.unsupported.push(r.reason);
      continue;
    }
    // tshark's follow,tls numbers nodes on its own: match them by address.
    const t = tls.get(stream);
    const oracle: [Buffer, Buffer] = [Buffer.alloc(0), Buffer.alloc(0)];
    if (t !== undefined) {
      const serverFirst = t.nodes[0] === s.serverAddr || t.nodes[1] === s.clientAddr;
      oracle[0] = t.data[serverFirst ? 1 : 0];
      oracle[1] = t.data[serverFirst ? 0 : 1];
    }
    for (const dir of [0, 1] as const) {
      const d = r.dirs[dir];
      const failed = d.results.map((x, i) => (x.ok ? null : `#${i}: ${x.reason}`)).filter((x) => x !== null);
      expect(failed, `stream ${stream} dir ${dir} suite 0x${s.params.cipherSuite.toString(16)}`).toEqual([]);
      const want = oracle[dir];
      expect(d.appData.toString('hex'), `stream ${stream} dir ${dir}`).toBe(want.toString('hex'));
      totals.records += d.results.length;
      totals.appBytes += d.appData.length;
    }
    totals.connections++;
  }
  return totals;
}


/**
 * Test helper: per-direction TCP payload of every stream of a capture, as tshark's
 * "Follow TCP Stream" (raw) shows it, so decoders can be fed real bytes without the
 * project's own reassembler. One tshark pass for all streams of a file.
 *
 * Output of `tshark -q -z follow,tcp,raw,N`: a header naming Node 0 (the side that sent the
 * first packet tshark saw, normally the client) and Node 1, then one hex line per segment;
 * lines of Node 1 start with a tab.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const TSHARK = '/usr/bin/tshark';
export const HAVE_TSHARK = existsSync(TSHARK);

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** Repository root (…/main) → sibling `shared/captures/public`. */
export const SHARED_PUBLIC = path.resolve(HERE, '../../../..', '..', 'shared', 'captures', 'public');
export const HAVE_SHARED = existsSync(SHARED_PUBLIC);

export interface FollowChunk {
  /** 0 = Node 0 (first sender, normally the client), 1 = Node 1. */
  dir: 0 | 1;
  data: Uint8Array;
  /** Bytes tshark reports missing here (data is then empty). */
  gap?: number;
}

export interface FollowStream {
  index: number;
  node0: string;
  node1: string;
  chunks: FollowChunk[];
}

/**
 * tshark output cache (tshark start-up costs ~0.5 s; the corpus test runs it ~250 times). Keyed by
 * the arguments and the size and mtime of the capture, kept in the OS temporary directory.
 */
const CACHE_DIR = path.join(os.tmpdir(), 'rdpdiag-tshark-cache');

function cacheKey(args: string[]): string | null {
  const i = args.indexOf('-r');
  const file = i >= 0 ? args[i + 1] : undefined;
  if (file === undefined) return null;
  try {
    const st = statSync(file);
    return createHash('sha256').update(JSON.stringify([args, st.size, st.mtimeMs])).digest('hex');
  } catch {
    return null;
  }
}

function cachePath(args: string[]): string | null {
  const key = cacheKey(args);
  return key === null ? null : path.join(CACHE_DIR, key);
}

function store(cached: string | null, text: string): void {
  if (cached === null) return;
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    writeFileSync(cached, text);
  } catch {
    // cache is best effort
  }
}

/** tshark's standard output (also when it exits non-zero on a cut-off capture), cached across runs. */
export function tshark(args: string[]): string {
  const cached = cachePath(args);
  if (cached !== null && existsSync(cached)) return readFileSync(cached, 'utf8');
  const r = spawnSync(TSHARK, ['-n', ...args], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
  const text = r.stdout ?? '';
  store(cached, text);
  return text;
}

/** Same as tshark(), without blocking. */
export function tsharkAsync(args: string[]): Promise<string> {
  const cached = cachePath(args);
  if (cached !== null && existsSync(cached)) return Promise.resolve(readFileSync(cached, 'utf8'));
  return new Promise((resolve) => {
    const child = spawn(TSHARK, ['-n', ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
    const parts: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => parts.push(b));
    child.on('close', () => {
      const text = Buffer.concat(parts).toString('utf8');
      store(cached, text);
      resolve(text);
    });
    child.on('error', () => resolve(''));
  });
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

const MISSING = /^\[(\d+) bytes missing in capture file\]\0?$/;

/** Arguments for one tshark run that follows all the given streams. */
export function followArgs(file: string, indexes: number[]): string[] {
  const args = ['-r', file, '-q'];
  for (const n of indexes) args.push('-z', `follow,tcp,raw,${n}`);
  return args;
}

/** Parses the output of `-z follow,tcp,raw,N` (one or several streams). */
export function parseFollow(text: string): FollowStream[] {
  const result: FollowStream[] = [];
  let cur: FollowStream | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('Filter: tcp.stream eq ')) {
      cur = { index: Number(line.slice('Filter: tcp.stream eq '.length)), node0: '', node1: '', chunks: [] };
      result.push(cur);
    } else if (cur === null || line.startsWith('=====') || line.startsWith('Follow:')) {
      continue;
    } else if (line.startsWith('Node 0: ')) cur.node0 = line.slice(8);
    else if (line.startsWith('Node 1: ')) cur.node1 = line.slice(8);
    else if (/^\t?[0-9a-f]+$/.test(line)) {
      const dir = line.startsWith('\t') ? 1 : 0;
      const data = hexBytes(line.trim());
      // tshark writes "[N bytes missing in capture file]" (as hex) where segments were not captured.
      const m = data.length < 64 ? MISSING.exec(Buffer.from(data).toString('latin1')) : null;
      if (m) cur.chunks.push({ dir, data: new Uint8Array(0), gap: Number(m[1]) });
      else cur.chunks.push({ dir, data });
    }
  }
  return result.sort((a, b) => a.index - b.index);
}

/** TCP stream indexes of a capture that carry payload. */
export function tcpStreamIndexes(file: string): number[] {
  const out = tshark(['-r', file, '-Y', 'tcp.len > 0', '-T', 'fields', '-e', 'tcp.stream']);
  const set = new Set<number>();
  for (const line of out.split('\n')) {
    const t = line.trim();
    if (t !== '') set.add(Number(t));
  }
  return [...set].sort((a, b) => a - b);
}

/** Every TCP stream with payload, both directions in tshark's order (synchronous). */
export function followStreams(file: string): FollowStream[] {
  return parseFollow(tshark(followArgs(file, tcpStreamIndexes(file))));
}

/**
 * Drops leading TPKT PDUs (the X.224 Connection Request/Confirm of RDP) from each direction,
 * so that the TLS bytes that follow the RDP security negotiation start the stream.
 */
export function skipLeadingTpkt(chunks: FollowChunk[]): FollowChunk[] {
  const out: FollowChunk[] = [];
  const skipping: [boolean, boolean] = [true, true];
  const pending: [number, number] = [0, 0]; // bytes still to drop in the current TPKT
  const header: [number[], number[]] = [[], []];
  for (const c of chunks) {
    if (c.gap !== undefined) {
      out.push(c);
      continue;
    }
    let p = 0;
    const d = c.data;
    while (skipping[c.dir] && p < d.length) {
      if (pending[c.dir] > 0) {
        const n = Math.min(pending[c.dir], d.length - p);
        pending[c.dir] -= n;
        p += n;
        continue;
      }
      const h = header[c.dir];
      if (h.length === 0 && d[p] !== 0x03) {
        skipping[c.dir] = false;
        break;
      }
      h.push(d[p]!);
      p++;
      if (h.length === 4) {
        pending[c.dir] = ((h[2]! << 8) | h[3]!) - 4;
        header[c.dir] = [];
      }
    }
    if (p < d.length) out.push({ dir: c.dir, data: d.subarray(p) });
  }
  return out;
}

/** A plausible first byte pair of a TLS record (handshake/alert, version 3.x) or an SSLv2 hello. */
function tlsStartsAt(b: Uint8Array, i: number): boolean {
  return (b[i] === 0x16 || b[i] === 0x15) && b[i + 1] === 0x03 && (b[i + 2] ?? 9) <= 0x04;
}

/**
 * For captures where TLS starts after some clear-text protocol (STARTTLS, SOCKS, HTTP CONNECT):
 * in each direction that does not begin with a TLS record, drops the bytes before the first
 * `16 03 0x` / `15 03 0x`. Directions without such a pattern are left as they are.
 * Test-side only: in rdpdiag the session layer hands the TLS decoder the stream where TLS starts.
 */
export function skipToTls(chunks: FollowChunk[]): FollowChunk[] {
  const all: [number[], number[]] = [[], []];
  for (const c of chunks) if (c.gap === undefined) for (const x of c.data) all[c.dir].push(x);
  const skip: [number, number] = [0, 0];
  for (const dir of [0, 1] as const) {
    const b = Uint8Array.from(all[dir]);
    if (b.length === 0 || tlsStartsAt(b, 0) || (b[0]! & 0x80) !== 0 || b[0] === 0x14 || b[0] === 0x17) continue;
    for (let i = 1; i + 2 < b.length; i++) {
      if (tlsStartsAt(b, i)) {
        skip[dir] = i;
        break;
      }
    }
  }
  const out: FollowChunk[] = [];
  for (const c of chunks) {
    if (c.gap !== undefined) {
      if (skip[c.dir] === 0) out.push(c);
      continue;
    }
    const drop = Math.min(skip[c.dir], c.data.length);
    skip[c.dir] -= drop;
    if (drop < c.data.length) out.push({ dir: c.dir, data: c.data.subarray(drop) });
  }
  return out;
}

/** All bytes of one direction, with leading TPKT and clear-text prefixes removed (no gaps expected). */
export function directionBytes(chunks: FollowChunk[], dir: 0 | 1): Uint8Array {
  const parts = skipToTls(skipLeadingTpkt(chunks)).filter((c) => c.dir === dir && c.gap === undefined);
  const out = new Uint8Array(parts.reduce((n, c) => n + c.data.length, 0));
  let o = 0;
  for (const c of parts) {
    out.set(c.data, o);
    o += c.data.length;
  }
  return out;
}

/**
 * Clear-text handshake messages (type and body) at the start of one direction, found with a
 * naive record walk written independently of the decoder: records of type 22 are concatenated
 * until the first record of another type, then split by the 4-byte handshake header.
 */
export function clearHandshakeMessages(bytes: Uint8Array): { msgType: number; body: Uint8Array }[] {
  const frags: number[] = [];
  let p = 0;
  while (p + 5 <= bytes.length && bytes[p] === 22) {
    const len = (bytes[p + 3]! << 8) | bytes[p + 4]!;
    if (p + 5 + len > bytes.length) break;
    for (let i = p + 5; i < p + 5 + len; i++) frags.push(bytes[i]!);
    p += 5 + len;
  }
  const hs = Uint8Array.from(frags);
  const out: { msgType: number; body: Uint8Array }[] = [];
  let q = 0;
  while (q + 4 <= hs.length) {
    const len = (hs[q + 1]! << 16) | (hs[q + 2]! << 8) | hs[q + 3]!;
    if (q + 4 + len > hs.length) break;
    out.push({ msgType: hs[q]!, body: hs.slice(q + 4, q + 4 + len) });
    q += 4 + len;
  }
  return out;
}
